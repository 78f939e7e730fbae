package org.vesalius.train.metrics;

/**
 * Precision, {@code tp / (tp + fp)}: of the samples predicted as a class, the fraction that belong to it.
 * Per class ({@link #perClass()}) and averaged as {@link ClassificationMetric.Average} says. Accepted
 * shapes: see {@link ConfusionMatrix}.
 */
public final class Precision extends ClassificationMetric {
    /** Macro-averaged precision; binary threshold 0.5. */
    public Precision() {
        this(Average.MACRO, 0.5);
    }

    /** Precision averaged as given; binary threshold 0.5. */
    public Precision(Average average) {
        this(average, 0.5);
    }

    /** Precision averaged as given; binary scores above {@code threshold} predict 1 (0 for logits). */
    public Precision(Average average, double threshold) {
        super("precision", average, threshold);
    }

    @Override
    protected double score(long tp, long fp, long fn) {
        return ratio(tp, tp + fp);
    }
}
