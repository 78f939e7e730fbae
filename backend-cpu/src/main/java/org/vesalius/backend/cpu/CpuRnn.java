package org.vesalius.backend.cpu;

import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlRnn;
import org.vesalius.backend.cpu.dnnl.StridedView;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The CPU backend's recurrent layers: PyTorch's weights and states described to oneDNN's RNN
 * primitives ({@link DnnlRnn}) as strided views, without copies where the layouts allow.
 *
 * <p>LSTM and vanilla RNN weights are already in oneDNN's gate order; their two biases are summed
 * (oneDNN has one). PyTorch's GRU is oneDNN's linear-before-reset GRU with the first two gates swapped
 * ({@code r, z, n} against {@code u, r, o}), so its weights are copied with the swap, and its bias is
 * oneDNN's four rows {@code [b_iz + b_hz, b_ir + b_hr, b_in, b_hn]}. Backward undoes both.
 */
final class CpuRnn {
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

    /** The packed weights and bias one call hands to oneDNN, closed after it. */
    private static final class Packed implements AutoCloseable {
        final Tensor wIh;
        final Tensor wHh;
        final Tensor bias;

        Packed(RnnMode mode, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, int hidden) {
            boolean gru = mode == RnnMode.GRU;
            this.wIh = gru ? swapGates(wIh, hidden) : wIh;
            this.wHh = gru ? swapGates(wHh, hidden) : wHh;
            int d = wIh.size(0);
            if (gru) {
                Tensor zero = Tensor.zeros(DType.FLOAT32, d, 3 * hidden);
                Tensor bi = bIh == null ? zero : bIh;
                Tensor bh = bHh == null ? zero : bHh;
                Tensor sum = bi.add(bh);
                this.bias = Tensor.cat(1, sum.narrow(1, hidden, hidden), sum.narrow(1, 0, hidden),
                        bi.narrow(1, 2 * hidden, hidden), bh.narrow(1, 2 * hidden, hidden));
            } else {
                this.bias = bIh == null ? Tensor.zeros(DType.FLOAT32, d, mode.gates() * hidden) : bIh.add(bHh);
            }
        }

        @Override
        public void close() {
            bias.close();
        }
    }

    /** {@code [D, 3H, *]} with gate blocks 0 and 1 exchanged (a copy). */
    private static Tensor swapGates(Tensor w, int hidden) {
        return Tensor.cat(1, w.narrow(1, hidden, hidden), w.narrow(1, 0, hidden), w.narrow(1, 2 * hidden, hidden));
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

    /** PyTorch's {@code [D, G*H, K]} weights as oneDNN's {@code [1, D, K, G, H]} (ldigo dims) over the same memory. */
    private static StridedView weights(Tensor w, int gates, int hidden) {
        int[] st = w.strides();
        int[] sh = w.shape();
        return new StridedView(CpuDnnl.address(w), new long[] {1, sh[0], sh[2], gates, hidden},
                new long[] {(long) sh[0] * st[0], st[0], st[2], (long) st[1] * hidden, st[1]});
    }

    /** A {@code [D, Gb*H]} bias as oneDNN's {@code [1, D, Gb, H]}. */
    private static StridedView bias(Tensor b, int hidden) {
        int[] st = b.strides();
        int[] sh = b.shape();
        return new StridedView(CpuDnnl.address(b), new long[] {1, sh[0], sh[1] / hidden, hidden},
                new long[] {(long) sh[0] * st[0], st[0], (long) st[1] * hidden, st[1]});
    }

    private static StridedView plain(Tensor t) {
        return StridedView.of(CpuDnnl.address(t), t.shape(), t.strides());
    }

    private static DnnlRnn.Layer layer(RnnMode mode, Tensor x, Tensor hx, Tensor cx, Packed p, Tensor y, Tensor hy,
                                       Tensor cy, int hidden) {
        int gates = mode.gates();
        return new DnnlRnn.Layer(cell(mode), hx.size(0) == 2, plain(x), state(hx), state(cx),
                weights(p.wIh, gates, hidden), weights(p.wHh, gates, hidden), bias(p.bias, hidden), plain(y), state(hy),
                state(cy));
    }

    static Tensor forward(RnnMode mode, Tensor x, Tensor hx, Tensor cx, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh,
                          Tensor y, Tensor hy, Tensor cy, boolean training) {
        int hidden = hx.size(2);
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open(); Packed p = new Packed(mode, wIh, wHh, bIh, bHh, hidden)) {
            DnnlRnn.Layer l = layer(mode, x, hx, cx, p, y, hy, cy, hidden);
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
            DnnlRnn.forward(l, workspace == null ? 0 : CpuDnnl.address(workspace));
            return workspace;
        }
    }

    static void backward(RnnMode mode, Tensor x, Tensor hx, Tensor cx, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh,
                         Tensor y, Tensor hy, Tensor cy, Tensor workspace, Tensor dy, Tensor dhy, Tensor dcy, Tensor dx,
                         Tensor dhx, Tensor dcx, Tensor dWIh, Tensor dWHh, Tensor dBIh, Tensor dBHh) {
        int hidden = hx.size(2);
        boolean gru = mode == RnnMode.GRU;
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open(); Packed p = new Packed(mode, wIh, wHh, bIh, bHh, hidden)) {
            DnnlRnn.Layer l = layer(mode, x, hx, cx, p, y, hy, cy, hidden);
            int d = hx.size(0);
            Tensor gWIh = gru ? Tensor.empty(DType.FLOAT32, dWIh.shape()) : dWIh;
            Tensor gWHh = gru ? Tensor.empty(DType.FLOAT32, dWHh.shape()) : dWHh;
            Tensor gBias = Tensor.empty(DType.FLOAT32, p.bias.shape());
            DnnlRnn.Layer g = new DnnlRnn.Layer(cell(mode), d == 2, plain(dx), state(dhx), state(dcx),
                    weights(gWIh, mode.gates(), hidden), weights(gWHh, mode.gates(), hidden), bias(gBias, hidden),
                    plain(dy), state(dhy), state(dcy));
            DnnlRnn.backward(l, CpuDnnl.address(workspace), g);
            if (gru) {
                dWIh.copy_(swapGates(gWIh, hidden));
                dWHh.copy_(swapGates(gWHh, hidden));
                if (dBIh != null) {
                    // oneDNN's rows u, r, n_x, n_h: r and z take the summed rows' gradient for both biases
                    Tensor rz = Tensor.cat(1, gBias.narrow(1, hidden, hidden), gBias.narrow(1, 0, hidden));
                    dBIh.copy_(Tensor.cat(1, rz, gBias.narrow(1, 2 * hidden, hidden)));
                    dBHh.copy_(Tensor.cat(1, rz, gBias.narrow(1, 3 * hidden, hidden)));
                }
            } else if (dBIh != null) {
                dBIh.copy_(gBias);
                dBHh.copy_(gBias);
            }
        }
    }
}
