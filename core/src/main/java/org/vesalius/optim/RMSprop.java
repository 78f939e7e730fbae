package org.vesalius.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * RMSprop, with optional momentum and centering, like {@code torch.optim.RMSprop} (the same update,
 * step for step):
 * <pre>
 * g = grad + weightDecay * p
 * s = alpha * s + (1 - alpha) * g^2
 * a = alpha * a + (1 - alpha) * g        (centered)
 * avg = sqrt(s - a^2) or sqrt(s), plus eps
 * buf = momentum * buf + g / avg; p = p - lr * buf     (momentum > 0)
 * p = p - lr * g / avg                                  (otherwise)
 * </pre>
 * Options per group: {@code lr} (1e-2), {@code alpha} (0.99), {@code eps} (1e-8),
 * {@code weightDecay} (0), {@code momentum} (0). State per parameter: {@code squareAvg},
 * {@code gradAvg} (centered), {@code momentumBuffer} (momentum).
 */
public class RMSprop extends Optimizer {
    private final boolean centered;

    /** PyTorch's defaults with learning rate {@code lr}. */
    public RMSprop(List<Tensor> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    /** Every option; these are the defaults of groups added later. */
    public RMSprop(List<Tensor> params, double lr, double alpha, double eps, double weightDecay, double momentum,
                   boolean centered) {
        super("RMSprop", defaults(lr, alpha, eps, weightDecay, momentum));
        this.centered = centered;
        addFirstGroup(params);
    }

    private static Map<String, Double> defaults(double lr, double alpha, double eps, double weightDecay, double momentum) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("alpha", alpha);
        d.put("eps", eps);
        d.put("weightDecay", weightDecay);
        d.put("momentum", momentum);
        return d;
    }

    /** Whether the gradient's running mean is subtracted from the second moment. */
    public boolean centered() {
        return centered;
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "eps");
        requireNonNegative(g, "alpha");
        requireNonNegative(g, "weightDecay");
        requireNonNegative(g, "momentum");
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, ParamState st) {
        double alpha = g.get("alpha");
        double weightDecay = g.get("weightDecay");
        double momentum = g.get("momentum");
        Tensor d = weightDecay != 0 ? grad.add(p, weightDecay) : grad;
        Tensor squareAvg = stateTensor(st, "squareAvg", () -> Tensor.zerosLike(p));
        squareAvg.mul_(alpha).add_(d.mul(d), 1 - alpha);
        Tensor avg;
        if (centered) {
            Tensor gradAvg = stateTensor(st, "gradAvg", () -> Tensor.zerosLike(p));
            gradAvg.mul_(alpha).add_(d, 1 - alpha);
            avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
        } else {
            avg = squareAvg.sqrt();
        }
        avg = avg.add(g.get("eps"));
        if (momentum > 0) {
            Tensor buf = stateTensor(st, "momentumBuffer", () -> Tensor.zerosLike(p));
            buf.mul_(momentum).add_(d.div(avg));
            p.add_(buf, -g.lr());
        } else {
            p.add_(d.div(avg), -g.lr());
        }
    }
}
