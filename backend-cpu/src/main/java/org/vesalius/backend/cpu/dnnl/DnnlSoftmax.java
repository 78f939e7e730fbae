package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_softmax_accurate;
import static org.bytedeco.dnnl.global.dnnl.dnnl_softmax_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_softmax_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_softmax_log;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * float32 softmax and log-softmax along one axis on oneDNN's softmax primitive
 * ({@code softmax_accurate}: max-subtracted; {@code softmax_log}), forward and backward.
 *
 * <p>Its results agree with PyTorch's for rows of numbers; a row holding NaN or +inf comes out
 * partly finite (oneDNN's exp maps NaN to +inf), where PyTorch's is all NaN, so callers check for
 * non-finite results.
 */
public final class DnnlSoftmax {
    private DnnlSoftmax() {
    }

    /** {@code dst = (log)softmax(src)} along {@code axis}; false without a JIT kernel for the layouts. */
    public static boolean forward(boolean log, int axis, StridedView src, StridedView dst) {
        PrimitiveKey key = PrimitiveKey.builder("softmax_fwd").add(log).add(axis).add(src).add(dst.strides()).build();
        return PlainPrimitives.run(key, () -> buildForward(log, axis, src, dst), src.address(), dst.address());
    }

    /** The gradient of the input from the output {@code dst} and its gradient {@code diffDst}. */
    public static boolean backward(boolean log, int axis, StridedView dst, StridedView diffDst, StridedView diffSrc) {
        PrimitiveKey key = PrimitiveKey.builder("softmax_bwd").add(log).add(axis).add(dst).add(diffDst.strides())
                .add(diffSrc.strides()).build();
        return PlainPrimitives.run(key, () -> buildBackward(log, axis, dst, diffDst, diffSrc), dst.address(),
                diffDst.address(), diffSrc.address());
    }

    private static int alg(boolean log) {
        return log ? dnnl_softmax_log : dnnl_softmax_accurate;
    }

    private static ReorderedPrimitive buildForward(boolean log, int axis, StridedView src, StridedView dst) {
        dnnl_memory_desc s = src.desc(dnnl_f32);
        dnnl_memory_desc d = dst.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_SRC, s).out(DNNL_ARG_DST, d);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            int status = dnnl_softmax_forward_primitive_desc_create(pd, Dnnl.engine(), dnnl_forward_training, alg(log), s,
                    d, axis, attr);
            return PlainPrimitives.wrap(status, pd, "softmax forward", args);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    private static ReorderedPrimitive buildBackward(boolean log, int axis, StridedView dst, StridedView diffDst,
                                                    StridedView diffSrc) {
        dnnl_memory_desc y = dst.desc(dnnl_f32);
        dnnl_memory_desc dd = diffDst.desc(dnnl_f32);
        dnnl_memory_desc ds = diffSrc.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_DST, y).in(DNNL_ARG_DIFF_DST, dd)
                .out(DNNL_ARG_DIFF_SRC, ds);
        dnnl_primitive_desc hint = new dnnl_primitive_desc();
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        boolean hintMade = false;
        try {
            int status = dnnl_softmax_forward_primitive_desc_create(hint, Dnnl.engine(), dnnl_forward_training, alg(log),
                    y, y, axis, attr);
            hintMade = status == 0;
            if (hintMade) {
                status = dnnl_softmax_backward_primitive_desc_create(pd, Dnnl.engine(), alg(log), ds, dd, y, axis, hint,
                        attr);
            }
            return PlainPrimitives.wrap(status, pd, "softmax backward", args);
        } finally {
            if (hintMade) {
                dnnl_primitive_desc_destroy(hint);
            }
            DnnlPrimitive.destroyAttr(attr);
        }
    }
}
