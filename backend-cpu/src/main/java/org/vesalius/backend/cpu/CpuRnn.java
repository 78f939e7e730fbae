package org.vesalius.backend.cpu;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.RnnWeights;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlRnn;
import org.vesalius.backend.cpu.dnnl.MemoryDescs;
import org.vesalius.backend.cpu.dnnl.StridedView;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The CPU backend's recurrent layers on oneDNN's RNN primitives ({@link DnnlRnn}).
 *
 * <p>The weights are reordered into the primitives' layouts once per parameter update, not per call:
 * a {@link Prepared} in the layer's {@link RnnWeights} holds them, layout by layout (the forward
 * primitive wants ldigo, the backward one ldgoi, inference may want a packed form), made on first use
 * and reused until a parameter's version moves on. PyTorch's GRU is oneDNN's linear-before-reset GRU
 * with the first two gates swapped ({@code r, z, n} against {@code u, r, o}), which the reorders do on
 * the way; its bias is oneDNN's four rows {@code [b_iz + b_hz, b_ir + b_hr, b_in, b_hn]}, LSTM's and
 * RNN's the sum of the two. Backward undoes both on the gradients.
 *
 * <p>The sequences and states go to oneDNN as strided views; what is not in the primitive's layout
 * (time-major {@code tnc}, {@code ldnc} states: a batch-first input) is reordered on the way.
 */
final class CpuRnn {
    /** Layouts kept per weight matrix; more (inference over many batch sizes) are packed per call instead. */
    private static final int MAX_LAYOUTS = 8;
    private static final Cleaner CLEANER = Cleaner.create();

    private CpuRnn() {
    }

    static boolean supports(RnnMode mode, DType dtype) {
        return dtype == DType.FLOAT32 && Dnnl.isAvailable();
    }

    private static DnnlRnn.Cell cell(RnnMode mode) {
        switch (mode) {
            case LSTM: return DnnlRnn.Cell.LSTM;
            case GRU: return DnnlRnn.Cell.LBR_GRU;
            case RNN_RELU: return DnnlRnn.Cell.RNN_RELU;
            default: return DnnlRnn.Cell.RNN_TANH;
        }
    }

    /** One weight matrix in one of oneDNN's layouts; stale after the parameters changed, until packed again. */
    private static final class Layout {
        final dnnl_memory_desc md;
        final NativeBlock block;
        boolean current = true;

        Layout(dnnl_memory_desc md, NativeBlock block) {
            this.md = md;
            this.block = block;
        }
    }

    /** What a {@link Prepared} frees: separate from it so that the GC safety net does not keep it reachable. */
    private static final class Blocks implements Runnable {
        final List<NativeBlock> blocks = new ArrayList<>();
        final List<dnnl_memory_desc> mds = new ArrayList<>();

        @Override
        public synchronized void run() {
            for (NativeBlock b : blocks) {
                b.free();
            }
            blocks.clear();
            MemoryDescs.destroy(mds.toArray(new dnnl_memory_desc[0]));
            mds.clear();
        }
    }

    /**
     * A layer's weights in oneDNN's layouts and its combined bias, as of the parameter versions it was last
     * filled from; refilled in place on the next update when no call holds it, so steady training allocates nothing.
     */
    static final class Prepared extends RnnWeights.Prepared {
        private final RnnWeights w;
        private final DnnlRnn.Cell cell;
        private final Blocks owned = new Blocks();
        private final Runnable cleanup;
        private final NativeBlock biasBlock;
        private final List<Layout> layer = new ArrayList<>();
        private final List<Layout> iter = new ArrayList<>();

        Prepared(RnnWeights w) {
            this.w = w;
            this.cell = cell(w.mode());
            this.cleanup = CLEANER.register(this, owned)::clean;
            this.biasBlock = allocate(4L * w.directions() * cell.biasGates() * w.hiddenSize());
            fillBias();
        }

        /** Takes the parameters' new values: the bias now, each weight layout when a call next asks for it. */
        synchronized Prepared refresh() {
            fillBias();
            for (Layout l : layer) {
                l.current = false;
            }
            for (Layout l : iter) {
                l.current = false;
            }
            return this;
        }

        private void fillBias() {
            int d = w.directions();
            int h = w.hiddenSize();
            int rows = cell.biasGates();
            float[] b = new float[d * rows * h];
            if (w.hasBias()) {
                for (int k = 0; k < d; k++) {
                    float[] bi = w.bIh(k).toFloatArray();
                    float[] bh = w.bHh(k).toFloatArray();
                    int at = k * rows * h;
                    if (cell == DnnlRnn.Cell.LBR_GRU) {
                        // oneDNN's rows u (PyTorch's z), r, then n's input and recurrent biases apart
                        for (int j = 0; j < h; j++) {
                            b[at + j] = bi[h + j] + bh[h + j];
                            b[at + h + j] = bi[j] + bh[j];
                            b[at + 2 * h + j] = bi[2 * h + j];
                            b[at + 3 * h + j] = bh[2 * h + j];
                        }
                    } else {
                        for (int j = 0; j < rows * h; j++) {
                            b[at + j] = bi[j] + bh[j];
                        }
                    }
                }
            }
            biasBlock.floats().put(0, b);
        }

        private NativeBlock allocate(long bytes) {
            NativeBlock b = NativeBlock.allocate(bytes);
            synchronized (owned) {
                owned.blocks.add(b);
            }
            return b;
        }

        /** The weights laid out as {@code md}, made now if this layout is new. */
        synchronized long weights(boolean recurrent, dnnl_memory_desc md, DnnlRnn.Scratch scratch) {
            List<Layout> layouts = recurrent ? iter : layer;
            for (Layout l : layouts) {
                if (MemoryDescs.equal(l.md, md)) {
                    if (!l.current) {
                        DnnlRnn.pack(cell, md, l.block.address, matrices(recurrent), scratch);
                        l.current = true;
                    }
                    return l.block.address;
                }
            }
            long direct = inPlace(recurrent ? w.wHh(0) : w.wIh(0), md);
            if (direct != 0) {
                return direct;
            }
            long bytes = MemoryDescs.bytes(md);
            NativeBlock block = layouts.size() < MAX_LAYOUTS ? allocate(bytes) : null;
            long address = block != null ? block.address : scratch.allocate(bytes);
            DnnlRnn.pack(cell, md, address, matrices(recurrent), scratch);
            if (block != null) {
                dnnl_memory_desc copy = MemoryDescs.copy(md);
                synchronized (owned) {
                    owned.mds.add(copy);
                }
                layouts.add(new Layout(copy, block));
            }
            return address;
        }

        /**
         * The parameter's own address when {@code md} describes its memory as it is: one direction,
         * PyTorch's gate order (not a GRU), and the layout PyTorch's {@code [G*H, K]} already has (the
         * backward primitive's unpadded ldgoi). Else 0.
         */
        private long inPlace(Tensor param, dnnl_memory_desc md) {
            if (w.directions() != 1 || cell == DnnlRnn.Cell.LBR_GRU) {
                return 0;
            }
            long[] st = MemoryDescs.plainStrides(md);
            int[] ps = param.strides();
            long h = w.hiddenSize();
            if (st == null || st[2] != ps[1] || st[4] != ps[0] || (cell.gates() > 1 && st[3] != h * ps[0])) {
                return 0;
            }
            return CpuDnnl.address(param);
        }

        private StridedView[] matrices(boolean recurrent) {
            StridedView[] m = new StridedView[w.directions()];
            for (int k = 0; k < m.length; k++) {
                m[k] = plain(recurrent ? w.wHh(k) : w.wIh(k));
            }
            return m;
        }

        long bias() {
            return biasBlock.address;
        }

        @Override
        protected void free() {
            cleanup.run();
        }
    }

    /** New weights for {@code w}, or the previous ones refilled when no call holds them. */
    private static Prepared prepare(RnnWeights w, Prepared previous) {
        return previous != null ? previous.refresh() : new Prepared(w);
    }

    /** The weights as one call hands them to oneDNN: layouts from the prepared weights, scratch from the call's scope. */
    private static DnnlRnn.Weights weights(Prepared p, DnnlRnn.Scratch scratch) {
        return new DnnlRnn.Weights() {
            @Override
            public long layer(dnnl_memory_desc md) {
                return p.weights(false, md, scratch);
            }

            @Override
            public long iter(dnnl_memory_desc md) {
                return p.weights(true, md, scratch);
            }

            @Override
            public long bias(dnnl_memory_desc md) {
                return p.bias();
            }
        };
    }

    /** Native memory for the duration of a call: tensors in the call's scope. */
    private static DnnlRnn.Scratch scratch() {
        return bytes -> {
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("rnn: oneDNN asks for a " + bytes + "-byte buffer, more than a CPU "
                        + "tensor holds (2^31-1 bytes)");
            }
            return CpuDnnl.address(Tensor.empty(DType.UINT8, (int) Math.max(bytes, 1)));
        };
    }

    /** A {@code [D, N, H]} state as oneDNN's {@code [1, D, N, H]}. */
    private static StridedView state(Tensor s) {
        if (s == null) {
            return null;
        }
        int[] st = s.strides();
        int[] sh = s.shape();
        return new StridedView(CpuDnnl.address(s), new long[] {1, sh[0], sh[1], sh[2]},
                new long[] {(long) sh[0] * Math.max(st[0], 1), st[0], st[1], st[2]});
    }

    private static StridedView plain(Tensor t) {
        return StridedView.of(CpuDnnl.address(t), t.shape(), t.strides());
    }

    private static DnnlRnn.Layer layer(RnnWeights w, Tensor x, Tensor hx, Tensor cx, Tensor y, Tensor hy, Tensor cy) {
        return new DnnlRnn.Layer(cell(w.mode()), w.directions(), w.inputSize(), w.hiddenSize(), plain(x), state(hx),
                state(cx), plain(y), state(hy), state(cy));
    }

    static Tensor forward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy, boolean training) {
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open();
             RnnWeights.Lease<Prepared> p = w.acquire(Prepared.class, CpuRnn::prepare)) {
            DnnlRnn.Layer l = layer(w, x, hx, cx, y, hy, cy);
            Tensor workspace = null;
            if (training) {
                long bytes = DnnlRnn.workspaceBytes(l);
                if (bytes > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("rnnForward: oneDNN's training workspace for input "
                            + java.util.Arrays.toString(x.shape()) + " would take " + bytes + " bytes, more than a CPU "
                            + "tensor holds (2^31-1); split the batch or the sequence");
                }
                workspace = s.keep(Tensor.empty(DType.UINT8, (int) Math.max(bytes, 1)));
            }
            DnnlRnn.forward(l, weights(p.get(), scratch()), workspace == null ? 0 : CpuDnnl.address(workspace));
            return workspace;
        }
    }

    static void backward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy, Tensor workspace,
                         Tensor dy, Tensor dhy, Tensor dcy, Tensor dx, Tensor dhx, Tensor dcx, Tensor[] dWIh,
                         Tensor[] dWHh, Tensor[] dBIh, Tensor[] dBHh) {
        int h = w.hiddenSize();
        int d = w.directions();
        DnnlRnn.Cell cell = cell(w.mode());
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open();
             RnnWeights.Lease<Prepared> p = w.acquire(Prepared.class, CpuRnn::prepare)) {
            Tensor gBias = Tensor.empty(DType.FLOAT32, 1, d, cell.biasGates(), h);
            StridedView[] dWl = new StridedView[d];
            StridedView[] dWi = new StridedView[d];
            for (int k = 0; k < d; k++) {
                dWl[k] = plain(dWIh[k]);
                dWi[k] = plain(dWHh[k]);
            }
            DnnlRnn.Grads g = new DnnlRnn.Grads(plain(dx), state(dhx), state(dcx), plain(dy), state(dhy),
                    state(dcy), dWl, dWi, CpuDnnl.address(gBias));
            DnnlRnn.backward(layer(w, x, hx, cx, y, hy, cy), weights(p.get(), scratch()),
                    CpuDnnl.address(workspace), g, scratch());
            if (dBIh != null) {
                for (int k = 0; k < d; k++) {
                    Tensor rows = gBias.select(0, 0).select(0, k);
                    if (cell == DnnlRnn.Cell.LBR_GRU) {
                        // r and z take the summed rows' gradient for both biases, n each its own row
                        Tensor rz = rows.narrow(0, 0, 2).flip(0).reshape(2 * h);
                        dBIh[k].narrow(0, 0, 2 * h).copy_(rz);
                        dBHh[k].narrow(0, 0, 2 * h).copy_(rz);
                        dBIh[k].narrow(0, 2 * h, h).copy_(rows.select(0, 2));
                        dBHh[k].narrow(0, 2 * h, h).copy_(rows.select(0, 3));
                    } else {
                        Tensor all = rows.reshape(cell.biasGates() * h);
                        dBIh[k].copy_(all);
                        dBHh[k].copy_(all);
                    }
                }
            }
        }
    }
}
