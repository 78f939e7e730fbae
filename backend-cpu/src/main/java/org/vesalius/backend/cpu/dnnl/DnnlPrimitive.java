package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A oneDNN primitive with the descriptor it was made from. Owns both; {@link #close()} destroys
 * them (the {@link PrimitiveCache} does that on eviction).
 *
 * <p>Primitives are built with a user-managed scratchpad, so concurrent executions on different
 * threads each bring their own ({@link ThreadBuffers}) instead of sharing one inside the primitive.
 */
public final class DnnlPrimitive implements AutoCloseable {
    private final dnnl_primitive_desc pd;
    private final dnnl_primitive primitive;
    private final long scratchpadBytes;
    private final String implementation;
    private boolean closed;

    private DnnlPrimitive(dnnl_primitive_desc pd, dnnl_primitive primitive) {
        this.pd = pd;
        this.primitive = primitive;
        dnnl_memory_desc sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
        this.scratchpadBytes = sp == null || sp.isNull() ? 0 : dnnl_memory_desc_get_size(sp);
        PointerPointer<BytePointer> info = new PointerPointer<>(1);
        String impl = "?";
        if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, info) == 0 && !info.get(0).isNull()) {
            impl = info.getString(0);
        }
        info.close();
        this.implementation = impl;
    }

    /**
     * Builds the primitive for {@code pd} and takes ownership of {@code pd} (it is destroyed here if
     * building fails).
     */
    public static DnnlPrimitive create(dnnl_primitive_desc pd, String what) {
        dnnl_primitive p = new dnnl_primitive();
        int status = dnnl_primitive_create(p, pd);
        if (status != 0) {
            dnnl_primitive_desc_destroy(pd);
            Dnnl.check(status, "dnnl_primitive_create(" + what + ")");
        }
        return new DnnlPrimitive(pd, p);
    }

    /**
     * A new attribute set with the user scratchpad mode every primitive here uses. The caller passes
     * it to a {@code *_primitive_desc_create} and then {@link #destroyAttr destroys} it.
     */
    public static dnnl_primitive_attr newAttr() {
        Dnnl.engine();
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        Dnnl.check(dnnl_primitive_attr_create(attr), "dnnl_primitive_attr_create");
        Dnnl.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
                "dnnl_primitive_attr_set_scratchpad_mode");
        return attr;
    }

    /** Frees an attribute from {@link #newAttr()}; null is ignored. */
    public static void destroyAttr(dnnl_primitive_attr attr) {
        if (attr != null && !attr.isNull()) {
            dnnl_primitive_attr_destroy(attr);
        }
    }

    /** A descriptor the primitive expects for one argument ({@code dnnl_query_src_md}, ...); owned by it. */
    public dnnl_memory_desc md(int query, int index) {
        return dnnl_primitive_desc_query_md(pd, query, index);
    }

    /** The primitive descriptor, e.g. as a hint for a backward primitive. */
    public dnnl_primitive_desc descriptor() {
        return pd;
    }

    /** The native primitive, for {@code dnnl_primitive_execute}. */
    public dnnl_primitive handle() {
        return primitive;
    }

    /** Scratchpad bytes one execution needs. */
    public long scratchpadBytes() {
        return scratchpadBytes;
    }

    /** oneDNN's name for the implementation it picked, e.g. {@code "brg_conv_fwd:avx512_core"}. */
    public String implementation() {
        return implementation;
    }

    /** A readable name for a {@code DNNL_ARG_*} value, for logs. */
    public static String argName(int kind) {
        if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC) {
            return "src";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST) {
            return "dst";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS) {
            return "weights";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS) {
            return "bias";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC) {
            return "diff_src";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST) {
            return "diff_dst";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS) {
            return "diff_weights";
        } else if (kind == org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS) {
            return "diff_bias";
        }
        return "arg " + kind;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dnnl_primitive_destroy(primitive);
            dnnl_primitive_desc_destroy(pd);
        }
    }
}
