package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * Counts of (true class, predicted class) pairs over batches, the matrix scikit-learn's
 * {@code confusion_matrix} returns: row = true class, column = predicted class. It is the state behind
 * {@link Precision}, {@link Recall} and {@link F1Score}, and can be used on its own (it is not a
 * {@link Metric}: its value is a matrix, not a number the trainer logs).
 *
 * <p>Accepted output/target pairs (N samples, C >= 2 classes; trailing dimensions such as pixels make
 * each position a sample):
 * <ul>
 *   <li>scores {@code [N, C, ...]} (logits or probabilities; the largest wins) with class indices
 *       {@code [N, ...]} (any dtype holding integers 0 to C-1) or with class probabilities / one-hot rows
 *       of the output's shape;</li>
 *   <li>binary scores {@code [N, ...]} or {@code [N, 1, ...]} (predicted 1 when {@code score > threshold})
 *       with 0/1 targets of the same shape; C = 2.</li>
 * </ul>
 */
public final class ConfusionMatrix {
    private final String name;
    private final double threshold;
    private int classes;
    private long[][] counts;

    /** A matrix whose size is taken from the first batch; binary threshold 0.5 (probabilities). */
    public ConfusionMatrix() {
        this(0, 0.5);
    }

    /**
     * A matrix for {@code numClasses} classes (0: from the first batch), predicting 1 for binary scores above
     * {@code threshold} (0.5 for probabilities, 0 for logits).
     */
    public ConfusionMatrix(int numClasses, double threshold) {
        this("confusion_matrix", numClasses, threshold);
    }

    /** A matrix whose errors name {@code owner}, the metric built on it. */
    ConfusionMatrix(String owner, int numClasses, double threshold) {
        if (numClasses < 0 || numClasses == 1) {
            throw new IllegalArgumentException("ConfusionMatrix: numClasses must be 0 (from the data) or >= 2, got "
                    + numClasses);
        }
        this.name = owner;
        this.threshold = threshold;
        this.classes = numClasses;
        this.counts = numClasses == 0 ? null : new long[numClasses][numClasses];
    }

    /** {@code "confusion_matrix"}. */
    public String name() {
        return name;
    }

    /** Adds one batch; shapes as the class documentation says. */
    public void update(Tensor output, Tensor target) {
        ClassBatch b = ClassBatch.of(name(), output, target);
        if (counts == null) {
            classes = b.classes;
            counts = new long[classes][classes];
        } else if (b.classes != classes) {
            throw new IllegalArgumentException(name() + ": this batch has " + b.classes + " classes (output "
                    + java.util.Arrays.toString(output.shape()) + "), earlier batches had " + classes);
        }
        for (int r = 0; r < b.rows; r++) {
            counts[b.labels[r]][b.predicted(r, threshold)]++;
        }
    }

    /** A copy of the counts, {@code [true class][predicted class]}; empty before the first batch. */
    public long[][] compute() {
        if (counts == null) {
            return new long[0][0];
        }
        long[][] out = new long[classes][];
        for (int i = 0; i < classes; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }

    /** The number of classes (0 while unknown). */
    public int numClasses() {
        return classes;
    }

    /** Sets every count to zero (the number of classes stays). */
    public void reset() {
        if (counts != null) {
            for (long[] row : counts) {
                java.util.Arrays.fill(row, 0);
            }
        }
    }

    /** The matrix as aligned text, one row per true class. */
    @Override
    public String toString() {
        long[][] m = compute();
        int width = 1;
        for (long[] row : m) {
            for (long v : row) {
                width = Math.max(width, Long.toString(v).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (long[] row : m) {
            for (int j = 0; j < row.length; j++) {
                sb.append(j == 0 ? "" : " ").append(String.format("%" + width + "d", row[j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
