package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.Backend;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.RnnWeights;

/**
 * One recurrent layer as a single fused op on the backend's kernel ({@link Backend#rnnForward}).
 *
 * <p>The op has three outputs (sequence, final h, final c) while an autograd node has one, so the
 * kernel writes them into one flat buffer that the node owns, and the outputs are views of it: their
 * gradients meet in the flat gradient, which the backward splits again. The sequence is stored
 * time-major whatever the input's layout: oneDNN's training kernels ran about 25% slower on batch-major
 * sequences than on time-major ones plus the two transposes (ADR 0011).
 */
final class Recurrent {
    private Recurrent() {
    }

    static Tensor[] layer(Tensor x, Tensor hx, Tensor cx, RnnWeights w) {
        String op = "rnnLayer";
        check(op, x, hx, cx, w);
        RnnMode mode = w.mode();
        int steps = x.shape[0];
        int n = x.shape[1];
        int d = hx.shape[0];
        int h = hx.shape[2];
        boolean lstm = mode == RnnMode.LSTM;
        long ySize = (long) steps * n * d * h;
        long sSize = (long) d * n * h;
        long total = ySize + sSize * (lstm ? 2 : 1);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": the outputs would hold " + total + " elements, more than 2^31-1");
        }
        Tensor flat = Creation.empty(x.dtype, x.device(), (int) total);
        Tensor[] raw = split(flat, steps, n, d, h, lstm);
        Tensor[] params = w.tensors();
        boolean training = GradMode.isEnabled()
                && (x.requiresGrad() || hx.requiresGrad() || (cx != null && cx.requiresGrad()) || anyRequiresGrad(params));
        Backend backend = x.backend();
        Tensor workspace = backend.rnnForward(x, hx, cx, w, raw[0], raw[1], raw[2], training);
        if (!training) {
            return raw;
        }
        Tensor[] inputs = new Tensor[3 + params.length];
        inputs[0] = x;
        inputs[1] = hx;
        inputs[2] = cx;
        System.arraycopy(params, 0, inputs, 3, params.length);
        Tensor[] saved = Arrays.copyOf(inputs, inputs.length + 2);
        saved[inputs.length] = flat;
        saved[inputs.length + 1] = workspace;
        flat.record(op, saved, g -> {
            if (GradMode.isEnabled()) {
                throw new IllegalStateException(op + ": the fused recurrent kernel has no second derivative; "
                        + "turn the layer's fused kernels off (RNNBase.fused(false)) to differentiate it twice");
            }
            Tensor[] out = split(flat, steps, n, d, h, lstm);
            Tensor[] dOut = split(g.contiguous(), steps, n, d, h, lstm);
            Tensor dx = Creation.empty(x.dtype, x.device(), x.shape);
            Tensor dhx = Creation.empty(hx.dtype, hx.device(), hx.shape);
            Tensor dcx = lstm ? Creation.empty(cx.dtype, cx.device(), cx.shape) : null;
            Tensor[] dW = new Tensor[params.length];
            for (int i = 0; i < params.length; i++) {
                dW[i] = Creation.empty(params[i].dtype, params[i].device(), params[i].shape);
            }
            backend.rnnBackward(x, hx, cx, w, out[0], out[1], out[2], workspace, dOut[0], dOut[1], dOut[2], dx, dhx, dcx,
                    Arrays.copyOfRange(dW, 0, d), Arrays.copyOfRange(dW, d, 2 * d),
                    w.hasBias() ? Arrays.copyOfRange(dW, 2 * d, 3 * d) : null,
                    w.hasBias() ? Arrays.copyOfRange(dW, 3 * d, 4 * d) : null);
            Tensor[] grads = new Tensor[inputs.length];
            grads[0] = dx;
            grads[1] = dhx;
            grads[2] = dcx;
            System.arraycopy(dW, 0, grads, 3, dW.length);
            return grads;
        }, inputs);
        return split(flat, steps, n, d, h, lstm);
    }

    private static boolean anyRequiresGrad(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** y {@code [T, N, D*H]}, h {@code [D, N, H]} and (LSTM) c as views of the flat buffer. */
    private static Tensor[] split(Tensor flat, int steps, int n, int d, int h, boolean lstm) {
        int ySize = steps * n * d * h;
        int sSize = d * n * h;
        Tensor y = flat.narrow(0, 0, ySize).view(steps, n, d * h);
        Tensor hy = flat.narrow(0, ySize, sSize).view(d, n, h);
        Tensor cy = lstm ? flat.narrow(0, ySize + sSize, sSize).view(d, n, h) : null;
        return new Tensor[] {y, hy, cy};
    }

    private static void check(String op, Tensor x, Tensor hx, Tensor cx, RnnWeights w) {
        if (w == null) {
            throw new IllegalArgumentException(op + ": the weights are required");
        }
        RnnMode mode = w.mode();
        for (Tensor t : new Tensor[] {x, hx, cx, w.wIh(0)}) {
            if (t != null) {
                t.checkOpen(op);
                Elementwise.checkSameDevice(op, x, t);
                if (t.dtype != x.dtype) {
                    throw new IllegalArgumentException(op + ": all tensors must have the input's dtype " + x.dtype
                            + ", got " + t.dtype);
                }
            }
        }
        for (Tensor t : w.tensors()) {
            t.checkOpen(op);
        }
        if (x.dim() != 3 || hx.dim() != 3 || hx.shape[0] != w.directions() || hx.shape[1] != x.shape[1]) {
            throw new IllegalArgumentException(op + ": expected x [T, N, I] and hx [D, N, H] with D = "
                    + w.directions() + " (the weights' directions), got " + Shapes.str(x.shape) + " and "
                    + Shapes.str(hx.shape));
        }
        if (hx.shape[2] != w.hiddenSize() || x.shape[2] != w.inputSize()) {
            throw new IllegalArgumentException(op + ": the weights take input size " + w.inputSize() + " and hidden size "
                    + w.hiddenSize() + ", got x " + Shapes.str(x.shape) + " and hx " + Shapes.str(hx.shape));
        }
        if ((mode == RnnMode.LSTM) != (cx != null) || (cx != null && !Arrays.equals(cx.shape, hx.shape))) {
            throw new IllegalArgumentException(op + ": " + mode + " needs " + (mode == RnnMode.LSTM ? "" : "no ")
                    + "cell state cx of hx's shape " + Shapes.str(hx.shape) + ", got "
                    + (cx == null ? "none" : Shapes.str(cx.shape)));
        }
    }
}
