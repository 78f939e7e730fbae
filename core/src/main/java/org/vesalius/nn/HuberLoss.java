package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Huber loss, quadratic below {@code delta} and {@code delta}-scaled linear above, like
 * {@code torch.nn.HuberLoss}; see {@link F#huberLoss(Tensor, Tensor, Reduction, double)}.
 */
public class HuberLoss extends Loss {
    private final double delta;

    /** Mean reduction, delta 1. */
    public HuberLoss() {
        this(Reduction.MEAN, 1.0);
    }

    /** The given reduction and delta (> 0). */
    public HuberLoss(Reduction reduction, double delta) {
        super(reduction);
        this.delta = delta;
    }

    /** Input and target of the same shape; a scalar, or that shape for {@link Reduction#NONE}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.huberLoss(input, target, reduction(), delta);
    }

    @Override
    protected String extraRepr() {
        String r = super.extraRepr();
        return (r.isEmpty() ? "" : r + ", ") + "delta=" + delta;
    }
}
