package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Batch normalisation of {@code [N, C] or [N, C, L]} (same shape out), like {@code torch.nn.BatchNorm1d};
 * parameters, buffers and modes as described in {@link BatchNorm}.
 */
public class BatchNorm1d extends BatchNorm {

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** See {@link BatchNorm#BatchNorm(int, double, Double, boolean, boolean)}; a null momentum means a cumulative average. */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(Tensor input) {
        checkRank("BatchNorm1d", input, 2, 3);
    }
}
