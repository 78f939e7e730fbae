package org.vesalius.train.metrics;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.tensor.Tensor;

/**
 * The area under the ROC curve, as scikit-learn's {@code roc_auc_score}: the probability that a random
 * positive scores higher than a random negative, ties counting one half, which equals the trapezoidal
 * area over the distinct thresholds. Logged as {@code "auc"}.
 * <ul>
 *   <li>Binary: scores {@code [N]} or {@code [N, 1]} (probabilities or logits: the area only depends on
 *       the order) with 0/1 targets; or two-column scores {@code [N, 2]} with class indices, ranked by
 *       {@code s1 - s0} (the same order as the probability of class 1, for logits and probabilities).</li>
 *   <li>C >= 3 classes: one-vs-rest, the unweighted mean of each class's area with its column as the
 *       score (scikit-learn's {@code multi_class="ovr", average="macro"}); scores {@code [N, C]} with class
 *       indices {@code [N]}. scikit-learn expects probabilities here, and ranking columns of logits differs
 *       from ranking their softmax: construct with {@code logits = true} to apply the softmax first.</li>
 * </ul>
 * The area is undefined (NaN, with a warning in the log) when the targets hold one class only; in the
 * one-vs-rest case classes without positives are left out of the mean (scikit-learn raises instead).
 * NaN scores give NaN. Every score is kept until {@link #reset()} (4 bytes per sample and class).
 */
public final class RocAuc implements Metric {
    private static final Logger LOG = LoggerFactory.getLogger(RocAuc.class);

    private final boolean logits;
    private int classes;
    private boolean binary;
    private float[] scores = new float[1024];
    private int[] labels = new int[256];
    private int rows;

    /** ROC-AUC of the scores as given (probabilities, or any scores for binary problems). */
    public RocAuc() {
        this(false);
    }

    /** ROC-AUC; with {@code logits} a softmax turns multi-class scores into probabilities first. */
    public RocAuc(boolean logits) {
        this.logits = logits;
    }

    @Override
    public String name() {
        return "auc";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        ClassBatch b = ClassBatch.of(name(), output, target);
        boolean asBinary = b.binary || b.classes == 2;
        int width = b.classes > 2 ? b.classes : 1;
        if (rows > 0 && (asBinary != binary || width > 1 && b.classes != classes)) {
            throw new IllegalArgumentException(name() + ": this batch has " + b.classes + " classes (output "
                    + Arrays.toString(output.shape()) + "), earlier batches had " + classes);
        }
        binary = asBinary;
        classes = b.classes;
        ensure(rows + b.rows, width);
        for (int r = 0; r < b.rows; r++) {
            int at = (rows + r) * width;
            if (b.binary) {
                scores[at] = b.scores[r];
            } else if (b.classes == 2) {
                scores[at] = b.score(r, 1) - b.score(r, 0);
            } else {
                System.arraycopy(b.scores, r * width, scores, at, width);
                if (logits) {
                    softmax(scores, at, width);
                }
            }
            labels[rows + r] = b.labels[r];
        }
        rows += b.rows;
    }

    private void ensure(int n, int width) {
        if (labels.length < n) {
            labels = Arrays.copyOf(labels, Math.max(n, 2 * labels.length));
        }
        if (scores.length < n * width) {
            scores = Arrays.copyOf(scores, Math.max(n * width, 2 * scores.length));
        }
    }

    private static void softmax(float[] a, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, a[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(a[from + i] - max);
        }
        for (int i = 0; i < n; i++) {
            a[from + i] = (float) (Math.exp(a[from + i] - max) / sum);
        }
    }

    @Override
    public double compute() {
        if (rows == 0) {
            return Double.NaN;
        }
        if (binary) {
            double auc = area(scores, 0, 1, labels, rows, 1);
            if (Double.isNaN(auc) && !hasNaN()) {
                LOG.warn("{}: the targets hold one class only; the ROC-AUC is undefined (NaN)", name());
            }
            return auc;
        }
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < classes; c++) {
            double auc = area(scores, c, classes, labels, rows, c);
            if (!Double.isNaN(auc)) {
                sum += auc;
                defined++;
            } else if (hasNaN()) {
                return Double.NaN;
            }
        }
        if (defined < classes) {
            LOG.warn("{}: {} of {} classes have no positive or no negative sample; the mean is over the other {}",
                    name(), classes - defined, classes, defined);
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    private boolean hasNaN() {
        int width = binary ? 1 : classes;
        for (int i = 0; i < rows * width; i++) {
            if (Float.isNaN(scores[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The area for scores {@code s[offset + r * stride]} with positives where {@code labels[r] == positive}:
     * the Mann-Whitney statistic over every positive-negative pair, ties counting one half. NaN when a class
     * is missing or a score is NaN.
     */
    static double area(float[] s, int offset, int stride, int[] labels, int n, int positive) {
        long[] keys = new long[n];
        for (int r = 0; r < n; r++) {
            float v = s[offset + r * stride];
            if (Float.isNaN(v)) {
                return Double.NaN;
            }
            keys[r] = ((long) sortable(v) << 32) | r;
        }
        Arrays.sort(keys);
        double pairs = 0;
        long pos = 0;
        long neg = 0;
        for (int i = 0; i < n; ) {
            int key = (int) (keys[i] >> 32);
            long p = 0;
            long q = 0;
            for (; i < n && (int) (keys[i] >> 32) == key; i++) {
                if (labels[(int) keys[i]] == positive) {
                    p++;
                } else {
                    q++;
                }
            }
            pairs += p * (double) neg + 0.5 * p * q;
            pos += p;
            neg += q;
        }
        return pos == 0 || neg == 0 ? Double.NaN : pairs / ((double) pos * neg);
    }

    /** An int whose signed order is the float's order (-0 and +0 become equal). */
    private static int sortable(float v) {
        int bits = Float.floatToIntBits(v == 0 ? 0f : v);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    @Override
    public void reset() {
        rows = 0;
    }
}
