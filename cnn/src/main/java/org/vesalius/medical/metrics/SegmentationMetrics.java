package org.vesalius.medical.metrics;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * Overlap and surface-distance metrics of a predicted mask against a reference mask, distances in
 * millimetres from the voxel spacing: what a segmentation paper reports.
 *
 * <p>Masks are tensors of any dtype and rank (a slice {@code [H, W]}, a volume {@code [D, H, W]}),
 * foreground where nonzero; prediction and reference must have the same shape. {@code spacing} gives
 * the voxel size along each of those axes, in the same order.
 *
 * <p>Conventions (those of MONAI and of scipy-based evaluations): a mask's surface is its foreground
 * voxels with a face neighbour (4-connected in 2D, 6 in 3D) in the background or outside the grid;
 * surface distances run from each surface voxel of one mask to the nearest surface voxel of the other
 * (exact Euclidean transform). Hausdorff distances are symmetric: the larger of the two directed values.
 * Percentiles interpolate linearly between order statistics (numpy's default). When either mask is
 * empty the surface distances are NaN; Dice and IoU of two empty masks are 1.
 */
public final class SegmentationMetrics {
    private SegmentationMetrics() {
    }

    /** Dice coefficient {@code 2|P n G| / (|P| + |G|)} in [0, 1]. */
    public static double dice(Tensor pred, Tensor target) {
        Counts c = counts("dice", pred, target);
        long denominator = 2 * c.tp + c.fp + c.fn;
        return denominator == 0 ? 1.0 : 2.0 * c.tp / denominator;
    }

    /** Intersection over union (Jaccard index) {@code |P n G| / |P u G|} in [0, 1]. */
    public static double iou(Tensor pred, Tensor target) {
        Counts c = counts("iou", pred, target);
        long union = c.tp + c.fp + c.fn;
        return union == 0 ? 1.0 : (double) c.tp / union;
    }

    /** Sensitivity (recall, true-positive rate) {@code TP / (TP + FN)}; NaN when the reference is empty. */
    public static double sensitivity(Tensor pred, Tensor target) {
        Counts c = counts("sensitivity", pred, target);
        return c.tp + c.fn == 0 ? Double.NaN : (double) c.tp / (c.tp + c.fn);
    }

    /** Specificity (true-negative rate) {@code TN / (TN + FP)}; NaN when the reference covers everything. */
    public static double specificity(Tensor pred, Tensor target) {
        Counts c = counts("specificity", pred, target);
        return c.tn + c.fp == 0 ? Double.NaN : (double) c.tn / (c.tn + c.fp);
    }

    /**
     * Dice of each class of two label maps (integer class per voxel), {@code [numClasses]} values, class
     * 0 included: a class absent from both maps scores NaN so that it can be left out of a mean.
     */
    public static double[] dicePerClass(Tensor predLabels, Tensor targetLabels, int numClasses) {
        checkShapes("dicePerClass", predLabels, targetLabels);
        long[] p = predLabels.toLongArray();
        long[] g = targetLabels.toLongArray();
        long[] inter = new long[numClasses];
        long[] sizes = new long[numClasses];
        for (int i = 0; i < p.length; i++) {
            int a = label("dicePerClass", p[i], numClasses);
            int b = label("dicePerClass", g[i], numClasses);
            sizes[a]++;
            sizes[b]++;
            if (a == b) {
                inter[a]++;
            }
        }
        double[] out = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            out[c] = sizes[c] == 0 ? Double.NaN : 2.0 * inter[c] / sizes[c];
        }
        return out;
    }

    /** The (100th-percentile) Hausdorff distance in mm. */
    public static double hausdorff(Tensor pred, Tensor target, double... spacing) {
        return hausdorffPercentile(pred, target, 100, spacing);
    }

    /** The 95th-percentile Hausdorff distance in mm (HD95), robust to a few outlying voxels. */
    public static double hausdorff95(Tensor pred, Tensor target, double... spacing) {
        return hausdorffPercentile(pred, target, 95, spacing);
    }

    /** The {@code percentile}-th Hausdorff distance in mm: the larger of the two directed percentiles. */
    public static double hausdorffPercentile(Tensor pred, Tensor target, double percentile, double... spacing) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("hausdorff: percentile must be in [0, 100], got " + percentile);
        }
        SurfaceDistances d = surfaceDistances(pred, target, spacing);
        if (d.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(percentile(d.predToTarget(), percentile), percentile(d.targetToPred(), percentile));
    }

    /** Mean surface distance in mm, symmetric: the mean over both masks' surface voxels. */
    public static double meanSurfaceDistance(Tensor pred, Tensor target, double... spacing) {
        SurfaceDistances d = surfaceDistances(pred, target, spacing);
        if (d.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : d.predToTarget()) {
            sum += v;
        }
        for (double v : d.targetToPred()) {
            sum += v;
        }
        return sum / (d.predToTarget().length + d.targetToPred().length);
    }

    /**
     * Distances in mm from each surface voxel of pred to the nearest surface voxel of target and back,
     * in row-major voxel order; both empty when either mask is.
     */
    public record SurfaceDistances(double[] predToTarget, double[] targetToPred) {
        /** Whether either mask had no surface, so there are no distances. */
        public boolean isEmpty() {
            return predToTarget.length == 0 || targetToPred.length == 0;
        }
    }

    /** Both directed surface distances of pred and target (see the class notes). */
    public static SurfaceDistances surfaceDistances(Tensor pred, Tensor target, double... spacing) {
        checkShapes("surfaceDistances", pred, target);
        int[] shape = pred.shape();
        if (spacing.length != shape.length) {
            throw new IllegalArgumentException("surfaceDistances: " + spacing.length + " spacings "
                    + Arrays.toString(spacing) + " for masks of rank " + shape.length + " " + Arrays.toString(shape)
                    + "; give one voxel size per axis");
        }
        boolean[] ps = surface(pred.toBooleanArray(), shape);
        boolean[] gs = surface(target.toBooleanArray(), shape);
        if (!any(ps) || !any(gs)) {
            return new SurfaceDistances(new double[0], new double[0]);
        }
        return new SurfaceDistances(sample(DistanceTransform.euclidean(gs, shape, spacing), ps),
                sample(DistanceTransform.euclidean(ps, shape, spacing), gs));
    }

    /** Foreground voxels with a face neighbour in the background or beyond the grid's edge. */
    static boolean[] surface(boolean[] m, int[] shape) {
        boolean[] s = new boolean[m.length];
        int rank = shape.length;
        int[] strides = new int[rank];
        int st = 1;
        for (int a = rank - 1; a >= 0; a--) {
            strides[a] = st;
            st *= shape[a];
        }
        for (int i = 0; i < m.length; i++) {
            if (!m[i]) {
                continue;
            }
            for (int a = 0; a < rank && !s[i]; a++) {
                int coord = (i / strides[a]) % shape[a];
                if (coord == 0 || coord == shape[a] - 1 || !m[i - strides[a]] || !m[i + strides[a]]) {
                    s[i] = true;
                }
            }
        }
        return s;
    }

    /** numpy's default percentile: linear interpolation between the sorted values. */
    static double percentile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q / 100 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    private static double[] sample(double[] field, boolean[] at) {
        int n = 0;
        for (boolean b : at) {
            if (b) {
                n++;
            }
        }
        double[] out = new double[n];
        for (int i = 0, k = 0; i < at.length; i++) {
            if (at[i]) {
                out[k++] = field[i];
            }
        }
        return out;
    }

    private static boolean any(boolean[] m) {
        for (boolean b : m) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private record Counts(long tp, long fp, long fn, long tn) {
    }

    private static Counts counts(String op, Tensor pred, Tensor target) {
        checkShapes(op, pred, target);
        boolean[] p = pred.toBooleanArray();
        boolean[] g = target.toBooleanArray();
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i]) {
                if (g[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (g[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Counts(tp, fp, fn, tn);
    }

    private static void checkShapes(String op, Tensor pred, Tensor target) {
        if (!Arrays.equals(pred.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": prediction " + Arrays.toString(pred.shape()) + " and reference "
                    + Arrays.toString(target.shape()) + " must have the same shape");
        }
        if (pred.dim() == 0) {
            throw new IllegalArgumentException(op + ": masks must have at least one axis, got a scalar");
        }
    }

    private static int label(String op, long v, int numClasses) {
        if (v < 0 || v >= numClasses) {
            throw new IllegalArgumentException(op + ": label " + v + " is out of range for " + numClasses + " classes");
        }
        return (int) v;
    }
}
