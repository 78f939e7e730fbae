package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * The Gaussian error linear unit {@code x * Phi(x)}, like {@code torch.nn.GELU}: exact (erf) or, with
 * {@code approximate = "tanh"}, the tanh approximation. Elementwise, any shape in, the same shape out.
 */
public class GELU extends Module {
    private final String approximate;

    /** The exact form. */
    public GELU() {
        this("none");
    }

    /** {@code "none"} (exact) or {@code "tanh"}. */
    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
        this.approximate = approximate;
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.gelu(input, approximate);
    }

    @Override
    protected String extraRepr() {
        return approximate.equals("none") ? "" : "approximate=" + approximate;
    }
}
