package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_binary;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;

import java.util.Arrays;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * float32 {@code dst = post(src0 OP src1)} on oneDNN's binary primitive, with NumPy broadcasting
 * of {@code src1} (dims of size 1) and an optional chain of post-ops: eltwise ones, and binary ones
 * whose operand is {@code src0} again or another tensor.
 *
 * <p>The post-ops serve three purposes. An eltwise post-op fuses an activation. A binary post-op
 * whose operand is {@code src0} restores NaN where oneDNN's activation loses it: the JIT kernels
 * compute {@code max(a, b)} with {@code vmaxps}, which returns {@code b} when either is NaN, so relu,
 * clip and exp map NaN to a number, while PyTorch keeps NaN. For an activation {@code f >= x} (relu,
 * a lower clip, exp), {@code max(f(x), x)} equals {@code f(x)} for every number and is NaN exactly
 * where {@code x} is; {@code min} does the same for {@code f <= x}. That costs a second read of
 * {@code src0}, from cache, inside the same pass; oneDNN's eltwise primitive takes binary post-ops
 * only on its reference kernel. And a chain with other operands composes small formulas in one
 * pass (relu's gradient: {@code (max(x, 0) > 0) * g}).
 *
 * <p>Like every kernel on {@link PlainPrimitives}, it returns false where oneDNN has no JIT kernel for
 * the layouts (a broadcast {@code src0}, non-dense operands).
 */
public final class DnnlBinary {
    private DnnlBinary() {
    }

    /** An immutable chain of post-ops. */
    public static final class PostOps {
        /** No post-ops. */
        public static final PostOps NONE = new PostOps(new long[0]);

        private static final long ELTWISE = 1;
        private static final long BINARY = 2;
        /**
         * Four numbers per post-op: kind, algorithm, then alpha and beta bits (eltwise) or the operand
         * (binary: -1 for src0, else an index into the operands given to {@link DnnlBinary#run}).
         */
        private final long[] spec;

        private PostOps(long[] spec) {
            this.spec = spec;
        }

        private PostOps append(long kind, int alg, float alpha, float beta) {
            long[] s = Arrays.copyOf(spec, spec.length + 4);
            s[spec.length] = kind;
            s[spec.length + 1] = alg;
            s[spec.length + 2] = Float.floatToRawIntBits(alpha);
            s[spec.length + 3] = Float.floatToRawIntBits(beta);
            return new PostOps(s);
        }

        /** Then {@code v = alg(v; alpha, beta)} ({@code dnnl_eltwise_*}). */
        public PostOps eltwise(int alg, float alpha, float beta) {
            return append(ELTWISE, alg, alpha, beta);
        }

        /** Then {@code v = alg(v, src0)} ({@code dnnl_binary_*}), reading src0 again. */
        public PostOps binaryWithSrc0(int alg) {
            return binaryWith(alg, -1);
        }

        /** Then {@code v = alg(v, operands[operand])} ({@code dnnl_binary_*}). */
        public PostOps binaryWith(int alg, int operand) {
            long[] s = Arrays.copyOf(spec, spec.length + 4);
            s[spec.length] = BINARY;
            s[spec.length + 1] = alg;
            s[spec.length + 2] = operand;
            return new PostOps(s);
        }

        int size() {
            return spec.length / 4;
        }

        int binaryCount() {
            int n = 0;
            for (int i = 0; i < size(); i++) {
                if (spec[4 * i] == BINARY) {
                    n++;
                }
            }
            return n;
        }

        /** The view a binary post-op reads. */
        StridedView operand(int i, StridedView src0, StridedView[] operands) {
            int k = (int) spec[4 * i + 2];
            return k < 0 ? src0 : operands[k];
        }
    }

    /**
     * {@code dst = post(src0 alg src1)} ({@code dnnl_binary_*}), where binary post-ops read src0 or
     * {@code operands}; false when oneDNN has no JIT kernel for it.
     */
    public static boolean run(int alg, StridedView src0, StridedView src1, StridedView dst, PostOps post,
                              StridedView... operands) {
        PrimitiveKey.Builder k = PrimitiveKey.builder("binary").add(alg).add(src0).add(src1).add(dst.strides())
                .add(post.spec);
        for (StridedView v : operands) {
            k.add(v);
        }
        long[] addresses = new long[3 + post.binaryCount()];
        addresses[0] = src0.address();
        addresses[1] = src1.address();
        addresses[2] = dst.address();
        for (int i = 0, j = 3; i < post.size(); i++) {
            if (post.spec[4 * i] == PostOps.BINARY) {
                addresses[j++] = post.operand(i, src0, operands).address();
            }
        }
        return PlainPrimitives.run(k.build(), () -> build(alg, src0, src1, dst, post, operands), addresses);
    }

    private static ReorderedPrimitive build(int alg, StridedView src0, StridedView src1, StridedView dst, PostOps post,
                                            StridedView[] operands) {
        dnnl_memory_desc a = src0.desc(dnnl_f32);
        dnnl_memory_desc b = src1.desc(dnnl_f32);
        dnnl_memory_desc d = dst.desc(dnnl_f32);
        PlainPrimitives.Args args = new PlainPrimitives.Args().in(DNNL_ARG_SRC_0, a).in(DNNL_ARG_SRC_1, b)
                .out(DNNL_ARG_DST, d);
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        dnnl_post_ops ops = new dnnl_post_ops();
        boolean opsMade = false;
        try {
            try {
                Dnnl.check(dnnl_post_ops_create(ops), "dnnl_post_ops_create");
                opsMade = true;
                appendPostOps(ops, post, src0, operands, args);
                Dnnl.check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops");
            } catch (RuntimeException e) {
                args.destroy();
                throw e;
            }
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            int status = dnnl_binary_primitive_desc_create(pd, Dnnl.engine(), alg, a, b, d, attr);
            return PlainPrimitives.wrap(status, pd, "binary (alg " + alg + ")", args);
        } finally {
            if (opsMade) {
                dnnl_post_ops_destroy(ops);
            }
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    /** Appends the chain; each binary post-op's operand descriptor joins {@code args} (which then owns it). */
    private static void appendPostOps(dnnl_post_ops ops, PostOps post, StridedView src0, StridedView[] operands,
                                      PlainPrimitives.Args args) {
        for (int i = 0; i < post.size(); i++) {
            int kind = (int) post.spec[4 * i];
            int alg = (int) post.spec[4 * i + 1];
            if (kind == PostOps.ELTWISE) {
                Dnnl.check(dnnl_post_ops_append_eltwise(ops, alg, Float.intBitsToFloat((int) post.spec[4 * i + 2]),
                        Float.intBitsToFloat((int) post.spec[4 * i + 3])), "dnnl_post_ops_append_eltwise");
            } else {
                dnnl_memory_desc operand = post.operand(i, src0, operands).desc(dnnl_f32);
                args.in(DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (i + 1) | DNNL_ARG_SRC_1, operand);
                Dnnl.check(dnnl_post_ops_append_binary(ops, alg, operand), "dnnl_post_ops_append_binary");
            }
        }
    }
}
