package org.vesalius.cnn;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.nn.NormBase;
import org.vesalius.tensor.Tensor;

/**
 * What {@link InstanceNorm1d}, {@link InstanceNorm2d} and {@link InstanceNorm3d} share (PyTorch's
 * {@code _InstanceNorm}): each (sample, channel) of {@code [N, C, *spatial]} normalized by its own
 * mean and biased variance over the spatial dims, then optionally scaled and shifted per channel.
 *
 * <p>Parameters and buffers as in {@link NormBase} (PyTorch's names and initial values; as in
 * PyTorch, {@code num_batches_tracked} is kept for state-dict parity and never counted). With
 * running statistics, training updates them by {@code running = (1 - momentum) * running + momentum * batchStat} (the
 * instances' statistics averaged over the batch, variance unbiased) and eval normalizes every
 * instance with them; without, eval uses each instance's own statistics too. PyTorch's defaults are
 * {@code affine = false} and {@code trackRunningStats = false}.
 */
public abstract class InstanceNorm extends NormBase {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceNorm.class);

    private final int spatialDims;
    private boolean warned;

    /**
     * @param numFeatures       C, the number of channels
     * @param eps               added to the variance (PyTorch: 1e-5)
     * @param momentum          the running statistics' update factor (PyTorch: 0.1)
     * @param affine            whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics for eval
     */
    protected InstanceNorm(int spatialDims, int numFeatures, double eps, double momentum, boolean affine,
                           boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(name() + ": eps must be >= 0, got " + eps);
        }
        this.spatialDims = spatialDims;
    }

    /**
     * {@code [N, C, *spatial]} (or unbatched {@code [C, *spatial]}) normalized, same shape out.
     *
     * @throws IllegalArgumentException for another rank, or for a channel count other than
     *                                  {@code numFeatures} when there are per-channel parameters or
     *                                  statistics (without them PyTorch only warns, and so does this)
     */
    @Override
    public Tensor forward(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        boolean batched = input.dim() == spatialDims + 2;
        int c = input.size(batched ? 1 : 0);
        if (c != numFeatures()) {
            if (affine() || trackRunningStats()) {
                throw new IllegalArgumentException(toString() + ": expected input with " + numFeatures()
                        + " channels, got shape " + Arrays.toString(input.shape()) + " with " + c);
            }
            if (!warned) {
                warned = true;
                LOG.warn("{}: input of shape {} has {} channels, not numFeatures={}; without affine parameters or running "
                        + "statistics this is harmless", name(), Arrays.toString(input.shape()), c, numFeatures());
            }
        }
        Tensor x = batched ? input : input.unsqueeze(0);
        Tensor y = x.instanceNorm(runningMean(), runningVar(), weight(), bias(), isTraining() || !trackRunningStats(),
                momentum(), eps());
        return batched ? y : y.squeeze(0);
    }
}
