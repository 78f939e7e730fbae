package org.vesalius.medical.losses;

import org.vesalius.nn.Loss;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/**
 * What the overlap losses (Dice, generalized Dice, Tversky) share: the activation, one-hot conversion
 * of a label-map target, dropping the background channel, batch-wise sums and the smoothing constants,
 * each set with a fluent setter that returns the concrete loss.
 *
 * @param <L> the concrete loss, returned by the setters
 */
public abstract class OverlapLoss<L extends OverlapLoss<L>> extends Loss {
    private Activation activation = Activation.NONE;
    private boolean toOneHot;
    private boolean includeBackground = true;
    private boolean batch;
    double smoothNr = 1e-5;
    double smoothDr = 1e-5;

    OverlapLoss(String name, Reduction reduction) {
        super(reduction);
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException(name + ": reduction must be MEAN, SUM or NONE, got BATCHMEAN");
        }
    }

    @SuppressWarnings("unchecked")
    private L self() {
        return (L) this;
    }

    /** Activation applied to the input (default NONE: the input holds probabilities). */
    public L activation(Activation a) {
        this.activation = a;
        return self();
    }

    /** Whether the target is a label map to convert to one-hot channels (default false). */
    public L toOneHot(boolean v) {
        this.toOneHot = v;
        return self();
    }

    /** Whether channel 0 counts (default true); false drops it from input and target. */
    public L includeBackground(boolean v) {
        this.includeBackground = v;
        return self();
    }

    /** Sums over the batch too, giving one value per channel instead of per sample and channel (default false). */
    public L batch(boolean v) {
        this.batch = v;
        return self();
    }

    /** Constants added to numerator and denominator (defaults 1e-5 and 1e-5). */
    public L smooth(double numerator, double denominator) {
        this.smoothNr = numerator;
        this.smoothDr = denominator;
        return self();
    }

    /** Activated input and one-hot target, {@code [N, C', *spatial]}. */
    Tensor[] prepare(Tensor input, Tensor target) {
        return SegmentationInputs.prepare(getClass().getSimpleName(), input, target, activation, toOneHot, includeBackground);
    }

    /** {@code t} summed over the spatial dims (and the batch with {@link #batch}). */
    Tensor sum(Tensor t) {
        return SegmentationInputs.sumSpatial(t, batch);
    }

    /** Per-item losses reduced as configured. */
    Tensor reduce(Tensor perItem) {
        return switch (reduction()) {
            case SUM -> perItem.sum();
            case NONE -> perItem;
            default -> perItem.mean();
        };
    }

    @Override
    protected String extraRepr() {
        return "activation=" + activation + ", toOneHot=" + toOneHot + ", includeBackground=" + includeBackground
                + (batch ? ", batch=true" : "") + ", reduction=" + reduction();
    }
}
