package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_primitive_desc_create;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * float32 matrix products on oneDNN's matmul primitive, directly on the callers' strided tensors:
 * {@code dst[..., m, n] = sum_k src[..., m, k] * weights[..., k, n] (+ bias[n])}. Operands may be
 * transposed or sliced views; the batch dims (if any) are the same for all three.
 *
 * <p>Why not always OpenBLAS: OpenBLAS's worker threads spin for a long while after each threaded
 * call (its {@code THREAD_TIMEOUT}, about 0.1 s), on the cores the next op's threads need. For the
 * small products of a training step (a linear layer's forward and its two backward products) that
 * spinning cost more than the products themselves; oneDNN's threads are OpenMP's, which sleep at
 * once under {@code OMP_WAIT_POLICY=PASSIVE}.
 */
public final class DnnlMatmul {
    private DnnlMatmul() {
    }

    /**
     * {@code dst = src x weights (+ bias)}; false, with nothing written, when oneDNN has no JIT kernel
     * for these layouts (the caller then computes elsewhere).
     *
     * @param bias {@code [n]} viewed with the dst's rank ({@code [1, ..., 1, n]}), or null
     */
    public static boolean run(StridedView src, StridedView weights, StridedView bias, StridedView dst) {
        PrimitiveKey.Builder kb = PrimitiveKey.builder("matmul").add(src).add(weights).add(dst);
        if (bias != null) {
            kb.add(bias);
        }
        long[] addresses = bias == null ? new long[] {src.address(), weights.address(), dst.address()}
                : new long[] {src.address(), weights.address(), bias.address(), dst.address()};
        return PlainPrimitives.run(kb.build(), () -> build(src, weights, bias, dst), addresses);
    }

    private static ReorderedPrimitive build(StridedView src, StridedView weights, StridedView bias, StridedView dst) {
        dnnl_memory_desc s = src.desc(dnnl_f32);
        dnnl_memory_desc w = weights.desc(dnnl_f32);
        dnnl_memory_desc b = bias == null ? null : bias.desc(dnnl_f32);
        dnnl_memory_desc d = dst.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_SRC, s).in(DNNL_ARG_WEIGHTS, w);
        if (b != null) {
            args.in(DNNL_ARG_BIAS, b);
        }
        args.out(DNNL_ARG_DST, d);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            int status = dnnl_matmul_primitive_desc_create(pd, Dnnl.engine(), s, w, b, d, attr);
            return PlainPrimitives.wrap(status, pd, "matmul", args);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }
}
