package org.vesalius.train.metrics;

/**
 * F1, the harmonic mean of precision and recall, {@code 2 tp / (2 tp + fp + fn)}, per class
 * ({@link #perClass()}) and averaged as {@link ClassificationMetric.Average} says; the macro average is the
 * mean of the per-class F1 values (not the F1 of the mean precision and recall), as in scikit-learn.
 * Logged as {@code "f1"}. Accepted shapes: see {@link ConfusionMatrix}.
 */
public final class F1Score extends ClassificationMetric {
    /** Macro-averaged F1; binary threshold 0.5. */
    public F1Score() {
        this(Average.MACRO, 0.5);
    }

    /** F1 averaged as given; binary threshold 0.5. */
    public F1Score(Average average) {
        this(average, 0.5);
    }

    /** F1 averaged as given; binary scores above {@code threshold} predict 1 (0 for logits). */
    public F1Score(Average average, double threshold) {
        super("f1", average, threshold);
    }

    @Override
    protected double score(long tp, long fp, long fn) {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }
}
