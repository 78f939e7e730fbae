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
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_exec_arg_md;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_rnn_flags_diff_weights_overwrite;
import static org.bytedeco.dnnl.global.dnnl.dnnl_unidirectional_left2right;
import static org.bytedeco.dnnl.global.dnnl.dnnl_vanilla_rnn_backward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_vanilla_rnn_forward_primitive_desc_create;

import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * oneDNN's RNN primitives for one float32 layer (both directions concatenated when bidirectional):
 * vanilla RNN (tanh, relu), LSTM, and LBR-GRU (PyTorch's GRU).
 *
 * <p>Layouts: the sequences in oneDNN's time-major {@code tnc} and the states in its {@code ldnc} (the
 * caller's strided views are reordered where they differ: oneDNN reads batch-major sequences too, but
 * its training kernels ran about 25% slower on them than on {@code tnc} plus the reorders); the
 * weights and biases in whatever layout the primitive picks
 * ({@code format_tag::any}: ldigo with padded rows forward, ldgoi backward, packed for inference).
 * The caller keeps the weights in those layouts between calls ({@link Weights}), made from
 * PyTorch's matrices by {@link #pack}; the weight gradients come back through {@link #unpack}.
 *
 * <p>Two pitfalls are avoided by construction: initial states are always passed explicitly (LSTM
 * backward without them gives a wrong recurrent weight gradient), and backward overwrites the weight
 * gradients ({@code diff_weights_overwrite}) instead of adding to whatever the buffers held.
 */
public final class DnnlRnn {
    /** The cell, with its gate count and its number of bias rows (LBR-GRU has a fourth). */
    public enum Cell {
        RNN_TANH(1, 1), RNN_RELU(1, 1), LSTM(4, 4), LBR_GRU(3, 4);

        final int gates;
        final int biasGates;

        Cell(int gates, int biasGates) {
            this.gates = gates;
            this.biasGates = biasGates;
        }

        /** Gate blocks per weight matrix. */
        public int gates() {
            return gates;
        }

        /** Bias rows per direction in oneDNN's layout. */
        public int biasGates() {
            return biasGates;
        }
    }

    /**
     * PyTorch's GRU gates are r, z, n; oneDNN's LBR-GRU gates u (PyTorch's z), r, o (n): oneDNN's gate
     * g is PyTorch's gate {@code GRU_ORDER[g]}. LSTM and vanilla RNN keep PyTorch's order.
     */
    private static final int[] GRU_ORDER = {1, 0, 2};

    /** The data of one call. Views (any strides): x {@code [T, N, I]}, y {@code [T, N, D*H]}, states {@code [1, D, N, H]}. */
    public static final class Layer {
        final Cell cell;
        final int directions;
        final long input;
        final long hidden;
        final StridedView x;
        final StridedView hx;
        final StridedView cx;
        final StridedView y;
        final StridedView hy;
        final StridedView cy;

        public Layer(Cell cell, int directions, long input, long hidden, StridedView x, StridedView hx, StridedView cx,
                     StridedView y, StridedView hy, StridedView cy) {
            this.cell = cell;
            this.directions = directions;
            this.input = input;
            this.hidden = hidden;
            this.x = x;
            this.hx = hx;
            this.cx = cx;
            this.y = y;
            this.hy = hy;
            this.cy = cy;
        }

        boolean lstm() {
            return cell == Cell.LSTM;
        }

        long[] weightsDims(boolean iter) {
            return new long[] {1, directions, iter ? hidden : input, cell.gates, hidden};
        }

        long[] biasDims() {
            return new long[] {1, directions, cell.biasGates, hidden};
        }

        PrimitiveKey.Builder key(String op) {
            PrimitiveKey.Builder k = PrimitiveKey.builder(op).add(cell.ordinal()).add(directions).add(input).add(hidden)
                    .add(x).add(hx).add(y).add(hy);
            if (lstm()) {
                k.add(cx).add(cy);
            }
            return k;
        }
    }

    /**
     * Where the gradients go: views as in {@link Layer} for the data and states, PyTorch's {@code [G*H, K]}
     * matrices (any strides) per direction for the weights, and the bias gradient in oneDNN's rows,
     * a contiguous {@code [1, D, Gb, H]} at {@code dBias}.
     */
    public static final class Grads {
        final StridedView dx;
        final StridedView dhx;
        final StridedView dcx;
        final StridedView dy;
        final StridedView dhy;
        final StridedView dcy;
        final StridedView[] dWLayer;
        final StridedView[] dWIter;
        final long dBias;

        public Grads(StridedView dx, StridedView dhx, StridedView dcx, StridedView dy, StridedView dhy, StridedView dcy,
                     StridedView[] dWLayer, StridedView[] dWIter, long dBias) {
            this.dx = dx;
            this.dhx = dhx;
            this.dcx = dcx;
            this.dy = dy;
            this.dhy = dhy;
            this.dcy = dcy;
            this.dWLayer = dWLayer.clone();
            this.dWIter = dWIter.clone();
            this.dBias = dBias;
        }
    }

    /**
     * The caller's weights in a primitive's layouts: each method returns the address of the weights
     * laid out as {@code md} (owned by the primitive; clone it to keep it), valid for the call.
     */
    public interface Weights {
        /** {@code weights_layer}, oneDNN dims {@code [1, D, I, G, H]}. */
        long layer(dnnl_memory_desc md);

        /** {@code weights_iter}, oneDNN dims {@code [1, D, H, G, H]}. */
        long iter(dnnl_memory_desc md);

        /** The bias, oneDNN dims {@code [1, D, Gb, H]} ({@code ldgo}). */
        long bias(dnnl_memory_desc md);
    }

    /** Temporary native memory, valid until the call that asked for it returns. */
    public interface Scratch {
        long allocate(long bytes);
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
    public static void forward(Layer l, Weights w, long workspace) {
        boolean training = workspace != 0;
        PrimitiveKey key = l.key(training ? "rnn_fwd_train" : "rnn_fwd_infer").build();
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key,
                k -> buildForward(l, training))) {
            ReorderedPrimitive rp = lease.get();
            rp.execute(forwardArgs(l, weightAddresses(rp.primitive(), w), workspace).toArray());
        }
    }

    private static long[] weightAddresses(DnnlPrimitive p, Weights w) {
        return new long[] {w.layer(p.md(dnnl_query_exec_arg_md, DNNL_ARG_WEIGHTS_LAYER)),
            w.iter(p.md(dnnl_query_exec_arg_md, DNNL_ARG_WEIGHTS_ITER)), w.bias(p.md(dnnl_query_exec_arg_md, DNNL_ARG_BIAS))};
    }

    private static LongList forwardArgs(Layer l, long[] weights, long workspace) {
        LongList a = new LongList();
        a.add(l.x.address()).add(l.hx.address());
        if (l.lstm()) {
            a.add(l.cx.address());
        }
        a.add(weights[0]).add(weights[1]).add(weights[2]).add(l.y.address()).add(l.hy.address());
        if (l.lstm()) {
            a.add(l.cy.address());
        }
        if (workspace != 0) {
            a.add(workspace);
        }
        return a;
    }

    /** The forward's arguments in {@link #forwardArgs}' order; weights and workspace in the primitive's layouts. */
    private static ReorderedPrimitive.Builder declareForward(ReorderedPrimitive.Builder b, DnnlPrimitive p, Layer l,
                                                            boolean dstIsInput) {
        b.input(DNNL_ARG_SRC_LAYER, l.x.desc(dnnl_f32)).input(DNNL_ARG_SRC_ITER, l.hx.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_SRC_ITER_C, l.cx.desc(dnnl_f32));
        }
        b.input(DNNL_ARG_WEIGHTS_LAYER, own(p, DNNL_ARG_WEIGHTS_LAYER))
                .input(DNNL_ARG_WEIGHTS_ITER, own(p, DNNL_ARG_WEIGHTS_ITER))
                .input(DNNL_ARG_BIAS, own(p, DNNL_ARG_BIAS));
        if (dstIsInput) {
            b.input(DNNL_ARG_DST_LAYER, l.y.desc(dnnl_f32)).input(DNNL_ARG_DST_ITER, l.hy.desc(dnnl_f32));
            if (l.lstm()) {
                b.input(DNNL_ARG_DST_ITER_C, l.cy.desc(dnnl_f32));
            }
            return b.input(DNNL_ARG_WORKSPACE, own(p, DNNL_ARG_WORKSPACE));
        }
        b.output(DNNL_ARG_DST_LAYER, l.y.desc(dnnl_f32)).output(DNNL_ARG_DST_ITER, l.hy.desc(dnnl_f32));
        if (l.lstm()) {
            b.output(DNNL_ARG_DST_ITER_C, l.cy.desc(dnnl_f32));
        }
        return b;
    }

    private static ReorderedPrimitive buildForward(Layer l, boolean training) {
        dnnl_primitive_desc pd = forwardDesc(l, training ? dnnl_forward_training : dnnl_forward_inference);
        DnnlPrimitive p = DnnlPrimitive.create(pd, "rnn forward");
        ReorderedPrimitive.Builder b = declareForward(ReorderedPrimitive.builder(p), p, l, false);
        if (training) {
            b.output(DNNL_ARG_WORKSPACE, own(p, DNNL_ARG_WORKSPACE));
        }
        return b.build();
    }

    /**
     * The gradients of one layer from the forward's data, weights and workspace; {@code scratch} holds
     * the weight gradients in oneDNN's layout until they are copied into {@code g}'s matrices.
     */
    public static void backward(Layer l, Weights w, long workspace, Grads g, Scratch scratch) {
        PrimitiveKey.Builder kb = l.key("rnn_bwd").add(g.dx).add(g.dhx).add(g.dy).add(g.dhy);
        if (l.lstm()) {
            kb.add(g.dcx).add(g.dcy);
        }
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(kb.build(),
                k -> buildBackward(l, g))) {
            ReorderedPrimitive rp = lease.get();
            DnnlPrimitive p = rp.primitive();
            dnnl_memory_desc dwlMd = p.md(dnnl_query_exec_arg_md, DNNL_ARG_DIFF_WEIGHTS_LAYER);
            dnnl_memory_desc dwiMd = p.md(dnnl_query_exec_arg_md, DNNL_ARG_DIFF_WEIGHTS_ITER);
            long dwl = scratch.allocate(MemoryDescs.bytes(dwlMd));
            long dwi = scratch.allocate(MemoryDescs.bytes(dwiMd));
            LongList a = forwardArgs(l, weightAddresses(p, w), workspace);
            a.add(g.dy.address()).add(g.dhy.address());
            if (l.lstm()) {
                a.add(g.dcy.address());
            }
            a.add(g.dx.address()).add(g.dhx.address());
            if (l.lstm()) {
                a.add(g.dcx.address());
            }
            a.add(dwl).add(dwi).add(g.dBias);
            rp.execute(a.toArray());
            unpack(l.cell, dwlMd, dwl, g.dWLayer);
            unpack(l.cell, dwiMd, dwi, g.dWIter);
        }
    }

    private static ReorderedPrimitive buildBackward(Layer l, Grads g) {
        dnnl_primitive_desc hint = forwardDesc(l, dnnl_forward_training);
        dnnl_primitive_desc pd;
        try {
            pd = backwardDesc(l, hint);
        } finally {
            dnnl_primitive_desc_destroy(hint);
        }
        DnnlPrimitive p = DnnlPrimitive.create(pd, "rnn backward");
        ReorderedPrimitive.Builder b = declareForward(ReorderedPrimitive.builder(p), p, l, true)
                .input(DNNL_ARG_DIFF_DST_LAYER, g.dy.desc(dnnl_f32))
                .input(DNNL_ARG_DIFF_DST_ITER, g.dhy.desc(dnnl_f32));
        if (l.lstm()) {
            b.input(DNNL_ARG_DIFF_DST_ITER_C, g.dcy.desc(dnnl_f32));
        }
        b.output(DNNL_ARG_DIFF_SRC_LAYER, g.dx.desc(dnnl_f32)).output(DNNL_ARG_DIFF_SRC_ITER, g.dhx.desc(dnnl_f32));
        if (l.lstm()) {
            b.output(DNNL_ARG_DIFF_SRC_ITER_C, g.dcx.desc(dnnl_f32));
        }
        return b.output(DNNL_ARG_DIFF_WEIGHTS_LAYER, own(p, DNNL_ARG_DIFF_WEIGHTS_LAYER))
                .output(DNNL_ARG_DIFF_WEIGHTS_ITER, own(p, DNNL_ARG_DIFF_WEIGHTS_ITER))
                .output(DNNL_ARG_DIFF_BIAS, MemoryDescs.contiguous(dnnl_f32, l.biasDims()))
                .build();
    }

    /** A copy of the primitive's own layout for {@code arg}, so the argument is passed without a reorder. */
    private static dnnl_memory_desc own(DnnlPrimitive p, int arg) {
        return MemoryDescs.copy(p.md(dnnl_query_exec_arg_md, arg));
    }

    // ------------------------------------------------------------------ weights between layouts

    /**
     * Writes one weight matrix per direction, PyTorch's {@code [G*H, K]} in PyTorch's gate order (any
     * strides), into the layout {@code md} (oneDNN dims {@code [1, D, K, G, H]}) at {@code address}.
     * Plain layouts are written gate block by gate block in place; a packed one through a plain
     * buffer from {@code scratch} and one more reorder.
     */
    public static void pack(Cell cell, dnnl_memory_desc md, long address, StridedView[] perDirection, Scratch scratch) {
        long[] strides = MemoryDescs.plainStrides(md);
        if (strides != null) {
            copyGates(cell, perDirection, address, strides, true);
            return;
        }
        long[] dims = MemoryDescs.dims(md);
        dnnl_memory_desc plain = MemoryDescs.contiguous(dnnl_f32, dims);
        try {
            long tmp = scratch.allocate(MemoryDescs.bytes(plain));
            copyGates(cell, perDirection, tmp, MemoryDescs.contiguousStrides(dims), true);
            reorderOnce(plain, tmp, md, address);
        } finally {
            MemoryDescs.destroy(plain);
        }
    }

    /** The reverse of {@link #pack} for a plain layout: weight gradients into PyTorch's matrices. */
    public static void unpack(Cell cell, dnnl_memory_desc md, long address, StridedView[] perDirection) {
        long[] strides = MemoryDescs.plainStrides(md);
        if (strides == null) {
            throw new IllegalStateException("oneDNN RNN: weight gradients in a non-plain layout");
        }
        copyGates(cell, perDirection, address, strides, false);
    }

    /**
     * Copies between PyTorch's per-direction {@code [G*H, K]} matrices and a plain oneDNN layout of dims
     * {@code [1, D, K, G, H]} with {@code strides} at {@code base}: one copy per direction, or per gate
     * where the gate orders differ.
     */
    private static void copyGates(Cell cell, StridedView[] perDirection, long base, long[] strides, boolean toOneDnn) {
        int gates = cell.gates;
        for (int d = 0; d < perDirection.length; d++) {
            StridedView w = perDirection[d];
            long h = w.dim(0) / gates;
            long k = w.dim(1);
            long rowStride = w.stride(0);
            long colStride = w.stride(1);
            int blocks = cell == Cell.LBR_GRU ? gates : 1;
            int width = gates / blocks;
            for (int blk = 0; blk < blocks; blk++) {
                int from = cell == Cell.LBR_GRU ? GRU_ORDER[blk] : 0;
                long[] dims = {1, 1, k, width, h};
                long span = (k - 1) * colStride + (w.dim(0) - 1) * rowStride + 1;
                StridedView torch = new StridedView(w.address() + 4L * from * h * rowStride, dims,
                        new long[] {span, span, colStride, h * rowStride, rowStride});
                StridedView one = new StridedView(base + 4L * (d * strides[1] + (long) blk * width * strides[3]), dims,
                        strides);
                if (toOneDnn) {
                    copy(torch, one);
                } else {
                    copy(one, torch);
                }
            }
        }
    }

    /** {@code to = from} for two float32 strided views of the same dims, by a cached reorder (any implementation). */
    private static void copy(StridedView from, StridedView to) {
        PrimitiveKey key = PrimitiveKey.builder("rnn_weights_copy").add(from).add(to).build();
        try (PrimitiveCache.Lease<ReorderedPrimitive> lease = PrimitiveCache.shared().acquire(key, k -> {
            dnnl_memory_desc s = from.desc(dnnl_f32);
            dnnl_memory_desc d = to.desc(dnnl_f32);
            DnnlPrimitive p;
            try {
                p = ReorderedPrimitive.reorder(s, d);
            } catch (RuntimeException e) {
                MemoryDescs.destroy(s, d);
                throw e;
            }
            return ReorderedPrimitive.builder(p).input(DNNL_ARG_FROM, s).output(DNNL_ARG_TO, d).build();
        })) {
            lease.get().execute(from.address(), to.address());
        }
    }

    /** One uncached reorder between two layouts (a packed one, which has no strides to key a cache on). */
    private static void reorderOnce(dnnl_memory_desc from, long fromAddress, dnnl_memory_desc to, long toAddress) {
        try (DnnlPrimitive p = ReorderedPrimitive.reorder(from, to)) {
            Execution.of(p).arg(DNNL_ARG_FROM, from, fromAddress).arg(DNNL_ARG_TO, to, toAddress).run();
        }
    }

    // ------------------------------------------------------------------ primitive descriptors

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
            x = any(l.x.dims());
            hx = any(l.hx.dims());
            cx = l.lstm() ? any(l.cx.dims()) : null;
            wl = any(l.weightsDims(false));
            wi = any(l.weightsDims(true));
            b = any(l.biasDims());
            y = any(l.y.dims());
            hy = any(l.hy.dims());
            cy = l.lstm() ? any(l.cy.dims()) : null;
        }

        private static dnnl_memory_desc any(long[] dims) {
            return MemoryDescs.any(dnnl_f32, dims);
        }

        @Override
        public void close() {
            MemoryDescs.destroy(x, hx, cx, wl, wi, b, y, hy, cy);
        }
    }

    private static int direction(Layer l) {
        return l.directions == 2 ? dnnl_bidirectional_concat : dnnl_unidirectional_left2right;
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
