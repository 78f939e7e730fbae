package org.vesalius.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_mul;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_sub;
import static org.bytedeco.dnnl.global.dnnl.dnnl_data_type_undef;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_layer_normalization_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_layer_normalization_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_binary;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_sum;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_sum;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlPrimitive;
import org.vesalius.backend.cpu.dnnl.Execution;
import org.vesalius.backend.cpu.dnnl.MemoryDescs;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;
import org.vesalius.backend.cpu.dnnl.PrimitiveKey;

/**
 * The oneDNN primitives behind {@link DnnlNormalization}, on row-major float32 buffers given by
 * address. Each is built once per shape and flag set and kept in {@link PrimitiveCache#shared()}.
 *
 * <p>Two families. The normalization primitives themselves: layer norm (oneDNN's JIT kernel, which
 * also gives the per-row statistics of the other norms) and batch norm (for short spatial extents).
 * And building blocks over {@code [n, c, s]} with one coefficient per channel or per
 * {@code (n, c)} row (broadcasting binaries, row reductions, batched row dot products), from which
 * {@link DnnlNormalization} assembles batch, group and instance norm. oneDNN 3.11's batch norm on
 * NCHW is its generic {@code ncsp_bnorm}, about 2x slower than these JIT kernels together; its group
 * norm backward on NCHW and its reduction over {@code [n, s]} keeping {@code c} are reference
 * kernels, orders of magnitude slower.
 *
 * <p>Everything here runs inside oneDNN on its OpenMP threads. Between the primitives only loops
 * over per-row or per-channel values run in Java, on the calling thread: a Java fork-join pass
 * right after an OpenMP region competes with libgomp's spinning workers for the cores.
 */
final class DnnlNormKernels {
    private DnnlNormKernels() {
    }

    /** A cached primitive and the descriptors of its arguments, which it owns. */
    private static final class Prim implements AutoCloseable {
        final DnnlPrimitive primitive;
        final dnnl_memory_desc[] mds;

        Prim(DnnlPrimitive primitive, dnnl_memory_desc[] mds) {
            this.primitive = primitive;
            this.mds = mds;
        }

        Execution run() {
            return Execution.of(primitive);
        }

        @Override
        public void close() {
            primitive.close();
            MemoryDescs.destroy(mds);
        }
    }

    /** Builds a primitive descriptor from the argument descriptors and an attribute set. */
    @FunctionalInterface
    private interface Builder {
        dnnl_primitive_desc build(dnnl_memory_desc[] mds, dnnl_primitive_attr attr);
    }

    /** Appends post-ops (the second operands' descriptors are among {@code mds}). */
    @FunctionalInterface
    private interface PostOps {
        void append(dnnl_post_ops po, dnnl_memory_desc[] mds);
    }

    /** Builds a primitive that then owns {@code mds}; on failure everything made here is freed. */
    private static Prim prim(String what, dnnl_memory_desc[] mds, PostOps postOps, Builder b) {
        dnnl_primitive_attr attr = null;
        dnnl_post_ops po = null;
        try {
            attr = DnnlPrimitive.newAttr();
            if (postOps != null) {
                po = new dnnl_post_ops();
                Dnnl.check(dnnl_post_ops_create(po), "dnnl_post_ops_create");
                postOps.append(po, mds);
                Dnnl.check(dnnl_primitive_attr_set_post_ops(attr, po), "dnnl_primitive_attr_set_post_ops");
            }
            return new Prim(DnnlPrimitive.create(b.build(mds, attr), what), mds);
        } catch (RuntimeException e) {
            MemoryDescs.destroy(mds);
            throw e;
        } finally {
            DnnlPrimitive.destroyAttr(attr);
            if (po != null && !po.isNull()) {
                dnnl_post_ops_destroy(po);
            }
        }
    }

    private static dnnl_memory_desc plain(long... dims) {
        return MemoryDescs.contiguous(dnnl_f32, dims);
    }

    /** The argument index of the {@code i}-th post-op's second operand. */
    private static int postOpSrc1(int i) {
        return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (i + 1) | DNNL_ARG_SRC_1;
    }

    private static PrimitiveCache.Lease<Prim> lease(PrimitiveKey key, java.util.function.Supplier<Prim> create) {
        return PrimitiveCache.shared().acquire(key, k -> create.get());
    }

    // ------------------------------------------------------------------ layer norm

    /**
     * Layer norm forward (training: the statistics are outputs) over {@code x [rows, k]}:
     * {@code y = (x - mean) / sqrt(var + eps) * w + b}, with {@code mean [rows]} and the biased
     * {@code var [rows]} written. With {@code eps = 0} and no affine this is also the row-statistics
     * pass of batch norm (y is then scratch).
     */
    static void layerForward(long rows, long k, float eps, boolean scale, boolean shift, long x, long y, long mean,
                             long var, long w, long b) {
        PrimitiveKey key = PrimitiveKey.builder("norm_ln_fwd").add(rows).add(k).add(Float.floatToIntBits(eps))
                .add(scale).add(shift).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("layer normalization forward",
                new dnnl_memory_desc[] {plain(rows, k), plain(rows), plain(k)}, null, (m, attr) ->
                        lnForwardDesc(m, eps, flags(false, scale, shift), attr)))) {
            Prim p = l.get();
            Execution e = p.run().arg(DNNL_ARG_SRC, p.mds[0], x).arg(DNNL_ARG_DST, p.mds[0], y)
                    .arg(DNNL_ARG_MEAN, p.mds[1], mean).arg(DNNL_ARG_VARIANCE, p.mds[1], var);
            if (scale) {
                e.arg(DNNL_ARG_SCALE, p.mds[2], w);
            }
            if (shift) {
                e.arg(DNNL_ARG_SHIFT, p.mds[2], b);
            }
            e.run();
        }
    }

    private static dnnl_primitive_desc lnForwardDesc(dnnl_memory_desc[] m, float eps, int flags,
                                                     dnnl_primitive_attr attr) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(dnnl_layer_normalization_forward_primitive_desc_create(pd, Dnnl.engine(), dnnl_forward_training,
                m[0], m[0], m[1], eps, flags, attr), "layer normalization forward");
        return pd;
    }

    /**
     * Layer norm backward over {@code [rows, k]} from {@code mean} and {@code var} with eps 0 (callers
     * pass {@code var = 1 / invStd^2}, so the kernel's {@code 1 / sqrt(var)} is the saved invStd),
     * with the scale {@code w [k]} (ones when there is none); the weight and bias gradients go to
     * {@code dw} and {@code db}. Always the full backward: oneDNN's data-only variant with a scale
     * still expects the scale gradient among its outputs.
     */
    static void layerBackward(long rows, long k, long x, long gy, long mean, long var, long w, long gx, long dw,
                              long db) {
        PrimitiveKey key = PrimitiveKey.builder("norm_ln_bwd").add(rows).add(k).build();
        int flags = flags(false, true, true);
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("layer normalization backward",
                new dnnl_memory_desc[] {plain(rows, k), plain(rows), plain(k)}, null, (m, attr) -> {
                    dnnl_primitive_desc hint = lnForwardDesc(m, 0f, flags, attr);
                    try {
                        dnnl_primitive_desc pd = new dnnl_primitive_desc();
                        Dnnl.check(dnnl_layer_normalization_backward_primitive_desc_create(pd, Dnnl.engine(),
                                dnnl_backward, m[0], m[0], m[0], m[1], 0f, flags, hint, attr),
                                "layer normalization backward");
                        return pd;
                    } finally {
                        dnnl_primitive_desc_destroy(hint);
                    }
                }))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC, p.mds[0], x).arg(DNNL_ARG_DIFF_DST, p.mds[0], gy)
                    .arg(DNNL_ARG_MEAN, p.mds[1], mean).arg(DNNL_ARG_VARIANCE, p.mds[1], var)
                    .arg(DNNL_ARG_SCALE, p.mds[2], w).arg(DNNL_ARG_DIFF_SRC, p.mds[0], gx)
                    .arg(DNNL_ARG_DIFF_SCALE, p.mds[2], dw).arg(DNNL_ARG_DIFF_SHIFT, p.mds[2], db).run();
        }
    }

    // ------------------------------------------------------------------ batch norm (short spatial extents)

    /**
     * Batch norm forward over {@code x [n, c, s]} ({@code [n, c]} when s is 1). Training: mean and
     * biased variance are outputs. Otherwise ({@code training} false) they are inputs, as the
     * running statistics of eval mode.
     */
    static void batchForward(long n, long c, long s, float eps, boolean training, boolean scale, boolean shift,
                             long x, long y, long mean, long var, long w, long b) {
        PrimitiveKey key = PrimitiveKey.builder("norm_bn_fwd").add(n).add(c).add(s).add(Float.floatToIntBits(eps))
                .add(training).add(scale).add(shift).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("batch normalization forward",
                new dnnl_memory_desc[] {batchData(n, c, s), plain(c)}, null, (m, attr) ->
                        bnForwardDesc(m, eps, training, flags(!training, scale, shift), attr)))) {
            Prim p = l.get();
            Execution e = p.run().arg(DNNL_ARG_SRC, p.mds[0], x).arg(DNNL_ARG_DST, p.mds[0], y)
                    .arg(DNNL_ARG_MEAN, p.mds[1], mean).arg(DNNL_ARG_VARIANCE, p.mds[1], var);
            if (scale) {
                e.arg(DNNL_ARG_SCALE, p.mds[1], w);
            }
            if (shift) {
                e.arg(DNNL_ARG_SHIFT, p.mds[1], b);
            }
            e.run();
        }
    }

    private static dnnl_memory_desc batchData(long n, long c, long s) {
        return s == 1 ? plain(n, c) : plain(n, c, s);
    }

    private static dnnl_primitive_desc bnForwardDesc(dnnl_memory_desc[] m, float eps, boolean training, int flags,
                                                     dnnl_primitive_attr attr) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(dnnl_batch_normalization_forward_primitive_desc_create(pd, Dnnl.engine(),
                training ? dnnl_forward_training : dnnl_forward_inference, m[0], m[0], eps, flags, attr),
                "batch normalization forward");
        return pd;
    }

    /**
     * Batch norm backward over {@code [n, c, s]} with eps 0 (callers pass {@code var = 1 / invStd^2})
     * and the scale {@code w [c]} (ones when there is none); the weight and bias gradients go to
     * {@code dw} and {@code db}. {@code globalStats}: the statistics were constants (eval mode), so
     * only {@code gy * w * invStd} reaches the input. Always the full backward, as for layer norm.
     */
    static void batchBackward(long n, long c, long s, boolean globalStats, long x, long gy, long mean, long var,
                              long w, long gx, long dw, long db) {
        PrimitiveKey key = PrimitiveKey.builder("norm_bn_bwd").add(n).add(c).add(s).add(globalStats).build();
        int flags = flags(globalStats, true, true);
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("batch normalization backward",
                new dnnl_memory_desc[] {batchData(n, c, s), plain(c)}, null, (m, attr) -> {
                    dnnl_primitive_desc hint = bnForwardDesc(m, 0f, true, flags, attr);
                    try {
                        dnnl_primitive_desc pd = new dnnl_primitive_desc();
                        Dnnl.check(dnnl_batch_normalization_backward_primitive_desc_create(pd, Dnnl.engine(),
                                dnnl_backward, m[0], m[0], m[0], 0f, flags, hint, attr),
                                "batch normalization backward");
                        return pd;
                    } finally {
                        dnnl_primitive_desc_destroy(hint);
                    }
                }))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC, p.mds[0], x).arg(DNNL_ARG_DIFF_DST, p.mds[0], gy)
                    .arg(DNNL_ARG_MEAN, p.mds[1], mean).arg(DNNL_ARG_VARIANCE, p.mds[1], var)
                    .arg(DNNL_ARG_SCALE, p.mds[1], w).arg(DNNL_ARG_DIFF_SRC, p.mds[0], gx)
                    .arg(DNNL_ARG_DIFF_SCALE, p.mds[1], dw).arg(DNNL_ARG_DIFF_SHIFT, p.mds[1], db).run();
        }
    }

    private static int flags(boolean globalStats, boolean scale, boolean shift) {
        return (globalStats ? dnnl_use_global_stats : 0) | (scale ? dnnl_use_scale : 0) | (shift ? dnnl_use_shift : 0);
    }

    // ------------------------------------------------------------------ building blocks over [n, c, s]
    //
    // Coefficients are one per channel ({@code perRow} false: {@code [c]}, as batch norm's) or one per
    // (sample, channel) row ({@code perRow} true: {@code [n * c]}, as group and instance norm's).

    /** {@code y = x * scale + shift} over {@code [n, c, s]} with per-channel or per-row coefficients; y may be x. */
    static void affine(long n, long c, long s, boolean perRow, long x, long scale, long shift, long y) {
        PrimitiveKey key = PrimitiveKey.builder("norm_affine").add(n).add(c).add(s).add(perRow).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("affine", broadcastMds(n, c, s, perRow),
                (po, m) -> Dnnl.check(dnnl_post_ops_append_binary(po, dnnl_binary_add, m[1]), "append add"),
                (m, attr) -> binaryDesc(dnnl_binary_mul, m[0], m[1], attr)))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC_0, p.mds[0], x).arg(DNNL_ARG_SRC_1, p.mds[1], scale)
                    .arg(postOpSrc1(0), p.mds[1], shift).arg(DNNL_ARG_DST, p.mds[0], y).run();
        }
    }

    /** {@code y += g * k} over {@code [n, c, s]} with per-channel or per-row {@code k}. */
    static void accumulate(long n, long c, long s, boolean perRow, long g, long k, long y) {
        PrimitiveKey key = PrimitiveKey.builder("norm_accumulate").add(n).add(c).add(s).add(perRow).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("accumulate", broadcastMds(n, c, s, perRow),
                (po, m) -> Dnnl.check(dnnl_post_ops_append_sum(po, 1f, 0, dnnl_data_type_undef), "append sum"),
                (m, attr) -> binaryDesc(dnnl_binary_mul, m[0], m[1], attr)))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC_0, p.mds[0], g).arg(DNNL_ARG_SRC_1, p.mds[1], k).arg(DNNL_ARG_DST, p.mds[0], y)
                    .run();
        }
    }

    /**
     * {@code t = (x - shift) * g} over {@code [n, c, s]} with per-channel or per-row shifts: products
     * whose row sums are {@code sum(g * (x - mean))} without the cancellation of
     * {@code sum(g * x) - mean * sum(g)}.
     */
    static void shiftedProduct(long n, long c, long s, boolean perRow, long x, long shift, long g, long t) {
        PrimitiveKey key = PrimitiveKey.builder("norm_shifted_product").add(n).add(c).add(s).add(perRow).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("shifted product", broadcastMds(n, c, s, perRow),
                (po, m) -> Dnnl.check(dnnl_post_ops_append_binary(po, dnnl_binary_mul, m[0]), "append mul"),
                (m, attr) -> binaryDesc(dnnl_binary_sub, m[0], m[1], attr)))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC_0, p.mds[0], x).arg(DNNL_ARG_SRC_1, p.mds[1], shift)
                    .arg(postOpSrc1(0), p.mds[0], g).arg(DNNL_ARG_DST, p.mds[0], t).run();
        }
    }

    /** {@code out[r] = sum over j of a[r, j]} for {@code a [rows, k]}. */
    static void rowSums(long rows, long k, long a, long out) {
        PrimitiveKey key = PrimitiveKey.builder("norm_row_sums").add(rows).add(k).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("row sums",
                new dnnl_memory_desc[] {plain(rows, k), plain(rows, 1)}, null, (m, attr) -> {
                    dnnl_primitive_desc pd = new dnnl_primitive_desc();
                    Dnnl.check(dnnl_reduction_primitive_desc_create(pd, Dnnl.engine(), dnnl_reduction_sum, m[0], m[1],
                            0f, 0f, attr), "reduction");
                    return pd;
                }))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC, p.mds[0], a).arg(DNNL_ARG_DST, p.mds[1], out).run();
        }
    }

    /**
     * {@code out[r] = sum over j of a[r, j] * b[r, j]} for {@code a, b [rows, k]}: a batched matrix
     * product of {@code [1, k]} by {@code [k, 1]} per row, which reads both operands once.
     */
    static void rowDots(long rows, long k, long a, long b, long out) {
        PrimitiveKey key = PrimitiveKey.builder("norm_row_dots").add(rows).add(k).build();
        try (PrimitiveCache.Lease<Prim> l = lease(key, () -> prim("row dot products",
                new dnnl_memory_desc[] {plain(rows, 1, k), plain(rows, k, 1), plain(rows, 1, 1)}, null,
                (m, attr) -> {
                    dnnl_primitive_desc pd = new dnnl_primitive_desc();
                    Dnnl.check(dnnl_matmul_primitive_desc_create(pd, Dnnl.engine(), m[0], m[1], null, m[2], attr),
                            "matmul");
                    return pd;
                }))) {
            Prim p = l.get();
            p.run().arg(DNNL_ARG_SRC, p.mds[0], a).arg(DNNL_ARG_WEIGHTS, p.mds[1], b).arg(DNNL_ARG_DST, p.mds[2], out)
                    .run();
        }
    }

    /**
     * The data and the coefficients. Per channel: {@code [n, c, s]} and {@code [1, c, 1]}. Per row: the
     * same memory as {@code [1, n * c, s]} and {@code [1, n * c, 1]}, so that either way the broadcast
     * runs along dim 1 only, which oneDNN's JIT binary kernel handles; a coefficient varying along
     * dims 0 and 1 ({@code [n, c, 1]}) sends it to its reference kernel, 300x slower.
     */
    private static dnnl_memory_desc[] broadcastMds(long n, long c, long s, boolean perRow) {
        return perRow ? new dnnl_memory_desc[] {plain(1, n * c, s), plain(1, n * c, 1)}
                : new dnnl_memory_desc[] {plain(n, c, s), plain(1, c, 1)};
    }

    private static dnnl_primitive_desc binaryDesc(int alg, dnnl_memory_desc src0, dnnl_memory_desc src1,
                                                  dnnl_primitive_attr attr) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(dnnl_binary_primitive_desc_create(pd, Dnnl.engine(), alg, src0, src1, src0, attr), "binary");
        return pd;
    }
}
