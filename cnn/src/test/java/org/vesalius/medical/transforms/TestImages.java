package org.vesalius.medical.transforms;

import java.util.Map;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** Small images with non-trivial geometry for the transform tests. */
final class TestImages {
    private TestImages() {
    }

    /** Oblique direction (rotations about z and x), anisotropic spacing, origin away from 0. */
    static final double[] SPACING_3D = {1.2, 0.8, 2.5};
    static final double[] ORIGIN = {-31.5, 12.25, 40};

    static double[] obliqueDirection() {
        double a = Math.toRadians(25);
        double b = Math.toRadians(-12);
        double[] rz = {Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1};
        double[] rx = {1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)};
        double[] d = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 3; k++) {
                    d[3 * r + c] += rz[3 * r + k] * rx[3 * k + c];
                }
            }
        }
        return d;
    }

    /** {@code [1, nk, nj, ni]} (or {@code [1, nj, ni]} when size has 2 values) with the test geometry. */
    static MedicalImage image(Tensor data, double[] spacing) {
        return new MedicalImage(data, spacing, ORIGIN, obliqueDirection(), Map.of("source", "test"));
    }

    /** A volume of zeros with one voxel (index order {@code at}) set to 1. */
    static MedicalImage bright(int[] size, int[] at, double[] spacing) {
        int[] shape = size.length == 3 ? new int[] {1, size[2], size[1], size[0]} : new int[] {1, size[1], size[0]};
        float[] v = new float[size[0] * size[1] * (size.length == 3 ? size[2] : 1)];
        int k = size.length == 3 ? at[2] : 0;
        v[(k * size[1] + at[1]) * size[0] + at[0]] = 1;
        return image(Tensor.of(v, shape), spacing);
    }

    /** Index (i, j, k) of the largest value (first one). */
    static int[] argmax(MedicalImage img) {
        double[] v = img.data().toDoubleArray();
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        int[] n = img.size();
        return new int[] {best % n[0], (best / n[0]) % n[1], best / (n[0] * n[1])};
    }

    /** World position of the largest value. */
    static double[] worldOfMax(MedicalImage img) {
        int[] p = argmax(img);
        return img.indexToWorld(p[0], p[1], p[2]);
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    /**
     * A label map of blobs (a ball of class 1 with a ball of class 2 inside, a box of class 3) on the
     * test geometry, int64, and the image 100 · label as float32.
     */
    static Sample blobs(int[] size, double[] spacing) {
        boolean three = size.length == 3;
        int nk = three ? size[2] : 1;
        long[] lab = new long[size[0] * size[1] * nk];
        for (int k = 0; k < nk; k++) {
            for (int j = 0; j < size[1]; j++) {
                for (int i = 0; i < size[0]; i++) {
                    double di = (i - size[0] * 0.45) / (size[0] * 0.25);
                    double dj = (j - size[1] * 0.5) / (size[1] * 0.3);
                    double dk = three ? (k - nk * 0.5) / (nk * 0.3) : 0;
                    double r = Math.sqrt(di * di + dj * dj + dk * dk);
                    long c = r < 0.5 ? 2 : r < 1 ? 1 : 0;
                    if (i > size[0] * 0.78 && i < size[0] * 0.92 && j > size[1] * 0.2 && j < size[1] * 0.45) {
                        c = 3;
                    }
                    lab[(k * size[1] + j) * size[0] + i] = c;
                }
            }
        }
        int[] shape = three ? new int[] {1, nk, size[1], size[0]} : new int[] {1, size[1], size[0]};
        Tensor label = Tensor.of(lab, shape);
        Tensor image = label.to(DType.FLOAT32).mul(100);
        return Sample.of(image(image, spacing), image(label, spacing));
    }
}
