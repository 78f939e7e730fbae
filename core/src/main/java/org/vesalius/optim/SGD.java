package org.vesalius.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay, like
 * {@code torch.optim.SGD} (the same update, step for step):
 * <pre>
 * d = grad + weightDecay * p
 * buf = d                                   (first step)
 * buf = momentum * buf + (1 - dampening) * d  (later steps)
 * d = nesterov ? d + momentum * buf : buf     (when momentum != 0)
 * p = p - lr * d
 * </pre>
 * Options per group: {@code lr}, {@code momentum} (0), {@code dampening} (0), {@code weightDecay} (0).
 * State per parameter: {@code momentumBuffer} (PyTorch's {@code momentum_buffer}).
 */
public class SGD extends Optimizer {
    private final boolean nesterov;

    /** Plain SGD with learning rate {@code lr}. */
    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /** SGD with momentum. */
    public SGD(List<Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, 0, false);
    }

    /**
     * SGD with every option; these are the defaults of groups added later.
     *
     * @param nesterov Nesterov momentum (needs momentum > 0 and dampening 0)
     */
    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super("SGD", defaults(lr, momentum, dampening, weightDecay));
        this.nesterov = nesterov;
        addFirstGroup(params);
    }

    private static Map<String, Double> defaults(double lr, double momentum, double dampening, double weightDecay) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("momentum", momentum);
        d.put("dampening", dampening);
        d.put("weightDecay", weightDecay);
        return d;
    }

    /** Whether Nesterov momentum is used. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "momentum");
        requireNonNegative(g, "weightDecay");
        if (nesterov && (g.get("momentum") <= 0 || g.get("dampening") != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum "
                    + g.get("momentum") + " and dampening " + g.get("dampening"));
        }
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, ParamState st) {
        double weightDecay = g.get("weightDecay");
        double momentum = g.get("momentum");
        double dampening = g.get("dampening");
        Tensor buf = null;
        boolean first = false;
        if (momentum != 0) {
            buf = st.get("momentumBuffer");
            if (buf == null) {
                buf = stateTensor(st, "momentumBuffer", () -> Tensor.zerosLike(p));
                first = true;
            }
        }
        if (p.backend().sgdStep(p, grad, buf, g.lr(), momentum, dampening, weightDecay, nesterov, first)) {
            // the fused kernel wrote in place behind the tensor API: tell autograd, as add_ would
            p.storage().bumpVersion();
            if (buf != null) {
                buf.storage().bumpVersion();
            }
            return;
        }
        Tensor d = weightDecay != 0 ? grad.add(p, weightDecay) : grad;
        if (buf != null) {
            if (first) {
                buf.copy_(d);
            } else {
                buf.mul_(momentum).add_(d, 1 - dampening);
            }
            d = nesterov ? d.add(buf, momentum) : buf;
        }
        p.add_(d, -g.lr());
    }
}
