package org.vesalius.backend.cpu.dnnl;

import java.util.Arrays;

/**
 * A tensor as oneDNN sees it: the address of its first element and its dims and strides in
 * elements (strides may be anything a Vesalius view produces: permuted, sliced, zero).
 */
public final class StridedView {
    private final long address;
    private final long[] dims;
    private final long[] strides;

    /** A view of {@code dims} with {@code strides} (elements, outermost first) starting at {@code address}. */
    public StridedView(long address, long[] dims, long[] strides) {
        if (dims.length != strides.length) {
            throw new IllegalArgumentException("StridedView: " + dims.length + " dims but " + strides.length + " strides");
        }
        this.address = address;
        this.dims = dims.clone();
        this.strides = strides.clone();
    }

    /** From a Vesalius shape and strides (ints). */
    public static StridedView of(long address, int[] shape, int[] strides) {
        long[] d = new long[shape.length];
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            d[i] = shape[i];
            s[i] = strides[i];
        }
        return new StridedView(address, d, s);
    }

    /** A row-major view of {@code shape} at {@code address}. */
    public static StridedView contiguous(long address, int... shape) {
        long[] d = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            d[i] = shape[i];
        }
        return new StridedView(address, d, MemoryDescs.contiguousStrides(d));
    }

    /** Address of the first element. */
    public long address() {
        return address;
    }

    /** Number of dims. */
    public int rank() {
        return dims.length;
    }

    /** The dims (a copy). */
    public long[] dims() {
        return dims.clone();
    }

    /** The strides in elements (a copy). */
    public long[] strides() {
        return strides.clone();
    }

    /** Size of dim {@code i}. */
    public long dim(int i) {
        return dims[i];
    }

    /** Stride of dim {@code i}, in elements. */
    public long stride(int i) {
        return strides[i];
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Whether the view is row-major without gaps (size-1 dims may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (dims[i] != 1) {
                if (strides[i] != expected) {
                    return false;
                }
                expected *= dims[i];
            }
        }
        return true;
    }

    /** A plain oneDNN descriptor for this view; the caller owns it. */
    public org.bytedeco.dnnl.dnnl_memory_desc desc(int dataType) {
        return MemoryDescs.strided(dataType, dims, strides);
    }

    /**
     * The same memory with dim {@code d} split into {@code [parts, dims[d] / parts]} (outer first), as
     * oneDNN wants grouped convolution weights: {@code [O, C/g, k...]} becomes {@code [g, O/g, C/g, k...]}.
     */
    public StridedView splitDim(int d, long parts) {
        if (dims[d] % parts != 0) {
            throw new IllegalArgumentException("StridedView.splitDim: " + dims[d] + " is not divisible by " + parts);
        }
        long[] nd = new long[dims.length + 1];
        long[] ns = new long[dims.length + 1];
        for (int i = 0, j = 0; i < dims.length; i++, j++) {
            if (i == d) {
                nd[j] = parts;
                ns[j] = strides[i] * (dims[i] / parts);
                j++;
                nd[j] = dims[i] / parts;
                ns[j] = strides[i];
            } else {
                nd[j] = dims[i];
                ns[j] = strides[i];
            }
        }
        return new StridedView(address, nd, ns);
    }

    @Override
    public String toString() {
        return "StridedView(dims=" + Arrays.toString(dims) + ", strides=" + Arrays.toString(strides) + ")";
    }
}
