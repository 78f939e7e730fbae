package org.vesalius.medical.transforms;

import java.util.Arrays;
import java.util.function.Supplier;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.Voxels;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Geometry bookkeeping shared by the transforms. Every spatial transform is described by the 4x4
 * matrix {@code M} that maps a voxel index of its output to the index in its input that the voxel
 * shows; the output's affine is then {@code affine_in · M}, which keeps every voxel's world position on
 * the anatomy it shows.
 */
final class Grids {
    private Grids() {
    }

    static double[][] identity() {
        double[][] m = new double[4][4];
        for (int i = 0; i < 4; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    static double[][] translation(double ti, double tj, double tk) {
        double[][] m = identity();
        m[0][3] = ti;
        m[1][3] = tj;
        m[2][3] = tk;
        return m;
    }

    static double[][] scaling(double si, double sj, double sk) {
        double[][] m = identity();
        m[0][0] = si;
        m[1][1] = sj;
        m[2][2] = sk;
        return m;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] r = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += a[i][k] * b[k][j];
                }
                r[i][j] = s;
            }
        }
        return r;
    }

    static double[][] multiply(double[][]... ms) {
        double[][] r = ms[0];
        for (int i = 1; i < ms.length; i++) {
            r = multiply(r, ms[i]);
        }
        return r;
    }

    /** {@code src}'s metadata around {@code data}, whose voxel p shows {@code src}'s voxel {@code outToIn · p}. */
    static MedicalImage regrid(MedicalImage src, Tensor data, double[][] outToIn) {
        return MedicalImage.fromAffine(data, multiply(src.affine(), outToIn), src.metadata());
    }

    /** Tensor dimension of index axis {@code axis} (0 = i = the last dimension). */
    static int dimOf(MedicalImage image, int axis) {
        return image.data().dim() - 1 - axis;
    }

    /** Voxel counts along the spatial axes in index order: 2 values for a 2-D image, 3 for 3-D. */
    static int[] spatialSize(MedicalImage image) {
        return Arrays.copyOf(image.size(), image.spatialDims());
    }

    /** {@code values} checked to have one value per spatial axis, or one value for all. */
    static double[] perAxis(String who, String what, double[] values, int dims) {
        return perAxis(who, what, values, dims, dims);
    }

    /** {@code values} checked to hold {@code count} values for a {@code dims}-D image, or one for all. */
    static double[] perAxis(String who, String what, double[] values, int count, int dims) {
        if (values.length == count) {
            return values.clone();
        }
        if (values.length == 1) {
            double[] r = new double[count];
            Arrays.fill(r, values[0]);
            return r;
        }
        throw new IllegalArgumentException(who + ": " + what + " needs " + count + " values for a " + dims
                + "-D image (or one for all), got " + values.length + ": " + Arrays.toString(values));
    }

    static int[] perAxis(String who, String what, int[] values, int dims) {
        double[] d = perAxis(who, what, Arrays.stream(values).asDoubleStream().toArray(), dims);
        int[] r = new int[dims];
        for (int a = 0; a < dims; a++) {
            r[a] = (int) d[a];
        }
        return r;
    }

    /** Checks that {@code axis} is an index axis of a {@code dims}-D image. */
    static int axis(String who, int axis, int dims) {
        if (axis < 0 || axis >= dims) {
            throw new IllegalArgumentException(who + ": axis " + axis + " is not an index axis of a " + dims
                    + "-D image (0 = i, 1 = j" + (dims == 3 ? ", 2 = k" : "") + ")");
        }
        return axis;
    }

    static void probability(String who, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(who + ": probability must be in [0, 1], got " + p);
        }
    }

    /** Floating dtype of intensity results: float64 stays, everything else becomes float32. */
    static DType floatType(Tensor t) {
        return t.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    /** The tensor {@code op} makes, with every temporary tensor it made on the way closed. */
    static Tensor scoped(Supplier<Tensor> op) {
        try (Scope s = Scope.open()) {
            return s.keep(op.get());
        }
    }

    /** A tensor of {@code dtype} with {@code values} in the shape of {@code like}, on its device. */
    static Tensor tensor(double[] values, DType dtype, Tensor like, String who, int... shape) {
        Tensor t = Voxels.tensor(values, dtype, who, shape);
        if (like.device().equals(Device.CPU)) {
            return t;
        }
        try (t) {
            return t.to(like.device());
        }
    }
}
