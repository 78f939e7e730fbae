package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_primitive_desc_create;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * float32 reductions on oneDNN's reduction primitive ({@code dnnl_reduction_sum}, {@code _mul},
 * {@code _max}, {@code _min}): {@code dst} has {@code src}'s rank with the reduced dims of size 1.
 *
 * <p>oneDNN 3.11's JIT kernel reduces the innermost dims of a dense source only; other reductions
 * return false (its reference kernel is 100x slower than the Java loop). Its max and min drop NaN
 * ({@code vmaxps}), which callers must check for.
 */
public final class DnnlReduction {
    private DnnlReduction() {
    }

    /** {@code dst = reduce_alg(src)} over the dims where {@code dst} has size 1; false without a JIT kernel. */
    public static boolean run(int alg, StridedView src, StridedView dst) {
        PrimitiveKey key = PrimitiveKey.builder("reduction").add(alg).add(src).add(dst).build();
        return PlainPrimitives.run(key, () -> build(alg, src, dst), src.address(), dst.address());
    }

    private static ReorderedPrimitive build(int alg, StridedView src, StridedView dst) {
        dnnl_memory_desc s = src.desc(dnnl_f32);
        dnnl_memory_desc d = dst.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_SRC, s).out(DNNL_ARG_DST, d);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            int status = dnnl_reduction_primitive_desc_create(pd, Dnnl.engine(), alg, s, d, 0f, 0f, attr);
            return PlainPrimitives.wrap(status, pd, "reduction (alg " + alg + ")", args);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }
}
