package org.vesalius.cnn;

/**
 * Instance normalization of {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}), same shape out, like
 * {@code torch.nn.InstanceNorm2d}; parameters, buffers and modes as described in {@link InstanceNorm}.
 */
public class InstanceNorm2d extends InstanceNorm {

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, no affine parameters, no running statistics. */
    public InstanceNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, false, false);
    }

    /** Default eps and momentum, with the given affine and tracking options. */
    public InstanceNorm2d(int numFeatures, boolean affine, boolean trackRunningStats) {
        this(numFeatures, 1e-5, 0.1, affine, trackRunningStats);
    }

    /** See {@link InstanceNorm#InstanceNorm(int, int, double, double, boolean, boolean)}. */
    public InstanceNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(2, numFeatures, eps, momentum, affine, trackRunningStats);
    }
}
