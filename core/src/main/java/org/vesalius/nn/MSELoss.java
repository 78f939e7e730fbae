package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** Squared error {@code (input - target)^2}, like {@code torch.nn.MSELoss}; see {@link F#mseLoss(Tensor, Tensor, Reduction)}. */
public class MSELoss extends Loss {

    /** Mean reduction. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /** The given reduction. */
    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    /** Input and target of the same shape; a scalar, or that shape for {@link Reduction#NONE}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.mseLoss(input, target, reduction());
    }
}
