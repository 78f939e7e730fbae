package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** {@code max(x, 0)}, like {@code torch.nn.ReLU}: elementwise, any shape in, the same shape out. */
public class ReLU extends Module {

    /** The activation (it has no parameters). */
    public ReLU() {
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.relu(input);
    }
}
