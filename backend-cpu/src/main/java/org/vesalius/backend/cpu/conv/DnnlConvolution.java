package org.vesalius.backend.cpu.conv;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;

import java.util.function.Function;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlException;
import org.vesalius.backend.cpu.dnnl.DnnlPrimitive;
import org.vesalius.backend.cpu.dnnl.MemoryDescs;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;
import org.vesalius.backend.cpu.dnnl.PrimitiveKey;
import org.vesalius.backend.cpu.dnnl.ReorderedPrimitive;
import org.vesalius.backend.cpu.dnnl.StridedView;

/**
 * float32 convolution on oneDNN: forward, backward-data and backward-weights (with bias gradient),
 * over 1 to 3 spatial dims, with stride, asymmetric padding, dilation and groups.
 *
 * <p>Tensors arrive as {@link StridedView}s in PyTorch's layout ({@code [N, C, *spatial]}, weight
 * {@code [O, C/groups, *k]}), with any strides. Each call looks its primitive up in the shared
 * {@link PrimitiveCache} under a key made of the op, the layout mode, every dim and stride and the
 * params; the first call for a key builds the primitive and the reorders around it.
 *
 * <p>Layout: oneDNN's fast kernels do not run on PyTorch's NCHW. In {@link Layout#ANY} mode oneDNN
 * picks its preferred layouts (blocked, e.g. {@code nChw16c} on AVX-512), in
 * {@link Layout#CHANNELS_LAST} the activations are NHWC; either way tensors are reordered in and out
 * around the primitive. {@link Layout#BY_SHAPE}, the default, picks one of the two per call by a fixed
 * rule on the channel counts ({@link #byShape}); {@link Layout#AUTO} times both once per
 * configuration and keeps the faster (opt-in, like PyTorch's {@code cudnn.benchmark}: the two layouts
 * sum in different orders, and a choice made by timing can differ from run to run, so results would
 * not repeat bit for bit); {@link Layout#PLAIN} runs on NCHW directly, which oneDNN 3.11 serves with a reference
 * kernel 30-400x slower (measurements in backend-cpu/README.md). Override with
 * {@code -Dvesalius.dnnl.convLayout=ANY|AUTO|CHANNELS_LAST|PLAIN}.
 *
 * <p>Requirement beyond {@link ConvGeometry}: {@code padEnd > -stride} in every dim (oneDNN's own
 * rule); the backend trims the input first when a transposed convolution's output padding would
 * break it.
 */
public final class DnnlConvolution {
    private static final Logger LOG = LoggerFactory.getLogger(DnnlConvolution.class);

    /** Which layouts the primitives compute in. */
    public enum Layout {
        /**
         * Times {@link #ANY} and {@link #CHANNELS_LAST} on the first call for each configuration and
         * keeps the faster: sometimes 2-3x faster, but the choice follows the machine's load, so a run's
         * numbers are not repeatable.
         */
        AUTO,
        /** Row-major NCHW as stored: no reorders for contiguous tensors (slow in oneDNN 3.11: a reference kernel). */
        PLAIN,
        /** oneDNN's choice (blocked on AVX-512), with reorders to and from the stored layout. */
        ANY,
        /** Activations channels-last (NHWC), weights in oneDNN's choice. */
        CHANNELS_LAST,
        /**
         * {@link #CHANNELS_LAST} or {@link #ANY} chosen by a fixed rule on the channel counts and the
         * direction ({@link #byShape}), so the choice never depends on timing: the default (ADR 0008).
         */
        BY_SHAPE
    }

    /** oneDNN's channel block on AVX-512 ({@code nChw16c}); counts that are not multiples of it are padded. */
    private static final int BLOCK = 16;

    private static volatile Layout layout = Layout.valueOf(System.getProperty("vesalius.dnnl.convLayout", "BY_SHAPE"));

    private DnnlConvolution() {
    }

    /** The layout mode for primitives built from now on (cached ones keep theirs: the mode is in the key). */
    public static void setLayout(Layout l) {
        layout = l;
    }

    /** The layout mode new primitives are built in. */
    public static Layout layout() {
        return layout;
    }

    /**
     * The layout {@link Layout#BY_SHAPE} picks for a convolution with these channel counts, from the
     * per-direction survey in ADR 0008 ({@code bench ... ConvLayoutSurvey}): blocked layouts pad channel
     * counts up to a multiple of 16, which channels-last does not, so channels-last wins (1.3-2.3x on
     * LeNet's 20/50 and a U-Net head's 16 -> 1) once a count is not a multiple of 16; with fewer than 4
     * input channels the blocked forward and weight-gradient kernels stay 1.2-1.3x faster, while the data
     * gradient still prefers channels-last. Counts that are multiples of 16 stay blocked (within 10%).
     * Grouped convolutions (not in the survey; oneDNN blocks depthwise ones across groups) stay blocked.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param dataGradient true for the gradient of the input (also a transposed convolution's forward)
     */
    public static Layout byShape(int inChannels, int outChannels, boolean dataGradient) {
        boolean padded = inChannels % BLOCK != 0 || outChannels % BLOCK != 0;
        if (!padded || inChannels < 4 && !dataGradient) {
            return Layout.ANY;
        }
        return Layout.CHANNELS_LAST;
    }

    private static Layout resolve(Layout mode, ConvGeometry g, boolean dataGradient) {
        if (mode != Layout.BY_SHAPE) {
            return mode;
        }
        return g.groups == 1 ? byShape(g.c, g.o, dataGradient) : Layout.ANY;
    }

    /**
     * {@code y = conv(x, w) + b}.
     *
     * @param x input {@code [N, C, *in]}
     * @param w weight {@code [O, C/groups, *k]}
     * @param b bias {@code [O]}, or null
     * @param y output {@code [N, O, *out]}, written completely
     */
    public static void forward(ConvGeometry g, StridedView x, StridedView w, StridedView b, StridedView y) {
        checkViews(g, x, w, y);
        Layout mode = resolve(layout, g, false);
        StridedView wg = grouped(g, w);
        PrimitiveKey key = key("conv_fwd", mode, g, x, wg, b, y);
        long[] args = b != null ? new long[] {x.address(), wg.address(), b.address(), y.address()}
                : new long[] {x.address(), wg.address(), y.address()};
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> build(mode, m -> buildForward(m, g, x, wg, b, y), args, g, "forward"))) {
            lease.get().execute(args);
        }
    }

    /**
     * {@code gx = d(sum(conv(x, w) * gy)) / dx}: the transposed convolution of {@code gy} with w.
     *
     * @param gy gradient of the output {@code [N, O, *out]}
     * @param w  weight {@code [O, C/groups, *k]}
     * @param gx gradient of the input {@code [N, C, *in]}, written completely
     */
    public static void backwardData(ConvGeometry g, StridedView gy, StridedView w, StridedView gx) {
        checkViews(g, gx, w, gy);
        Layout mode = resolve(layout, g, true);
        StridedView wg = grouped(g, w);
        PrimitiveKey key = key("conv_bwd_data", mode, g, gx, wg, null, gy);
        long[] args = {gy.address(), wg.address(), gx.address()};
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> build(mode, m -> buildBackwardData(m, g, gy, wg, gx), args, g, "backward data"))) {
            lease.get().execute(args);
        }
    }

    /**
     * {@code gw = d(sum(conv(x, w) * gy)) / dw}, and {@code gb = sum of gy over batch and space}.
     *
     * @param x  input {@code [N, C, *in]}
     * @param gy gradient of the output {@code [N, O, *out]}
     * @param gw weight gradient {@code [O, C/groups, *k]}, written completely
     * @param gb bias gradient {@code [O]}, or null when there is no bias
     */
    public static void backwardWeights(ConvGeometry g, StridedView x, StridedView gy, StridedView gw, StridedView gb) {
        checkViews(g, x, gw, gy);
        Layout mode = resolve(layout, g, false);
        StridedView wg = grouped(g, gw);
        PrimitiveKey key = key("conv_bwd_weights", mode, g, x, wg, gb, gy);
        long[] args = gb != null ? new long[] {x.address(), gy.address(), wg.address(), gb.address()}
                : new long[] {x.address(), gy.address(), wg.address()};
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> build(mode, m -> buildBackwardWeights(m, g, x, gy, wg, gb), args, g, "backward weights"))) {
            lease.get().execute(args);
        }
    }

    // ------------------------------------------------------------------ building primitives

    /**
     * The primitive for {@code mode}; for {@link Layout#AUTO} both candidates are built and run on the
     * caller's tensors (outputs are overwritten anyway), once to warm up and once timed, and the faster
     * is kept. Which layout wins depends on the shape and the CPU: channels-last (brgemm kernels) is
     * faster for channel counts that are not multiples of the 16-channel blocks, blocked layouts for
     * few input channels. The cost is paid once per configuration, on the cache miss.
     */
    private static ReorderedPrimitive build(Layout mode, Function<Layout, ReorderedPrimitive> builder, long[] args,
                                            ConvGeometry g, String what) {
        if (mode != Layout.AUTO) {
            return builder.apply(mode);
        }
        ReorderedPrimitive best = builder.apply(Layout.ANY);
        ReorderedPrimitive other;
        try {
            other = builder.apply(Layout.CHANNELS_LAST);
        } catch (DnnlException e) {
            if (!e.isUnimplemented()) {
                best.close();
                throw e;
            }
            return best;
        }
        try {
            long tBlocked = timeOf(best, args);
            long tChannelsLast = timeOf(other, args);
            LOG.debug("conv {} {}: blocked {} us ({}), channels-last {} us ({})", what, g, tBlocked / 1000,
                    best.primitive().implementation(), tChannelsLast / 1000, other.primitive().implementation());
            if (tChannelsLast < tBlocked) {
                ReorderedPrimitive t = best;
                best = other;
                other = t;
            }
        } catch (RuntimeException e) {
            best.close();
            other.close();
            throw e;
        }
        other.close();
        return best;
    }

    private static long timeOf(ReorderedPrimitive p, long[] args) {
        p.execute(args);
        long t0 = System.nanoTime();
        p.execute(args);
        return System.nanoTime() - t0;
    }

    private static ReorderedPrimitive buildForward(Layout mode, ConvGeometry g, StridedView x, StridedView w,
                                                   StridedView b, StridedView y) {
        dnnl_memory_desc src = activationDesc(mode, x);
        dnnl_memory_desc wei = weightDesc(mode, w);
        dnnl_memory_desc bias = b == null ? null : MemoryDescs.contiguous(dnnl_f32, g.o);
        dnnl_memory_desc dst = activationDesc(mode, y);
        dnnl_primitive_desc pd;
        try {
            pd = forwardDesc(g, src, wei, bias, dst);
        } finally {
            MemoryDescs.destroy(src, wei, bias, dst);
        }
        DnnlPrimitive p = DnnlPrimitive.create(pd, "convolution forward");
        LOG.debug("conv forward {}: {}", g, p.implementation());
        ReorderedPrimitive.Builder rb = ReorderedPrimitive.builder(p)
                .input(DNNL_ARG_SRC, dnnl_query_src_md, x.desc(dnnl_f32))
                .input(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, w.desc(dnnl_f32));
        if (b != null) {
            rb.inputAt(DNNL_ARG_BIAS, dnnl_query_weights_md, 1, b.desc(dnnl_f32));
        }
        return rb.output(DNNL_ARG_DST, dnnl_query_dst_md, y.desc(dnnl_f32)).build();
    }

    private static ReorderedPrimitive buildBackwardData(Layout mode, ConvGeometry g, StridedView gy, StridedView w,
                                                        StridedView gx) {
        dnnl_memory_desc diffSrc = activationDesc(mode, gx);
        dnnl_memory_desc wei = weightDesc(mode, w);
        dnnl_memory_desc diffDst = activationDesc(mode, gy);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        dnnl_primitive_desc hint = null;
        try {
            hint = forwardDesc(g, diffSrc, wei, null, diffDst);
            check(dnnl_convolution_backward_data_primitive_desc_create(pd, Dnnl.engine(),
                    dnnl_convolution_direct, diffSrc, wei, diffDst, strides(g), dilates(g), padL(g), padR(g), hint, attr),
                    "convolution backward data", g);
        } finally {
            if (hint != null) {
                dnnl_primitive_desc_destroy(hint);
            }
            DnnlPrimitive.destroyAttr(attr);
            MemoryDescs.destroy(diffSrc, wei, diffDst);
        }
        DnnlPrimitive p = DnnlPrimitive.create(pd, "convolution backward data");
        LOG.debug("conv backward data {}: {}", g, p.implementation());
        return ReorderedPrimitive.builder(p)
                .input(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, gy.desc(dnnl_f32))
                .input(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, w.desc(dnnl_f32))
                .output(DNNL_ARG_DIFF_SRC, dnnl_query_diff_src_md, gx.desc(dnnl_f32))
                .build();
    }

    private static ReorderedPrimitive buildBackwardWeights(Layout mode, ConvGeometry g, StridedView x, StridedView gy,
                                                           StridedView gw, StridedView gb) {
        dnnl_memory_desc src = activationDesc(mode, x);
        dnnl_memory_desc diffWei = weightDesc(mode, gw);
        dnnl_memory_desc diffBias = gb == null ? null : MemoryDescs.contiguous(dnnl_f32, g.o);
        dnnl_memory_desc diffDst = activationDesc(mode, gy);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        dnnl_primitive_desc hint = null;
        try {
            hint = forwardDesc(g, src, diffWei, diffBias, diffDst);
            check(dnnl_convolution_backward_weights_primitive_desc_create(pd, Dnnl.engine(),
                    dnnl_convolution_direct, src, diffWei, diffBias, diffDst, strides(g), dilates(g), padL(g), padR(g),
                    hint, attr), "convolution backward weights", g);
        } finally {
            if (hint != null) {
                dnnl_primitive_desc_destroy(hint);
            }
            DnnlPrimitive.destroyAttr(attr);
            MemoryDescs.destroy(src, diffWei, diffBias, diffDst);
        }
        DnnlPrimitive p = DnnlPrimitive.create(pd, "convolution backward weights");
        LOG.debug("conv backward weights {}: {}", g, p.implementation());
        ReorderedPrimitive.Builder rb = ReorderedPrimitive.builder(p)
                .input(DNNL_ARG_SRC, dnnl_query_src_md, x.desc(dnnl_f32))
                .input(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, gy.desc(dnnl_f32))
                .output(DNNL_ARG_DIFF_WEIGHTS, dnnl_query_diff_weights_md, gw.desc(dnnl_f32));
        if (gb != null) {
            rb.outputAt(DNNL_ARG_DIFF_BIAS, dnnl_query_diff_weights_md, 1, gb.desc(dnnl_f32));
        }
        return rb.build();
    }

    private static dnnl_primitive_desc forwardDesc(ConvGeometry g, dnnl_memory_desc src, dnnl_memory_desc wei,
                                                   dnnl_memory_desc bias, dnnl_memory_desc dst) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            check(dnnl_convolution_forward_primitive_desc_create(pd, Dnnl.engine(),
                    dnnl_forward_training, dnnl_convolution_direct, src, wei, bias, dst, strides(g), dilates(g), padL(g),
                    padR(g), attr), "convolution forward", g);
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
        return pd;
    }

    // ------------------------------------------------------------------ helpers

    /** The layout the primitive is asked to use for a tensor with the view's dims. */
    private static dnnl_memory_desc activationDesc(Layout mode, StridedView v) {
        if (mode == Layout.CHANNELS_LAST) {
            return MemoryDescs.strided(dnnl_f32, v.dims(), channelsLastStrides(v.dims()));
        }
        return weightDesc(mode, v);
    }

    private static dnnl_memory_desc weightDesc(Layout mode, StridedView v) {
        return mode == Layout.PLAIN ? MemoryDescs.contiguous(dnnl_f32, v.dims()) : MemoryDescs.any(dnnl_f32, v.dims());
    }

    private static long[] channelsLastStrides(long[] dims) {
        long[] s = new long[dims.length];
        s[1] = 1;
        long acc = dims[1];
        for (int i = dims.length - 1; i >= 2; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        s[0] = acc;
        return s;
    }

    /** oneDNN's grouped weights {@code [g, O/g, C/g, k...]}; the same memory as PyTorch's {@code [O, C/g, k...]}. */
    private static StridedView grouped(ConvGeometry g, StridedView w) {
        return g.groups == 1 ? w : w.splitDim(0, g.groups);
    }

    private static long[] strides(ConvGeometry g) {
        long[] s = new long[g.spatialDims()];
        for (int d = 0; d < s.length; d++) {
            s[d] = g.params.stride(d);
        }
        return s;
    }

    /** oneDNN counts dilation from 0 (0 = dense), PyTorch from 1. */
    private static long[] dilates(ConvGeometry g) {
        long[] s = new long[g.spatialDims()];
        for (int d = 0; d < s.length; d++) {
            s[d] = g.params.dilation(d) - 1L;
        }
        return s;
    }

    private static long[] padL(ConvGeometry g) {
        long[] s = new long[g.spatialDims()];
        for (int d = 0; d < s.length; d++) {
            s[d] = g.params.padBegin(d);
        }
        return s;
    }

    private static long[] padR(ConvGeometry g) {
        long[] s = new long[g.spatialDims()];
        for (int d = 0; d < s.length; d++) {
            s[d] = g.params.padEnd(d);
        }
        return s;
    }

    private static void check(int status, String what, ConvGeometry g) {
        Dnnl.check(status, what + " for " + g);
    }

    private static void checkViews(ConvGeometry g, StridedView x, StridedView w, StridedView y) {
        for (int d = 0; d < g.spatialDims(); d++) {
            if (g.params.padEnd(d) <= -g.params.stride(d)) {
                throw new IllegalArgumentException("DnnlConvolution: padEnd " + g.params.padEnd(d) + " <= -stride in dim "
                        + d + " (" + g + "); trim the input first");
            }
        }
        if (!matches(x, g.inputShape()) || !matches(w, g.weightShape()) || !matches(y, g.outputShape())) {
            throw new IllegalArgumentException("DnnlConvolution: views " + x + ", " + w + ", " + y + " do not match " + g);
        }
    }

    private static boolean matches(StridedView v, int[] shape) {
        if (v.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (v.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }

    private static PrimitiveKey key(String op, Layout mode, ConvGeometry g, StridedView x, StridedView w,
                                    StridedView b, StridedView y) {
        PrimitiveKey.Builder k = PrimitiveKey.builder(op).add(mode.ordinal()).add(dnnl_f32)
                .add(x.dims()).add(x.strides()).add(w.dims()).add(w.strides()).add(y.dims()).add(y.strides())
                .add(g.params.stride()).add(g.params.padBegin()).add(g.params.padEnd()).add(g.params.dilation())
                .add(g.groups).add(b != null);
        if (b != null) {
            k.add(b.strides());
        }
        return k.build();
    }
}
