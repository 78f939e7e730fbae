package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * The fraction of correctly classified samples (of rows, when the output has trailing dimensions such as
 * pixels). The predicted class is the largest of C scores (logits or probabilities alike), or for binary
 * scores {@code score > threshold}. Accepted shapes: see {@link ConfusionMatrix}.
 */
public final class Accuracy implements Metric {
    private final double threshold;
    private long correct;
    private long total;

    /** Accuracy with a binary threshold of 0.5 (binary outputs are probabilities). */
    public Accuracy() {
        this(0.5);
    }

    /**
     * Accuracy with the given threshold for binary outputs: 0.5 for probabilities, 0 for logits. Unused for
     * outputs with C >= 2 classes.
     */
    public Accuracy(double threshold) {
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        ClassBatch b = ClassBatch.of(name(), output, target);
        for (int r = 0; r < b.rows; r++) {
            if (b.predicted(r, threshold) == b.labels[r]) {
                correct++;
            }
        }
        total += b.rows;
    }

    @Override
    public double compute() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public void reset() {
        correct = 0;
        total = 0;
    }
}
