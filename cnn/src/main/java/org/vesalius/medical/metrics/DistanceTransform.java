package org.vesalius.medical.metrics;

import java.util.Arrays;

/**
 * Exact Euclidean distance transform on a grid with anisotropic spacing (Felzenszwalb and
 * Huttenlocher, 2012): for every voxel, the distance in millimetres to the nearest feature voxel.
 * Separable: a 1D squared-distance transform (lower envelope of parabolas) along each axis in turn,
 * O(voxels) per axis, so a 181x217x181 volume takes well under a second.
 */
public final class DistanceTransform {
    private DistanceTransform() {
    }

    /**
     * Distances to the nearest {@code true} voxel of {@code feature}.
     *
     * @param feature row-major voxels (last axis fastest), {@code true} at feature points
     * @param shape   grid shape, any rank >= 1
     * @param spacing voxel size per axis (same order as shape), > 0
     * @return distances in the units of spacing; +infinity everywhere when there is no feature voxel
     */
    public static double[] euclidean(boolean[] feature, int[] shape, double[] spacing) {
        double[] sq = squared(feature, shape, spacing);
        for (int i = 0; i < sq.length; i++) {
            sq[i] = Math.sqrt(sq[i]);
        }
        return sq;
    }

    /** Squared distances, as {@link #euclidean} without the final square root. */
    public static double[] squared(boolean[] feature, int[] shape, double[] spacing) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n != feature.length) {
            throw new IllegalArgumentException("DistanceTransform: " + feature.length + " voxels do not fill shape "
                    + Arrays.toString(shape));
        }
        if (spacing.length != shape.length) {
            throw new IllegalArgumentException("DistanceTransform: " + spacing.length + " spacings for a rank-"
                    + shape.length + " grid");
        }
        for (double s : spacing) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("DistanceTransform: spacing must be positive and finite, got "
                        + Arrays.toString(spacing));
            }
        }
        double[] d = new double[feature.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
        }
        int maxLen = Arrays.stream(shape).max().orElse(1);
        double[] f = new double[maxLen];
        double[] out = new double[maxLen];
        int[] v = new int[maxLen];
        double[] z = new double[maxLen + 1];
        for (int axis = 0; axis < shape.length; axis++) {
            int len = shape[axis];
            int stride = 1;
            for (int a = axis + 1; a < shape.length; a++) {
                stride *= shape[a];
            }
            int outer = d.length / (len * stride);
            double w = spacing[axis] * spacing[axis];
            for (int o = 0; o < outer; o++) {
                for (int in = 0; in < stride; in++) {
                    int base = o * len * stride + in;
                    for (int i = 0; i < len; i++) {
                        f[i] = d[base + i * stride];
                    }
                    line(f, len, w, out, v, z);
                    for (int i = 0; i < len; i++) {
                        d[base + i * stride] = out[i];
                    }
                }
            }
        }
        return d;
    }

    private static double cross(double[] f, double w, int q, int r) {
        return ((f[q] + w * q * (double) q) - (f[r] + w * r * (double) r)) / (2 * w * (q - r));
    }

    /**
     * 1D transform out[p] = min_q f[q] + w (p - q)^2 by the lower envelope of the parabolas rooted at the
     * finite f[q]; a line without any finite value stays infinite.
     */
    private static void line(double[] f, int n, double w, double[] out, int[] v, double[] z) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            // where the parabola from q overtakes the envelope's last one; z[0] = -inf stops the loop
            double s = cross(f, w, q, v[k]);
            while (s <= z[k]) {
                k--;
                s = cross(f, w, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            Arrays.fill(out, 0, n, Double.POSITIVE_INFINITY);
            return;
        }
        int j = 0;
        for (int p = 0; p < n; p++) {
            while (z[j + 1] < p) {
                j++;
            }
            int r = v[j];
            out[p] = w * (p - r) * (double) (p - r) + f[r];
        }
    }
}
