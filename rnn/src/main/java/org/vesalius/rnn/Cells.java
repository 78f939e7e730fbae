package org.vesalius.rnn;

import java.util.List;
import org.vesalius.tensor.Tensor;

/**
 * One time step of each recurrence, written with tensor ops (so autograd differentiates it to any
 * order), from the input's gate pre-activations {@code gx = x W_ih^T + b_ih} (computed for the whole
 * sequence at once by the layers) and the previous state. Gate order and formulas are PyTorch's.
 */
final class Cells {
    private Cells() {
    }

    /** {@code h' = act(gx + h W_hh^T + b_hh)}, act tanh or relu. */
    static Tensor rnn(Tensor gx, Tensor h, Tensor wHh, Tensor bHh, boolean relu) {
        Tensor pre = gx.add(Tensor.linear(h, wHh, bHh));
        return relu ? pre.relu() : pre.tanh();
    }

    /**
     * LSTM: gates i, f, g, o from {@code gx + h W_hh^T + b_hh}; {@code c' = f c + i g},
     * {@code h' = o tanh(c')}, projected by {@code W_hr} when it is given. Returns {h', c'}.
     */
    static Tensor[] lstm(Tensor gx, Tensor h, Tensor c, Tensor wHh, Tensor bHh, Tensor wHr) {
        List<Tensor> g = gx.add(Tensor.linear(h, wHh, bHh)).chunk(4, -1);
        Tensor i = g.get(0).sigmoid();
        Tensor f = g.get(1).sigmoid();
        Tensor cand = g.get(2).tanh();
        Tensor o = g.get(3).sigmoid();
        Tensor c2 = f.mul(c).add(i.mul(cand));
        Tensor h2 = o.mul(c2.tanh());
        if (wHr != null) {
            h2 = Tensor.linear(h2, wHr, null);
        }
        return new Tensor[] {h2, c2};
    }

    /**
     * GRU: {@code r = σ(gx_r + gh_r)}, {@code z = σ(gx_z + gh_z)}, {@code n = tanh(gx_n + r gh_n)},
     * {@code h' = (1 - z) n + z h}, where {@code gh = h W_hh^T + b_hh} (PyTorch's order r, z, n, with
     * the reset gate applied after the recurrent product, as cuDNN and oneDNN's LBR-GRU do).
     */
    static Tensor gru(Tensor gx, Tensor h, Tensor wHh, Tensor bHh) {
        List<Tensor> x = gx.chunk(3, -1);
        List<Tensor> hh = Tensor.linear(h, wHh, bHh).chunk(3, -1);
        Tensor r = x.get(0).add(hh.get(0)).sigmoid();
        Tensor z = x.get(1).add(hh.get(1)).sigmoid();
        Tensor n = x.get(2).add(r.mul(hh.get(2))).tanh();
        return n.add(z.mul(h.sub(n)));
    }
}
