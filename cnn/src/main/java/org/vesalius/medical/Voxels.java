package org.vesalius.medical;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** Helpers the readers share: building the voxel tensor from values, and byte-order swaps. */
public final class Voxels {
    private Voxels() {
    }

    /**
     * A tensor of {@code dtype} holding {@code values} (row-major, {@code shape}). An integer dtype is
     * accepted only when every value is a whole number.
     * @throws IllegalArgumentException naming {@code source} when values are fractional for an integer dtype
     */
    public static Tensor tensor(double[] values, DType dtype, String source, int... shape) {
        switch (dtype) {
            case FLOAT64:
                return Tensor.of(values, shape);
            case FLOAT32: {
                float[] f = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    f[i] = (float) values[i];
                }
                return Tensor.of(f, shape);
            }
            default:
                for (double x : values) {
                    if (x != Math.rint(x)) {
                        throw new IllegalArgumentException(source + ": values are not integers (e.g. " + x
                                + "); read as float32 or float64 instead of " + dtype);
                    }
                }
                try (Tensor t = Tensor.of(values, shape)) {
                    return t.to(dtype);
                }
        }
    }

    /** Reverses the byte order of each {@code width}-byte value of {@code a}, in place. */
    public static void byteSwap(byte[] a, int width) {
        for (int i = 0; i + width <= a.length; i += width) {
            for (int k = 0; k < width / 2; k++) {
                byte t = a[i + k];
                a[i + k] = a[i + width - 1 - k];
                a[i + width - 1 - k] = t;
            }
        }
    }
}
