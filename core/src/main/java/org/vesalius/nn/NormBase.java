package org.vesalius.nn;

import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * What the per-channel normalization layers share (PyTorch's {@code _NormBase}): batch norm
 * ({@link BatchNorm}) and instance norm ({@code org.vesalius.cnn.InstanceNorm}).
 *
 * <p>Registered as PyTorch registers them, so state dicts match: parameters {@code weight [C]} (ones)
 * and {@code bias [C]} (zeros) when affine; buffers {@code running_mean [C]} (zeros),
 * {@code running_var [C]} (ones) and {@code num_batches_tracked} (int64 scalar) when tracking running
 * statistics.
 */
public abstract class NormBase extends Module {
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
     * @param momentum          the running statistics' update factor (PyTorch: 0.1), or null where the
     *                          layer supports a cumulative average
     * @param affine            whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics
     */
    protected NormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
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

    /** The number of training batches counted in the {@code num_batches_tracked} buffer, 0 when not tracking. */
    public long numBatchesTracked() {
        Tensor n = getBuffer("num_batches_tracked");
        return n == null ? 0 : (long) n.item();
    }

    /** C, the number of channels. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The value added to the variance. */
    public double eps() {
        return eps;
    }

    /** The running statistics' update factor, or null for a cumulative average. */
    public Double momentum() {
        return momentum;
    }

    /** Whether {@code weight} and {@code bias} are learned. */
    public boolean affine() {
        return affine;
    }

    /** Whether running statistics are kept. */
    public boolean trackRunningStats() {
        return trackRunningStats;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + affine + ", trackRunningStats="
                + trackRunningStats;
    }
}
