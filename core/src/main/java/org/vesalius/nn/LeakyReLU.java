package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * {@code x} where positive and {@code negativeSlope * x} elsewhere, like {@code torch.nn.LeakyReLU}:
 * elementwise, any shape in, the same shape out.
 */
public class LeakyReLU extends Module {
    private final double negativeSlope;

    /** PyTorch's default slope, 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    /** The given slope for negative inputs. */
    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.leakyRelu(input, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negativeSlope=" + negativeSlope;
    }
}
