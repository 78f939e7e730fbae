package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * {@code log(1 + exp(beta * x)) / beta}, and {@code x} where {@code beta * x > threshold} (for
 * stability), like {@code torch.nn.Softplus}: elementwise, any shape in, the same shape out.
 */
public class Softplus extends Module {
    private final double beta;
    private final double threshold;

    /** Beta 1, threshold 20. */
    public Softplus() {
        this(1, 20);
    }

    /** The given beta and threshold. */
    public Softplus(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.softplus(input, beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta + ", threshold=" + threshold;
    }
}
