package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Smooth L1 loss, quadratic below {@code beta} and linear above, like {@code torch.nn.SmoothL1Loss};
 * see {@link F#smoothL1Loss(Tensor, Tensor, Reduction, double)}.
 */
public class SmoothL1Loss extends Loss {
    private final double beta;

    /** Mean reduction, beta 1. */
    public SmoothL1Loss() {
        this(Reduction.MEAN, 1.0);
    }

    /** The given reduction and beta (>= 0; 0 is the L1 loss). */
    public SmoothL1Loss(Reduction reduction, double beta) {
        super(reduction);
        this.beta = beta;
    }

    /** Input and target of the same shape; a scalar, or that shape for {@link Reduction#NONE}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.smoothL1Loss(input, target, reduction(), beta);
    }

    @Override
    protected String extraRepr() {
        String r = super.extraRepr();
        return (r.isEmpty() ? "" : r + ", ") + "beta=" + beta;
    }
}
