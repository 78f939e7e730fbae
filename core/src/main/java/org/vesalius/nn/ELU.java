package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * {@code x} where positive and {@code alpha * (exp(x) - 1)} elsewhere, like {@code torch.nn.ELU}:
 * elementwise, any shape in, the same shape out.
 */
public class ELU extends Module {
    private final double alpha;

    /** Alpha 1. */
    public ELU() {
        this(1.0);
    }

    /** The given alpha. */
    public ELU(double alpha) {
        this.alpha = alpha;
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.elu(input, alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }
}
