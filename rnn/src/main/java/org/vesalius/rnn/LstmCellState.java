package org.vesalius.rnn;

import org.vesalius.autograd.GradMode;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The LSTM cell state at each sequence's own end, from gate pre-activations computed for all steps:
 * {@code c_t = σ(f_t) c_{t-1} + σ(i_t) tanh(g_t)}, frozen once a row has ended. One recorded op whose
 * forward and backward loop over plain float arrays: written with tensor ops, the T steps would be
 * some 10 T small ops and as many in backward, which would cost more than the fused kernel it completes.
 */
final class LstmCellState {
    private LstmCellState() {
    }

    /**
     * @param gates   float32 pre-activations {@code [T, N, 3H]} of the gates i, f, g (PyTorch's order; o is not needed)
     * @param c0      initial cell states {@code [N, H]}
     * @param lengths each row's length, rows sorted longest first
     * @return {@code [N, H]}: row n's cell state after its step {@code lengths[n] - 1}; differentiable once
     */
    static Tensor atEnd(Tensor gates, Tensor c0, int[] lengths) {
        int steps = gates.size(0);
        int n = gates.size(1);
        int h = c0.size(1);
        float[] g = gates.contiguous().toFloatArray();
        float[] c = c0.toFloat().toFloatArray();
        // the cell state entering each step, for backward
        float[] entering = new float[Math.multiplyExact(steps, n * h)];
        for (int t = 0; t < steps; t++) {
            int active = active(lengths, t);
            System.arraycopy(c, 0, entering, t * n * h, active * h);
            for (int r = 0; r < active; r++) {
                int base = (t * n + r) * 3 * h;
                for (int k = 0; k < h; k++) {
                    float i = sigmoid(g[base + k]);
                    float f = sigmoid(g[base + h + k]);
                    float cand = (float) Math.tanh(g[base + 2 * h + k]);
                    c[r * h + k] = f * c[r * h + k] + i * cand;
                }
            }
        }
        Tensor out = Tensor.of(c, n, h);
        return out.record("lstmCellAtEnd", new Tensor[0], grad -> {
            if (GradMode.isEnabled()) {
                throw new IllegalStateException("lstmCellAtEnd: no second derivative; turn the layer's fused kernels off "
                        + "(RNNBase.fused(false)) to differentiate it twice");
            }
            float[] dc = grad.toFloat().contiguous().toFloatArray();
            float[] dg = new float[g.length];
            for (int t = steps - 1; t >= 0; t--) {
                int active = active(lengths, t);
                for (int r = 0; r < active; r++) {
                    int base = (t * n + r) * 3 * h;
                    for (int k = 0; k < h; k++) {
                        float i = sigmoid(g[base + k]);
                        float f = sigmoid(g[base + h + k]);
                        float cand = (float) Math.tanh(g[base + 2 * h + k]);
                        float d = dc[r * h + k];
                        dg[base + k] = d * cand * i * (1 - i);
                        dg[base + h + k] = d * entering[t * n * h + r * h + k] * f * (1 - f);
                        dg[base + 2 * h + k] = d * i * (1 - cand * cand);
                        dc[r * h + k] = d * f;
                    }
                }
            }
            DType dt = gates.dtype();
            return new Tensor[] {Tensor.of(dg, steps, n, 3 * h).to(dt), Tensor.of(dc, n, h).to(c0.dtype())};
        }, gates, c0);
    }

    private static int active(int[] lengths, int t) {
        int a = 0;
        while (a < lengths.length && lengths[a] > t) {
            a++;
        }
        return a;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
