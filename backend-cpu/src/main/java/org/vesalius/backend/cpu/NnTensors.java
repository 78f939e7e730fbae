package org.vesalius.backend.cpu;

import java.util.Arrays;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * What the pooling, normalization and interpolation adapters need from CPU tensors: checks of the
 * layout the kernels assume, the storage the kernels read through {@link Access}, and small tensors
 * (weights, statistics) as Java arrays.
 */
final class NnTensors {
    private NnTensors() {
    }

    /** float32 or float64, else a clear error naming the op. */
    static DType floatType(String op, Tensor x) {
        DType t = x.dtype();
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": the CPU backend computes this op in float32 and float64, got "
                    + t + " for shape " + Arrays.toString(x.shape()) + "; convert with .to(DType.FLOAT32)");
        }
        return t;
    }

    /** The kernels read flat planes: the core ops pass contiguous tensors of one dtype. */
    static void requireContiguous(String op, Tensor... ts) {
        DType first = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (!t.isContiguous()) {
                throw new IllegalArgumentException(op + ": the CPU kernel needs contiguous tensors, got shape "
                        + Arrays.toString(t.shape()) + " with strides " + Arrays.toString(t.strides()));
            }
            if (t.dtype() != DType.INT64) {
                if (first == null) {
                    first = t.dtype();
                } else if (t.dtype() != first) {
                    throw new IllegalArgumentException(op + ": tensors of one dtype expected, got " + first + " and "
                            + t.dtype());
                }
            }
        }
    }

    /** The tensor's storage, which the kernels read through {@link Access}; null for a null tensor. */
    static CpuStorage storage(Tensor t) {
        return t == null ? null : (CpuStorage) t.storage();
    }

    /** The storage of an int64 index tensor (pooling's argmax indices); null for a null tensor. */
    static CpuStorage indices(Tensor t) {
        if (t == null) {
            return null;
        }
        if (t.dtype() != DType.INT64) {
            throw new IllegalArgumentException("indices must be int64, got " + t.dtype());
        }
        return (CpuStorage) t.storage();
    }

    static int offset(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    /** The trailing {@code n} sizes. */
    static int[] spatial(Tensor t, int n) {
        int[] s = t.shape();
        return Arrays.copyOfRange(s, s.length - n, s.length);
    }

    /** Product of the leading sizes before the {@code n} spatial dims. */
    static int planes(Tensor t, int n) {
        int[] s = t.shape();
        int p = 1;
        for (int i = 0; i < s.length - n; i++) {
            p *= s[i];
        }
        return p;
    }

    /** Elements of a 1-D (or any) tensor as float[], or null for a null tensor. */
    static float[] floatArray(Tensor t) {
        if (t == null) {
            return null;
        }
        float[] a = new float[t.checkedNumel("normalization")];
        Access.load((CpuStorage) t.storage(), t.offset(), 1, a, a.length);
        return a;
    }

    static double[] doubleArray(Tensor t) {
        if (t == null) {
            return null;
        }
        double[] a = new double[t.checkedNumel("normalization")];
        Access.load((CpuStorage) t.storage(), t.offset(), 1, a, a.length);
        return a;
    }

    static void store(float[] a, Tensor t) {
        if (t != null) {
            Access.store(a, a.length, (CpuStorage) t.storage(), t.offset(), 1);
        }
    }

    static void store(double[] a, Tensor t) {
        if (t != null) {
            Access.store(a, a.length, (CpuStorage) t.storage(), t.offset(), 1);
        }
    }
}
