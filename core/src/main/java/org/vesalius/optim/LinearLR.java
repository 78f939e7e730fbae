package org.vesalius.optim;

/**
 * Linear warm-up (or decay) of the learning rate's factor from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs, then constant, like
 * {@code torch.optim.lr_scheduler.LinearLR}:
 * {@code lr = initialLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)}.
 */
public class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /**
     * A linear change of the factor over {@code totalIters} epochs.
     *
     * @param startFactor the factor at epoch 0, in (0, 1]
     * @param endFactor   the factor from {@code totalIters} on, in [0, 1]
     * @param totalIters  the number of epochs the change takes
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: endFactor must be in [0, 1], got " + endFactor);
        }
        if (totalIters <= 0) {
            throw new IllegalArgumentException("LinearLR: totalIters must be positive, got " + totalIters);
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    /** PyTorch's defaults: from 1/3 to 1 over 5 epochs. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = groupLrs();
        if (lastEpoch == 0) {
            for (int i = 0; i < lrs.length; i++) {
                lrs[i] *= startFactor;
            }
        } else if (lastEpoch <= totalIters) {
            double factor = 1. + (endFactor - startFactor)
                    / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor));
            for (int i = 0; i < lrs.length; i++) {
                lrs[i] *= factor;
            }
        }
        return lrs;
    }
}
