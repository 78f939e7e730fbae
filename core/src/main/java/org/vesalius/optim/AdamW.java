package org.vesalius.optim;

import java.util.List;
import org.vesalius.tensor.Tensor;

/**
 * Adam with decoupled weight decay, like {@code torch.optim.AdamW}: the parameter first shrinks by
 * {@code p = p * (1 - lr * weightDecay)}, then takes the {@link Adam} step on the undecayed
 * gradient. Options and state as {@link Adam}; the default weight decay is 0.01.
 */
public class AdamW extends Adam {

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params) {
        this(params, 1e-3);
    }

    /** Learning rate {@code lr}, other options at PyTorch's defaults. */
    public AdamW(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 1e-2, false);
    }

    /** Every option; these are the defaults of groups added later. */
    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super("AdamW", params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, ParamState st) {
        adamStep(g, p, grad, st, true);
    }
}
