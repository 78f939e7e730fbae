package org.vesalius.train.metrics;

import java.util.Locale;
import org.vesalius.tensor.Tensor;

/**
 * Base of the scores computed from a {@link ConfusionMatrix} per class and then averaged
 * ({@link Precision}, {@link Recall}, {@link F1Score}), as scikit-learn's {@code precision_score} family
 * does. A ratio whose denominator is zero counts as 0 (scikit-learn's {@code zero_division=0}). Accepted
 * shapes: see {@link ConfusionMatrix}.
 */
public abstract class ClassificationMetric implements Metric {
    /** How the per-class values are combined into one. */
    public enum Average {
        /**
         * The unweighted mean over the classes that occur in the targets or the predictions (scikit-learn's
         * {@code average="macro"} without {@code labels}).
         */
        MACRO,
        /** From the counts summed over classes; for single-label data precision = recall = F1 = accuracy. */
        MICRO,
        /** The mean weighted by each class's number of true samples (support). */
        WEIGHTED,
        /** The value of class 1 only; needs exactly two classes. */
        BINARY
    }

    private final String baseName;
    private final Average average;
    private final ConfusionMatrix matrix;

    /**
     * A metric named {@code baseName} for MACRO and {@code baseName_<average>} otherwise.
     *
     * @param threshold the binary threshold (0.5 for probabilities, 0 for logits)
     */
    protected ClassificationMetric(String baseName, Average average, double threshold) {
        this.baseName = baseName;
        this.average = average;
        this.matrix = new ConfusionMatrix(name(), 0, threshold);
    }

    /** The value of one class from its true positives, false positives and false negatives. */
    protected abstract double score(long tp, long fp, long fn);

    @Override
    public final String name() {
        return average == Average.MACRO ? baseName : baseName + "_" + average.name().toLowerCase(Locale.ROOT);
    }

    /** How per-class values are combined. */
    public Average average() {
        return average;
    }

    @Override
    public void update(Tensor output, Tensor target) {
        matrix.update(output, target);
    }

    @Override
    public double compute() {
        long[][] m = matrix.compute();
        int c = m.length;
        if (c == 0) {
            return Double.NaN;
        }
        double[] per = perClass(m);
        switch (average) {
            case BINARY:
                if (c != 2) {
                    throw new IllegalArgumentException(name() + ": average BINARY needs 2 classes, the data has " + c
                            + " (use MACRO, MICRO or WEIGHTED)");
                }
                return per[1];
            case MICRO: {
                long tp = 0;
                long fp = 0;
                long fn = 0;
                for (int k = 0; k < c; k++) {
                    tp += m[k][k];
                    fp += colSum(m, k) - m[k][k];
                    fn += rowSum(m, k) - m[k][k];
                }
                return score(tp, fp, fn);
            }
            case WEIGHTED: {
                double sum = 0;
                long support = 0;
                for (int k = 0; k < c; k++) {
                    sum += per[k] * rowSum(m, k);
                    support += rowSum(m, k);
                }
                return support == 0 ? 0 : sum / support;
            }
            default: {
                double sum = 0;
                int present = 0;
                for (int k = 0; k < c; k++) {
                    if (rowSum(m, k) + colSum(m, k) > 0) {
                        sum += per[k];
                        present++;
                    }
                }
                return present == 0 ? Double.NaN : sum / present;
            }
        }
    }

    /** The value of each class, index = class; empty before the first batch. */
    public double[] perClass() {
        return perClass(matrix.compute());
    }

    private double[] perClass(long[][] m) {
        double[] per = new double[m.length];
        for (int k = 0; k < m.length; k++) {
            per[k] = score(m[k][k], colSum(m, k) - m[k][k], rowSum(m, k) - m[k][k]);
        }
        return per;
    }

    /** The counts behind the values (a live object: reset with the metric). */
    public ConfusionMatrix confusionMatrix() {
        return matrix;
    }

    @Override
    public void reset() {
        matrix.reset();
    }

    /** {@code a / b}, or 0 when {@code b} is 0. */
    protected static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static long rowSum(long[][] m, int k) {
        long s = 0;
        for (long v : m[k]) {
            s += v;
        }
        return s;
    }

    private static long colSum(long[][] m, int k) {
        long s = 0;
        for (long[] row : m) {
            s += row[k];
        }
        return s;
    }
}
