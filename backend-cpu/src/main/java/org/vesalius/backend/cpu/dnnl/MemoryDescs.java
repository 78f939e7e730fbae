package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.dnnl_blocked;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f64;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_clone;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_create_with_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_create_with_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dims;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_format_kind;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_inner_nblks_s32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_ndims_s32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_strides;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.vesalius.tensor.DType;

/**
 * Memory descriptors: plain strided ones that describe a Vesalius tensor in place, and
 * {@code format_tag::any} ones that let a primitive choose its preferred (blocked) layout.
 *
 * <p>Descriptors made here are owned by the caller and must be {@link #destroy destroyed}; the ones a
 * primitive descriptor returns from a query belong to it and must not be.
 */
public final class MemoryDescs {
    private MemoryDescs() {
    }

    /** The oneDNN data type for a Vesalius dtype, or throws for dtypes oneDNN kernels do not take. */
    public static int dataType(DType dtype) {
        switch (dtype) {
            case FLOAT32:
                return dnnl_f32;
            case FLOAT64:
                return dnnl_f64;
            default:
                throw new IllegalArgumentException("oneDNN: no kernels for dtype " + dtype);
        }
    }

    /** A plain descriptor for a strided view: dims and strides in elements, outermost first. */
    public static dnnl_memory_desc strided(int dataType, long[] dims, long[] strides) {
        Dnnl.engine();
        dnnl_memory_desc md = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_create_with_strides(md, dims.length, dims, dataType, strides),
                "dnnl_memory_desc_create_with_strides(" + java.util.Arrays.toString(dims) + ", "
                        + java.util.Arrays.toString(strides) + ")");
        return md;
    }

    /** A plain row-major descriptor. */
    public static dnnl_memory_desc contiguous(int dataType, long... dims) {
        return strided(dataType, dims, contiguousStrides(dims));
    }

    /** A descriptor that leaves the layout to the primitive ({@code format_tag::any}). */
    public static dnnl_memory_desc any(int dataType, long... dims) {
        Dnnl.engine();
        dnnl_memory_desc md = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_create_with_tag(md, dims.length, dims, dataType, dnnl_format_tag_any),
                "dnnl_memory_desc_create_with_tag(any)");
        return md;
    }

    /** Row-major strides of {@code dims}, in elements. */
    public static long[] contiguousStrides(long[] dims) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        return strides;
    }

    /** A copy the caller owns of a descriptor (one a primitive owns, to keep beyond it). */
    public static dnnl_memory_desc copy(dnnl_memory_desc md) {
        dnnl_memory_desc c = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_clone(c, md), "dnnl_memory_desc_clone");
        return c;
    }

    /** Frees descriptors made here; null entries are skipped. */
    public static void destroy(dnnl_memory_desc... mds) {
        for (dnnl_memory_desc md : mds) {
            if (md != null && !md.isNull()) {
                dnnl_memory_desc_destroy(md);
            }
        }
    }

    /** Whether two descriptors describe the same layout. */
    public static boolean equal(dnnl_memory_desc a, dnnl_memory_desc b) {
        return dnnl_memory_desc_equal(a, b) != 0;
    }

    /**
     * The strides (elements, outermost first) of a plain layout: blocked without inner blocks, as a
     * strided view describes; null for any other layout (blocked with inner blocks, RNN-packed).
     */
    public static long[] plainStrides(dnnl_memory_desc md) {
        try (IntPointer v = new IntPointer(1)) {
            query(md, dnnl_query_format_kind, v);
            if (v.get() != dnnl_blocked) {
                return null;
            }
            query(md, dnnl_query_inner_nblks_s32, v);
            if (v.get() != 0) {
                return null;
            }
        }
        return longs(md, dnnl_query_strides);
    }

    /** The dims of a descriptor. */
    public static long[] dims(dnnl_memory_desc md) {
        return longs(md, dnnl_query_dims);
    }

    private static long[] longs(dnnl_memory_desc md, int what) {
        int n;
        try (IntPointer v = new IntPointer(1)) {
            query(md, dnnl_query_ndims_s32, v);
            n = v.get();
        }
        try (PointerPointer<LongPointer> p = new PointerPointer<>(1)) {
            query(md, what, p);
            long[] out = new long[n];
            new LongPointer(p.get(0)).capacity(n).get(out);
            return out;
        }
    }

    private static void query(dnnl_memory_desc md, int what, Pointer result) {
        Dnnl.check(dnnl_memory_desc_query(md, what, result), "dnnl_memory_desc_query(" + what + ")");
    }

    /** Bytes a buffer with this layout needs (blocked layouts may pad). */
    public static long bytes(dnnl_memory_desc md) {
        return dnnl_memory_desc_get_size(md);
    }
}
