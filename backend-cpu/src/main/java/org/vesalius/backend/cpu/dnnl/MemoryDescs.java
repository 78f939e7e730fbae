package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f64;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_create_with_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_create_with_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;

import org.bytedeco.dnnl.dnnl_memory_desc;
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

    /** Bytes a buffer with this layout needs (blocked layouts may pad). */
    public static long bytes(dnnl_memory_desc md) {
        return dnnl_memory_desc_get_size(md);
    }
}
