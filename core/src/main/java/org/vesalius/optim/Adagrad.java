package org.vesalius.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * Adagrad, like {@code torch.optim.Adagrad} (the same update, step for step):
 * <pre>
 * g = grad + weightDecay * p
 * clr = lr / (1 + (t - 1) * lrDecay)
 * sum = sum + g^2                        (sum starts at initialAccumulatorValue)
 * p = p - clr * g / (sqrt(sum) + eps)
 * </pre>
 * Options per group: {@code lr} (1e-2), {@code lrDecay} (0), {@code weightDecay} (0),
 * {@code initialAccumulatorValue} (0), {@code eps} (1e-10). State per parameter: {@code sum} and the
 * step count.
 */
public class Adagrad extends Optimizer {

    /** PyTorch's defaults with learning rate {@code lr}. */
    public Adagrad(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, 1e-10);
    }

    /** Every option; these are the defaults of groups added later. */
    public Adagrad(List<Tensor> params, double lr, double lrDecay, double weightDecay, double initialAccumulatorValue,
                   double eps) {
        super("Adagrad", defaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps));
        addFirstGroup(params);
    }

    private static Map<String, Double> defaults(double lr, double lrDecay, double weightDecay,
                                                double initialAccumulatorValue, double eps) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("lrDecay", lrDecay);
        d.put("weightDecay", weightDecay);
        d.put("initialAccumulatorValue", initialAccumulatorValue);
        d.put("eps", eps);
        return d;
    }

    @Override
    protected void validate(ParamGroup g) {
        requireNonNegative(g, "lr");
        requireNonNegative(g, "lrDecay");
        requireNonNegative(g, "weightDecay");
        requireNonNegative(g, "initialAccumulatorValue");
        requireNonNegative(g, "eps");
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, ParamState st) {
        double weightDecay = g.get("weightDecay");
        Tensor d = weightDecay != 0 ? grad.add(p, weightDecay) : grad;
        double clr = g.lr() / (1 + (st.step() - 1) * g.get("lrDecay"));
        double init = g.get("initialAccumulatorValue");
        Tensor sum = stateTensor(st, "sum", () -> Tensor.fullLike(p, init));
        sum.add_(d.mul(d));
        Tensor std = sum.sqrt().add(g.get("eps"));
        p.add_(d.div(std), -clr);
    }
}
