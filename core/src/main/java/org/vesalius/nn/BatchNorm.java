package org.vesalius.nn;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * What {@link BatchNorm1d}, {@link BatchNorm2d} and {@link BatchNorm3d} share (PyTorch's
 * {@code _BatchNorm}): per-channel normalisation of {@code [N, C, *]} by the batch's statistics in
 * training and by running statistics in eval, then a per-channel scale and shift.
 *
 * <p>Registered as PyTorch registers them, so state dicts match: parameters {@code weight [C]} (ones)
 * and {@code bias [C]} (zeros) when affine; buffers {@code running_mean [C]} (zeros),
 * {@code running_var [C]} (ones) and {@code num_batches_tracked} (int64 scalar) when tracking running
 * statistics. Each training forward updates
 * {@code running = (1 - momentum) * running + momentum * batchStat} (unbiased variance) and counts the
 * batch; a null momentum uses the cumulative average {@code 1 / num_batches_tracked} instead.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;

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
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(name() + ": numFeatures must be positive, got " + numFeatures);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? Tensor.ones(numFeatures) : null);
        registerParameter("bias", affine ? Tensor.zeros(numFeatures) : null);
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(numFeatures) : null);
        registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros(DType.INT64) : null);
    }

    /** Resets the running statistics to mean 0, variance 1 and a batch count of 0. */
    public void resetRunningStats() {
        if (trackRunningStats) {
            try (NoGrad ng = NoGrad.open()) {
                runningMean().zero_();
                runningVar().fill_(1);
                getBuffer("num_batches_tracked").zero_();
            }
        }
    }

    /** Resets the running statistics and sets weight to ones and bias to zeros. */
    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            Init.ones_(weight());
            Init.zeros_(bias());
        }
    }

    /** The per-channel scale {@code [C]}, or null when not affine. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The per-channel shift {@code [C]}, or null when not affine. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** The running mean {@code [C]}, or null when not tracking. */
    public Tensor runningMean() {
        return getBuffer("running_mean");
    }

    /** The running (unbiased) variance {@code [C]}, or null when not tracking. */
    public Tensor runningVar() {
        return getBuffer("running_var");
    }

    /** The number of training batches seen (the {@code num_batches_tracked} buffer), 0 when not tracking. */
    public long numBatchesTracked() {
        Tensor n = getBuffer("num_batches_tracked");
        return n == null ? 0 : (long) n.item();
    }

    /** C, the number of channels. */
    public int numFeatures() {
        return numFeatures;
    }

    /** Throws unless the input has the rank this variant accepts. */
    protected abstract void checkInput(Tensor input);

    /** {@code [N, C, *]} normalised per channel, same shape out. */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input);
        if (input.size(1) != numFeatures) {
            throw new IllegalArgumentException(name() + ": expected " + numFeatures + " channels (dim 1), got input of shape "
                    + Arrays.toString(input.shape()));
        }
        double factor = momentum == null ? 0 : momentum;
        if (isTraining() && trackRunningStats) {
            Tensor count = getBuffer("num_batches_tracked");
            try (NoGrad ng = NoGrad.open()) {
                count.add_(1);
            }
            if (momentum == null) {
                factor = 1.0 / count.item();
            }
        }
        // Batch statistics in training, and in eval when there are no running statistics to use.
        boolean useBatchStats = isTraining() || !trackRunningStats;
        return input.batchNorm(runningMean(), runningVar(), weight(), bias(), useBatchStats, factor, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + affine + ", trackRunningStats="
                + trackRunningStats;
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
