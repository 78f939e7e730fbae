package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** Absolute error {@code |input - target|}, like {@code torch.nn.L1Loss}; see {@link F#l1Loss(Tensor, Tensor, Reduction)}. */
public class L1Loss extends Loss {

    /** Mean reduction. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    /** The given reduction. */
    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    /** Input and target of the same shape; a scalar, or that shape for {@link Reduction#NONE}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.l1Loss(input, target, reduction());
    }
}
