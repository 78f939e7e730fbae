package org.vesalius.train.metrics;

/**
 * Recall (sensitivity), {@code tp / (tp + fn)}: of the samples of a class, the fraction predicted as it.
 * Per class ({@link #perClass()}) and averaged as {@link ClassificationMetric.Average} says. Accepted
 * shapes: see {@link ConfusionMatrix}.
 */
public final class Recall extends ClassificationMetric {
    /** Macro-averaged recall; binary threshold 0.5. */
    public Recall() {
        this(Average.MACRO, 0.5);
    }

    /** Recall averaged as given; binary threshold 0.5. */
    public Recall(Average average) {
        this(average, 0.5);
    }

    /** Recall averaged as given; binary scores above {@code threshold} predict 1 (0 for logits). */
    public Recall(Average average, double threshold) {
        super("recall", average, threshold);
    }

    @Override
    protected double score(long tp, long fp, long fn) {
        return ratio(tp, tp + fn);
    }
}
