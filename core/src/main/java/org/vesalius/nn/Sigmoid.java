package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** {@code 1 / (1 + exp(-x))}, like {@code torch.nn.Sigmoid}: elementwise, any shape in, the same shape out. */
public class Sigmoid extends Module {

    /** The activation (it has no parameters). */
    public Sigmoid() {
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.sigmoid(input);
    }
}
