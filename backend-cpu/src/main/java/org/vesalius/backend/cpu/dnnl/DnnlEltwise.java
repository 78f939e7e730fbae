package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_clip_v2_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_elu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_exp_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_logistic_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_sqrt_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * float32 elementwise activations on oneDNN's eltwise primitive ({@code dnnl_eltwise_*} algorithms
 * with their {@code alpha}/{@code beta}), forward and backward, on plain strided views.
 *
 * <p>oneDNN's JIT kernel needs source and destination in one dense layout; anything else (a
 * slice, a transposed source into a contiguous destination) gets {@code false} back (see
 * {@link PlainPrimitives}) and belongs to the caller's Java kernel. Semantics are oneDNN's: where
 * they differ from PyTorch's on NaN (relu, clip and exp turn NaN into a number) the caller uses
 * {@link DnnlBinary} with a NaN-restoring post-op instead.
 */
public final class DnnlEltwise {
    private DnnlEltwise() {
    }

    /** {@code dst = alg(src; alpha, beta)}; false when oneDNN has no JIT kernel for these layouts. */
    public static boolean forward(int alg, float alpha, float beta, StridedView src, StridedView dst) {
        PrimitiveKey key = PrimitiveKey.builder("eltwise_fwd").add(alg).add(alpha).add(beta).add(src).add(dst.strides())
                .build();
        return PlainPrimitives.run(key, () -> buildForward(alg, alpha, beta, src, dst), src.address(), dst.address());
    }

    /**
     * {@code diffSrc = alg'(data; alpha, beta) * diffDst}, where {@code data} is the forward's source,
     * or its destination for the {@code *_use_dst_for_bwd} algorithms.
     */
    public static boolean backward(int alg, float alpha, float beta, StridedView diffDst, StridedView data,
                                   StridedView diffSrc) {
        PrimitiveKey key = PrimitiveKey.builder("eltwise_bwd").add(alg).add(alpha).add(beta).add(data)
                .add(diffDst.strides()).add(diffSrc.strides()).build();
        return PlainPrimitives.run(key, () -> buildBackward(alg, alpha, beta, diffDst, data, diffSrc),
                diffDst.address(), data.address(), diffSrc.address());
    }

    private static ReorderedPrimitive buildForward(int alg, float alpha, float beta, StridedView src, StridedView dst) {
        dnnl_memory_desc s = src.desc(dnnl_f32);
        dnnl_memory_desc d = dst.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_SRC, s).out(DNNL_ARG_DST, d);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            int status = dnnl_eltwise_forward_primitive_desc_create(pd, Dnnl.engine(), dnnl_forward_inference, alg, s, d,
                    alpha, beta, attr);
            return PlainPrimitives.wrap(status, pd, "eltwise forward (alg " + alg + ")", args);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    private static ReorderedPrimitive buildBackward(int alg, float alpha, float beta, StridedView diffDst,
                                                    StridedView data, StridedView diffSrc) {
        dnnl_memory_desc dd = diffDst.desc(dnnl_f32);
        dnnl_memory_desc x = data.desc(dnnl_f32);
        dnnl_memory_desc ds = diffSrc.desc(dnnl_f32);
        int dataArg = usesDst(alg) ? DNNL_ARG_DST : DNNL_ARG_SRC;
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_DIFF_DST, dd).in(dataArg, x)
                .out(DNNL_ARG_DIFF_SRC, ds);
        dnnl_primitive_desc hint = new dnnl_primitive_desc();
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        boolean hintMade = false;
        try {
            // oneDNN wants the forward's descriptor as a hint; the forward itself is never run
            int status = dnnl_eltwise_forward_primitive_desc_create(hint, Dnnl.engine(), dnnl_forward_training, alg, x, x,
                    alpha, beta, attr);
            hintMade = status == 0;
            if (hintMade) {
                status = dnnl_eltwise_backward_primitive_desc_create(pd, Dnnl.engine(), alg, ds, dd, x, alpha, beta, hint,
                        attr);
            }
            return PlainPrimitives.wrap(status, pd, "eltwise backward (alg " + alg + ")", args);
        } finally {
            if (hintMade) {
                dnnl_primitive_desc_destroy(hint);
            }
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    /** The algorithms whose backward reads the forward's output rather than its input. */
    static boolean usesDst(int alg) {
        return alg == dnnl_eltwise_relu_use_dst_for_bwd || alg == dnnl_eltwise_tanh_use_dst_for_bwd
                || alg == dnnl_eltwise_elu_use_dst_for_bwd || alg == dnnl_eltwise_sqrt_use_dst_for_bwd
                || alg == dnnl_eltwise_logistic_use_dst_for_bwd || alg == dnnl_eltwise_exp_use_dst_for_bwd
                || alg == dnnl_eltwise_clip_v2_use_dst_for_bwd;
    }
}
