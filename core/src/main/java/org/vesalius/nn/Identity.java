package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** Returns its input unchanged (any shape), like {@code torch.nn.Identity}: a placeholder in a model. */
public class Identity extends Module {

    /** The identity module. */
    public Identity() {
    }

    /** The input itself. */
    @Override
    public Tensor forward(Tensor input) {
        return input;
    }
}
