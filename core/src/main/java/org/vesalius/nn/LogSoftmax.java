package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Log-softmax, {@code x - logsumexp(x)} along {@code dim}, computed stably, like {@code torch.nn.LogSoftmax}: any shape in, the same shape out. The dim must be given
 * (PyTorch's implicit choice of dim is deprecated); for {@code [N, C]} scores it is 1.
 */
public class LogSoftmax extends Module {
    private final int dim;

    /** Along {@code dim} (negative counts from the end). */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    /** Applies the function along {@code dim}. */
    @Override
    public Tensor forward(Tensor input) {
        return F.logSoftmax(input, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
