package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The shared part of the intensity transforms: values of image entries (never labels) read into a
 * double array, changed, and written back as float32 (float64 stays float64) with the same geometry.
 */
final class Intensities {
    private Intensities() {
    }

    /** Changes the values {@code v} of one image in place: {@code channels} blocks of {@code voxels}. */
    @FunctionalInterface
    interface Op {
        void apply(double[] v, int channels, int voxels);
    }

    /** {@code op} applied to every image entry, labels passed through. */
    static Sample images(Sample sample, Op op) {
        return sample.map((key, kind, image) -> kind == Sample.Kind.LABEL ? image : apply(image, op));
    }

    static MedicalImage apply(MedicalImage image, Op op) {
        Tensor data = image.data();
        double[] v = data.toDoubleArray();
        int voxels = v.length / image.channels();
        op.apply(v, image.channels(), voxels);
        return image.withData(Grids.tensor(v, Grids.floatType(data), data, "intensity", data.shape()));
    }

    /** What to do with the values {@code [from, to)} of one group of channels. */
    @FunctionalInterface
    interface Range {
        void apply(int from, int to);
    }

    /** {@code op} on each channel's values ({@code channelWise}) or once on all of them. */
    static void groups(double[] v, int channels, boolean channelWise, Range op) {
        int groups = channelWise ? channels : 1;
        int len = v.length / groups;
        for (int g = 0; g < groups; g++) {
            op.apply(g * len, (g + 1) * len);
        }
    }

    /** numpy's default percentile (linear between order statistics) of a sorted array, q in [0, 100]. */
    static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Values {@code [from, to)} of v, sorted. */
    static double[] sorted(double[] v, int from, int to) {
        double[] s = Arrays.copyOfRange(v, from, to);
        Arrays.sort(s);
        return s;
    }

    /** Linear map of {@code [a0, a1]} onto {@code [b0, b1]} over {@code [from, to)}, optionally clipped to [b0, b1]. */
    static void scale(double[] v, int from, int to, double a0, double a1, double b0, double b1, boolean clip) {
        double lo = Math.min(b0, b1);
        double hi = Math.max(b0, b1);
        for (int i = from; i < to; i++) {
            double x = a1 == a0 ? v[i] - a0 + b0 : (v[i] - a0) / (a1 - a0) * (b1 - b0) + b0;
            v[i] = clip ? Math.min(Math.max(x, lo), hi) : x;
        }
    }

    /** {@code n} standard normal values from {@code generator}. */
    static double[] normal(Generator generator, int n) {
        try (Tensor t = Tensor.randn(DType.FLOAT64, Device.CPU, generator, n)) {
            return t.toDoubleArray();
        }
    }

    /** Population standard deviation of {@code v[from, to)}. */
    static double std(double[] v, int from, int to) {
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += v[i];
        }
        mean /= to - from;
        double ss = 0;
        for (int i = from; i < to; i++) {
            ss += (v[i] - mean) * (v[i] - mean);
        }
        return Math.sqrt(ss / (to - from));
    }
}
