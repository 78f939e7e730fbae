package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * Copies between two strided layouts of the same dims with oneDNN's reorder primitive: a transposing
 * JIT kernel for permuted dims ({@code jit:uni}), a parallel copy for matching ones, with data type
 * conversion on the way.
 */
public final class DnnlReorder {
    private DnnlReorder() {
    }

    /**
     * {@code dst = src} element by element, converting between {@code dnnl_data_type_t}s (float32 to
     * and from float16 and bfloat16 round to nearest even); false when oneDNN has no JIT kernel for
     * the pair of layouts and types.
     */
    public static boolean copy(int srcType, StridedView src, int dstType, StridedView dst) {
        PrimitiveKey key = PrimitiveKey.builder("reorder").add(srcType).add(dstType).add(src).add(dst.strides()).build();
        return PlainPrimitives.run(key, () -> build(srcType, src, dstType, dst), src.address(), dst.address());
    }

    private static ReorderedPrimitive build(int srcType, StridedView src, int dstType, StridedView dst) {
        dnnl_memory_desc s = src.desc(srcType);
        dnnl_memory_desc d = dst.desc(dstType);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_FROM, s).out(DNNL_ARG_TO, d);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            int status = dnnl_reorder_primitive_desc_create(pd, s, Dnnl.engine(), d, Dnnl.engine(), attr);
            return PlainPrimitives.wrap(status, pd, "reorder", args);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }
}
