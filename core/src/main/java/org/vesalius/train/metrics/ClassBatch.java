package org.vesalius.train.metrics;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * One batch of classifier output and target, decoded into rows of class scores and integer labels, the
 * form every classification metric counts from. Accepted pairs (N samples, C >= 2 classes, optional
 * trailing dimensions such as the pixels of a segmentation, each of which is one row):
 * <ul>
 *   <li>scores {@code [N, C, ...]} (logits or probabilities) and class indices {@code [N, ...]};</li>
 *   <li>scores {@code [N, C, ...]} and class probabilities or one-hot rows of the same shape (the
 *       target's largest entry is the label);</li>
 *   <li>binary scores {@code [N, ...]} or {@code [N, 1, ...]} and 0/1 targets {@code [N, ...]} or
 *       {@code [N, 1, ...]}: one score per row, the positive class's.</li>
 * </ul>
 */
final class ClassBatch {
    /** Number of classes: C, or 2 for binary scores. */
    final int classes;
    /** One score per row (the positive class's) rather than C. */
    final boolean binary;
    final int rows;
    /** {@code [rows]} when binary, else {@code [rows, classes]} row-major. */
    final float[] scores;
    final int[] labels;

    private ClassBatch(int classes, boolean binary, float[] scores, int[] labels) {
        this.classes = classes;
        this.binary = binary;
        this.rows = labels.length;
        this.scores = scores;
        this.labels = labels;
    }

    /** Decodes a batch; {@code metric} names the caller in error messages. */
    static ClassBatch of(String metric, Tensor output, Tensor target) {
        int[] o = output.shape();
        int[] t = target.shape();
        checkSamples(metric, o, t);
        if (Arrays.equals(o, t) && o.length >= 2 && o[1] >= 2) {
            float[] scores = toRows(output.toFloatArray(), o);
            float[] probs = toRows(target.toFloatArray(), t);
            int[] labels = new int[scores.length / o[1]];
            for (int r = 0; r < labels.length; r++) {
                labels[r] = argmax(probs, r * o[1], o[1]);
            }
            return new ClassBatch(o[1], false, scores, labels);
        }
        if (Arrays.equals(squeeze1(o), squeeze1(t))) {
            return new ClassBatch(2, true, output.toFloatArray(), binaryLabels(metric, target));
        }
        if (o.length >= 2 && o[1] >= 2 && Arrays.equals(withoutDim1(o), t)) {
            return new ClassBatch(o[1], false, toRows(output.toFloatArray(), o),
                    classLabels(metric, target, o[1]));
        }
        throw new IllegalArgumentException(metric + ": cannot match output " + Arrays.toString(o) + " with target "
                + Arrays.toString(t) + "; accepted: scores [N, C, ...] (C >= 2) with class indices [N, ...] or class "
                + "probabilities of the same shape, or binary scores [N, ...] with 0/1 targets of the same shape");
    }

    /** Both tensors must have a sample dimension of the same size. */
    static void checkSamples(String metric, int[] o, int[] t) {
        if (o.length == 0 || t.length == 0) {
            throw new IllegalArgumentException(metric + ": output and target need a batch dimension, got output "
                    + Arrays.toString(o) + " and target " + Arrays.toString(t));
        }
        if (o[0] != t[0]) {
            throw new IllegalArgumentException(metric + ": batch size mismatch: output has " + o[0]
                    + " samples " + Arrays.toString(o) + ", target " + t[0] + " " + Arrays.toString(t));
        }
    }

    /** The predicted class of a row: the first largest score, or score > threshold for binary scores. */
    int predicted(int row, double threshold) {
        return binary ? (scores[row] > threshold ? 1 : 0) : argmax(scores, row * classes, classes);
    }

    /** The score of class {@code c} in row {@code row} (multi-class batches). */
    float score(int row, int c) {
        return scores[row * classes + c];
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (a[from + c] > a[from + best]) {
                best = c;
            }
        }
        return best;
    }

    /** {@code [N, C, d...]} row-major to {@code [N * prod(d), C]} row-major. */
    private static float[] toRows(float[] a, int[] shape) {
        int c = shape[1];
        int inner = a.length / Math.max(1, shape[0] * c);
        if (inner == 1) {
            return a;
        }
        float[] out = new float[a.length];
        for (int n = 0; n < shape[0]; n++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < c; j++) {
                    out[(n * inner + k) * c + j] = a[(n * c + j) * inner + k];
                }
            }
        }
        return out;
    }

    private static int[] binaryLabels(String metric, Tensor target) {
        double[] v = target.toDoubleArray();
        int[] labels = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0 && v[i] != 1) {
                throw new IllegalArgumentException(metric + ": binary target " + number(v[i]) + " at position " + i
                        + " is not 0 or 1 (binary scores [N, ...] take 0/1 targets of the same shape)");
            }
            labels[i] = (int) v[i];
        }
        return labels;
    }

    private static int[] classLabels(String metric, Tensor target, int classes) {
        double[] v = target.toDoubleArray();
        int[] labels = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < classes) || v[i] != Math.rint(v[i])) {
                throw new IllegalArgumentException(metric + ": label " + number(v[i]) + " at position " + i
                        + " is out of range for an output with " + classes + " classes (accepted: integers 0 to "
                        + (classes - 1) + ")");
            }
            labels[i] = (int) v[i];
        }
        return labels;
    }

    /** Integers without a decimal point, as the user wrote them in an integer target. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The shape without dimension 1 when it has size 1 (binary scores may carry a class dimension of one). */
    static int[] squeeze1(int[] shape) {
        return shape.length >= 2 && shape[1] == 1 ? withoutDim1(shape) : shape;
    }

    private static int[] withoutDim1(int[] shape) {
        int[] out = new int[shape.length - 1];
        out[0] = shape[0];
        System.arraycopy(shape, 2, out, 1, shape.length - 2);
        return out;
    }
}
