package org.vesalius.nn;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Tensor;

/**
 * What {@link BatchNorm1d}, {@link BatchNorm2d} and {@link BatchNorm3d} share (PyTorch's
 * {@code _BatchNorm}): per-channel normalisation of {@code [N, C, *]} by the batch's statistics in
 * training and by running statistics in eval, then a per-channel scale and shift.
 *
 * <p>Parameters and buffers as in {@link NormBase}. Each training forward updates
 * {@code running = (1 - momentum) * running + momentum * batchStat} (unbiased variance) and counts the
 * batch; a null momentum uses the cumulative average {@code 1 / num_batches_tracked} instead.
 */
public abstract class BatchNorm extends NormBase {

    /**
     * Registers the parameters and buffers PyTorch registers for this configuration.
     *
     * @param numFeatures       C, the number of channels
     * @param eps               added to the variance for stability (PyTorch: 1e-5)
     * @param momentum          the running statistics' update factor (PyTorch: 0.1), or null for a cumulative average
     * @param affine            whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics (without them eval also uses batch statistics)
     */
    protected BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    /** Throws unless the input has the rank this variant accepts. */
    protected abstract void checkInput(Tensor input);

    /** {@code [N, C, *]} normalised per channel, same shape out. */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input);
        if (input.size(1) != numFeatures()) {
            throw new IllegalArgumentException(name() + ": expected " + numFeatures() + " channels (dim 1), got input of shape "
                    + Arrays.toString(input.shape()));
        }
        Double momentum = momentum();
        double factor = momentum == null ? 0 : momentum;
        if (isTraining() && trackRunningStats()) {
            Tensor count = getBuffer("num_batches_tracked");
            try (NoGrad ng = NoGrad.open()) {
                count.add_(1);
            }
            if (momentum == null) {
                factor = 1.0 / count.item();
            }
        }
        // Batch statistics in training, and in eval when there are no running statistics to use.
        boolean useBatchStats = isTraining() || !trackRunningStats();
        return input.batchNorm(runningMean(), runningVar(), weight(), bias(), useBatchStats, factor, eps());
    }

    static void checkRank(String name, Tensor input, int... ranks) {
        for (int r : ranks) {
            if (input.dim() == r) {
                return;
            }
        }
        String expected = ranks.length == 1 ? ranks[0] + "D" : ranks[0] + "D or " + ranks[1] + "D";
        throw new IllegalArgumentException(name + ": expected " + expected + " input, got " + input.dim()
                + "D input of shape " + Arrays.toString(input.shape()));
    }
}
