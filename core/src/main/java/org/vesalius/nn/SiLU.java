package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** {@code x * sigmoid(x)} (swish), like {@code torch.nn.SiLU}: elementwise, any shape in, the same shape out. */
public class SiLU extends Module {

    /** The activation (it has no parameters). */
    public SiLU() {
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.silu(input);
    }
}
