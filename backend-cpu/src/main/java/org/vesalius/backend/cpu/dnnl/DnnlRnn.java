package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bidirectional_concat;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_lbr_gru_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_lbr_gru_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_lstm_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_lstm_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_clone;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_rnn_flags_diff_weights_overwrite;
import static org.bytedeco.dnnl.global.dnnl.dnnl_unidirectional_left2right;
import static org.bytedeco.dnnl.global.dnnl.dnnl_vanilla_rnn_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_vanilla_rnn_forward_primitive_desc_create;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * oneDNN's RNN primitives for one float32 layer (both directions concatenated when bidirectional):
 * vanilla RNN (tanh, relu), LSTM, and LBR-GRU (PyTorch's GRU). Weights come in oneDNN's gate order;
 * the primitives choose their own layouts and {@link ReorderedPrimitive} reorders to them per call.
 *
 * <p>Two pitfalls are avoided by construction: initial states are always passed explicitly (LSTM
 * backward without them gives a wrong recurrent weight gradient), and backward overwrites the weight
 * gradients ({@code diff_weights_overwrite}) instead of adding to whatever the buffers held.
 */
public final class DnnlRnn {
    /** The cell. */
    public enum Cell { RNN_TANH, RNN_RELU, LSTM, LBR_GRU }

    /**
     * One layer's configuration. Views: x {@code [T, N, I]}, states {@code [1, D, N, H]}, weights
     * {@code [1, D, I|H, G, H]} (ldigo dims, any strides), bias {@code [1, D, Gb, H]}, y {@code [T, N, D*H]}.
     */
    public static final class Layer {
        final Cell cell;
        final boolean bidirectional;
        final StridedView x;
        final StridedView hx;
        final StridedView cx;
        final StridedView wLayer;
        final StridedView wIter;
        final StridedView bias;
        final StridedView y;
        final StridedView hy;
        final StridedView cy;

        public Layer(Cell cell, boolean bidirectional, StridedView x, StridedView hx, StridedView cx, StridedView wLayer,
                     StridedView wIter, StridedView bias, StridedView y, StridedView hy, StridedView cy) {
            this.cell = cell;
            this.bidirectional = bidirectional;
            this.x = x;
            this.hx = hx;
            this.cx = cx;
            this.wLayer = wLayer;
            this.wIter = wIter;
            this.bias = bias;
            this.y = y;
            this.hy = hy;
            this.cy = cy;
        }

        boolean lstm() {
            return cell == Cell.LSTM;
        }

        PrimitiveKey.Builder key(String op) {
            PrimitiveKey.Builder k = PrimitiveKey.builder(op).add(cell.ordinal()).add(bidirectional).add(x).add(hx)
                    .add(wLayer).add(wIter).add(bias).add(y).add(hy);
            if (lstm()) {
                k.add(cx).add(cy);
            }
            return k;
        }
    }

    private DnnlRnn() {
    }

    /** Bytes of the workspace a training forward of this layer writes for its backward (builds and caches it). */
    public static long workspaceBytes(Layer l) {
        PrimitiveKey key = l.key("rnn_fwd_train").build();
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> buildForward(l, true))) {
            return MemoryDescs.bytes(lease.get().primitive().md(dnnl_query_workspace_md, 0));
        }
    }

    /** Runs the layer forward; {@code workspace} (training only, else 0) receives what backward needs. */
    public static void forward(Layer l, long workspace) {
        boolean training = workspace != 0;
        PrimitiveKey key = l.key(training ? "rnn_fwd_train" : "rnn_fwd_infer").build();
        long[] args = forwardArgs(l, workspace);
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> buildForward(l, training))) {
            lease.get().execute(args);
        }
    }

    private static long[] forwardArgs(Layer l, long workspace) {
        LongList a = new LongList();
        a.add(l.x.address()).add(l.hx.address());
        if (l.lstm()) {
            a.add(l.cx.address());
        }
        a.add(l.wLayer.address()).add(l.wIter.address()).add(l.bias.address()).add(l.y.address()).add(l.hy.address());
        if (l.lstm()) {
            a.add(l.cy.address());
        }
        if (workspace != 0) {
            a.add(workspace);
        }
        return a.toArray();
    }

    private static ReorderedPrimitive buildForward(Layer l, boolean training) {
        dnnl_primitive_desc pd = forwardDesc(l, training ? dnnl_forward_training : dnnl_forward_inference);
        DnnlPrimitive p = DnnlPrimitive.create(pd, "rnn forward");
        ReorderedPrimitive.Builder b = ReorderedPrimitive.builder(p)
                .input(DNNL_ARG_SRC_LAYER, l.x.desc(dnnl_f32))
                .input(DNNL_ARG_SRC_ITER, l.hx.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_SRC_ITER_C, l.cx.desc(dnnl_f32));
        }
        b.input(DNNL_ARG_WEIGHTS_LAYER, l.wLayer.desc(dnnl_f32))
                .input(DNNL_ARG_WEIGHTS_ITER, l.wIter.desc(dnnl_f32))
                .input(DNNL_ARG_BIAS, l.bias.desc(dnnl_f32))
                .output(DNNL_ARG_DST_LAYER, l.y.desc(dnnl_f32))
                .output(DNNL_ARG_DST_ITER, l.hy.desc(dnnl_f32));
        if (l.lstm()) {
            b.output(DNNL_ARG_DST_ITER_C, l.cy.desc(dnnl_f32));
        }
        if (training) {
            b.output(DNNL_ARG_WORKSPACE, clone(p.md(dnnl_query_workspace_md, 0)));
        }
        return b.build();
    }

    /** The gradients of one layer; the views in {@code grads} have the shapes of the forward's. */
    public static void backward(Layer l, long workspace, Layer grads) {
        PrimitiveKey key = l.key("rnn_bwd").add(grads.x).add(grads.hx).add(grads.wLayer).add(grads.wIter)
                .add(grads.bias).add(grads.y).add(grads.hy).add(l.lstm() ? grads.cy : grads.hy).build();
        LongList a = new LongList();
        for (long v : forwardArgs(l, workspace)) {
            a.add(v);
        }
        a.add(grads.y.address()).add(grads.hy.address());
        if (l.lstm()) {
            a.add(grads.cy.address());
        }
        a.add(grads.x.address()).add(grads.hx.address());
        if (l.lstm()) {
            a.add(grads.cx.address());
        }
        a.add(grads.wLayer.address()).add(grads.wIter.address()).add(grads.bias.address());
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> buildBackward(l, grads))) {
            lease.get().execute(a.toArray());
        }
    }

    private static ReorderedPrimitive buildBackward(Layer l, Layer g) {
        dnnl_primitive_desc hint = forwardDesc(l, dnnl_forward_training);
        dnnl_primitive_desc pd;
        try {
            pd = backwardDesc(l, hint);
        } finally {
            dnnl_primitive_desc_destroy(hint);
        }
        DnnlPrimitive p = DnnlPrimitive.create(pd, "rnn backward");
        ReorderedPrimitive.Builder b = ReorderedPrimitive.builder(p)
                .input(DNNL_ARG_SRC_LAYER, l.x.desc(dnnl_f32))
                .input(DNNL_ARG_SRC_ITER, l.hx.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_SRC_ITER_C, l.cx.desc(dnnl_f32));
        }
        b.input(DNNL_ARG_WEIGHTS_LAYER, l.wLayer.desc(dnnl_f32))
                .input(DNNL_ARG_WEIGHTS_ITER, l.wIter.desc(dnnl_f32))
                .input(DNNL_ARG_BIAS, l.bias.desc(dnnl_f32))
                .input(DNNL_ARG_DST_LAYER, l.y.desc(dnnl_f32))
                .input(DNNL_ARG_DST_ITER, l.hy.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_DST_ITER_C, l.cy.desc(dnnl_f32));
        }
        b.input(DNNL_ARG_WORKSPACE, clone(p.md(dnnl_query_workspace_md, 0)))
                .input(DNNL_ARG_DIFF_DST_LAYER, g.y.desc(dnnl_f32))
                .input(DNNL_ARG_DIFF_DST_ITER, g.hy.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_DIFF_DST_ITER_C, g.cy.desc(dnnl_f32));
        }
        b.output(DNNL_ARG_DIFF_SRC_LAYER, g.x.desc(dnnl_f32))
                .output(DNNL_ARG_DIFF_SRC_ITER, g.hx.desc(dnnl_f32));
        if (l.lstm()) {
            b.output(DNNL_ARG_DIFF_SRC_ITER_C, g.cx.desc(dnnl_f32));
        }
        return b.output(DNNL_ARG_DIFF_WEIGHTS_LAYER, g.wLayer.desc(dnnl_f32))
                .output(DNNL_ARG_DIFF_WEIGHTS_ITER, g.wIter.desc(dnnl_f32))
                .output(DNNL_ARG_DIFF_BIAS, g.bias.desc(dnnl_f32))
                .build();
    }

    private static dnnl_memory_desc clone(dnnl_memory_desc md) {
        dnnl_memory_desc c = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_clone(c, md), "dnnl_memory_desc_clone");
        return c;
    }

    /** Descriptors with every layout left to the primitive, in the order the create functions take them. */
    private static final class Descs implements AutoCloseable {
        final dnnl_memory_desc x;
        final dnnl_memory_desc hx;
        final dnnl_memory_desc cx;
        final dnnl_memory_desc wl;
        final dnnl_memory_desc wi;
        final dnnl_memory_desc b;
        final dnnl_memory_desc y;
        final dnnl_memory_desc hy;
        final dnnl_memory_desc cy;

        Descs(Layer l) {
            x = any(l.x);
            hx = any(l.hx);
            cx = l.lstm() ? any(l.cx) : null;
            wl = any(l.wLayer);
            wi = any(l.wIter);
            b = any(l.bias);
            y = any(l.y);
            hy = any(l.hy);
            cy = l.lstm() ? any(l.cy) : null;
        }

        private static dnnl_memory_desc any(StridedView v) {
            return MemoryDescs.any(dnnl_f32, v.dims());
        }

        @Override
        public void close() {
            MemoryDescs.destroy(x, hx, cx, wl, wi, b, y, hy, cy);
        }
    }

    private static int direction(Layer l) {
        return l.bidirectional ? dnnl_bidirectional_concat : dnnl_unidirectional_left2right;
    }

    private static dnnl_primitive_desc forwardDesc(Layer l, int prop) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try (Descs d = new Descs(l)) {
            int status;
            switch (l.cell) {
                case LSTM:
                    status = dnnl_lstm_forward_primitive_desc_create(pd, Dnnl.engine(), prop, direction(l), d.x, d.hx, d.cx,
                            d.wl, d.wi, null, null, d.b, d.y, d.hy, d.cy, 0, attr);
                    break;
                case LBR_GRU:
                    status = dnnl_lbr_gru_forward_primitive_desc_create(pd, Dnnl.engine(), prop, direction(l), d.x, d.hx,
                            d.wl, d.wi, d.b, d.y, d.hy, 0, attr);
                    break;
                default:
                    status = dnnl_vanilla_rnn_forward_primitive_desc_create(pd, Dnnl.engine(), prop, activation(l),
                            direction(l), d.x, d.hx, d.wl, d.wi, d.b, d.y, d.hy, 0, 0f, 0f, attr);
            }
            Dnnl.check(status, "rnn forward primitive (" + l.cell + ")");
            return pd;
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    private static dnnl_primitive_desc backwardDesc(Layer l, dnnl_primitive_desc hint) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        int flags = dnnl_rnn_flags_diff_weights_overwrite;
        try (Descs d = new Descs(l); Descs g = new Descs(l)) {
            int status;
            switch (l.cell) {
                case LSTM:
                    status = dnnl_lstm_backward_primitive_desc_create(pd, Dnnl.engine(), dnnl_backward, direction(l),
                            d.x, d.hx, d.cx, d.wl, d.wi, null, null, d.b, d.y, d.hy, d.cy,
                            g.x, g.hx, g.cx, g.wl, g.wi, null, null, g.b, g.y, g.hy, g.cy, flags, hint, attr);
                    break;
                case LBR_GRU:
                    status = dnnl_lbr_gru_backward_primitive_desc_create(pd, Dnnl.engine(), dnnl_backward, direction(l),
                            d.x, d.hx, d.wl, d.wi, d.b, d.y, d.hy, g.x, g.hx, g.wl, g.wi, g.b, g.y, g.hy, flags, hint, attr);
                    break;
                default:
                    status = dnnl_vanilla_rnn_backward_primitive_desc_create(pd, Dnnl.engine(), dnnl_backward,
                            activation(l), direction(l), d.x, d.hx, d.wl, d.wi, d.b, d.y, d.hy, g.x, g.hx, g.wl, g.wi,
                            g.b, g.y, g.hy, flags, 0f, 0f, hint, attr);
            }
            Dnnl.check(status, "rnn backward primitive (" + l.cell + ")");
            return pd;
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    private static int activation(Layer l) {
        return l.cell == Cell.RNN_RELU ? dnnl_eltwise_relu : dnnl_eltwise_tanh;
    }

    /** A growable long array for argument addresses. */
    private static final class LongList {
        private long[] a = new long[24];
        private int n;

        LongList add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
            return this;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
