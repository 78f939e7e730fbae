package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Softmax, {@code exp(x) / sum(exp(x))} along {@code dim}, like {@code torch.nn.Softmax}: any shape in, the same shape out. The dim must be given
 * (PyTorch's implicit choice of dim is deprecated); for {@code [N, C]} scores it is 1.
 */
public class Softmax extends Module {
    private final int dim;

    /** Along {@code dim} (negative counts from the end). */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** Applies the function along {@code dim}. */
    @Override
    public Tensor forward(Tensor input) {
        return F.softmax(input, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
