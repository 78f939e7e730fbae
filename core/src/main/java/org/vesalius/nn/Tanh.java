package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** The hyperbolic tangent, like {@code torch.nn.Tanh}: elementwise, any shape in, the same shape out. */
public class Tanh extends Module {

    /** The activation (it has no parameters). */
    public Tanh() {
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.tanh(input);
    }
}
