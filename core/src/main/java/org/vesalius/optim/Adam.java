package org.vesalius.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * Adam, with optional AMSGrad, like {@code torch.optim.Adam} (the same update, step for step):
 * <pre>
 * g = grad + weightDecay * p            (L2 penalty in the gradient; see {@link AdamW} for decoupled decay)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * vmax = max(vmax, v)                   (AMSGrad)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Options per group: {@code lr} (1e-3), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps}
 * (1e-8), {@code weightDecay} (0); PyTorch's {@code betas} tuple is split in two. State per
 * parameter: {@code expAvg}, {@code expAvgSq}, {@code maxExpAvgSq} (AMSGrad) and the step count.
 */
public class Adam extends Optimizer {
    private final boolean amsgrad;

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params) {
        this(params, 1e-3);
    }

    /** Learning rate {@code lr}, other options at PyTorch's defaults. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /** Every option; these are the defaults of groups added later. */
    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        this("Adam", params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    /** For {@link AdamW}, which shares the options and the moment updates. */
    Adam(String name, List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean amsgrad) {
        super(name, defaults(lr, beta1, beta2, eps, weightDecay));
        this.amsgrad = amsgrad;
        addFirstGroup(params);
    }

    private static Map<String, Double> defaults(double lr, double beta1, double beta2, double eps, double weightDecay) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("beta1", beta1);
        d.put("beta2", beta2);
        d.put("eps", eps);
        d.put("weightDecay", weightDecay);
        return d;
    }

    /** Whether the AMSGrad variant is used. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "eps");
        requireUnitInterval(g, "beta1");
        requireUnitInterval(g, "beta2");
        requireNonNegative(g, "weightDecay");
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, ParamState st) {
        adamStep(g, p, grad, st, false);
    }

    /**
     * The step shared with {@link AdamW}: fused by the backend when it can, else composed from tensor ops.
     *
     * @param decoupled AdamW's weight decay (scale the parameter) instead of Adam's (add to the gradient)
     */
    final void adamStep(ParamGroup g, Tensor p, Tensor grad, ParamState st, boolean decoupled) {
        double weightDecay = g.get("weightDecay");
        double beta1 = g.get("beta1");
        double beta2 = g.get("beta2");
        double eps = g.get("eps");
        Tensor expAvg = stateTensor(st, "expAvg", () -> Tensor.zerosLike(p));
        Tensor expAvgSq = stateTensor(st, "expAvgSq", () -> Tensor.zerosLike(p));
        Tensor max = amsgrad ? stateTensor(st, "maxExpAvgSq", () -> Tensor.zerosLike(p)) : null;
        if (p.backend().adamStep(p, grad, expAvg, expAvgSq, max, g.lr(), beta1, beta2, eps, weightDecay, decoupled,
                st.step())) {
            // the fused kernel wrote in place behind the tensor API: tell autograd, as add_ would
            for (Tensor t : new Tensor[] {p, expAvg, expAvgSq, max}) {
                if (t != null) {
                    t.storage().bumpVersion();
                }
            }
            return;
        }
        Tensor d = grad;
        if (decoupled) {
            p.mul_(1 - g.lr() * weightDecay);
        } else if (weightDecay != 0) {
            d = grad.add(p, weightDecay);
        }
        expAvg.mul_(beta1).add_(d, 1 - beta1);
        expAvgSq.mul_(beta2).add_(d.mul(d), 1 - beta2);
        double step = st.step();
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = g.lr() / biasCorrection1;
        Tensor second = expAvgSq;
        if (max != null) {
            max.copy_(max.maximum(expAvgSq));
            second = max;
        }
        Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
        p.add_(expAvg.div(denom), -stepSize);
    }
}
