package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/** Scaled ELU, {@code scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))} with the self-normalising constants, like {@code torch.nn.SELU}: elementwise, any shape in, the same shape out. */
public class SELU extends Module {

    /** The activation (it has no parameters). */
    public SELU() {
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return F.selu(input);
    }
}
