package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.Backend;
import org.vesalius.backend.RnnMode;

/**
 * One recurrent layer as a single fused op on the backend's kernel ({@link Backend#rnnForward}).
 *
 * <p>The op has three outputs (sequence, final h, final c) while an autograd node has one, so the
 * kernel writes them into one flat buffer that the node owns, and the outputs are views of it: their
 * gradients meet in the flat gradient, which the backward splits again.
 */
final class Recurrent {
    private Recurrent() {
    }

    static Tensor[] layer(RnnMode mode, Tensor x, Tensor hx, Tensor cx, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        String op = "rnnLayer";
        check(op, mode, x, hx, cx, wIh, wHh, bIh, bHh);
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
        boolean training = GradMode.isEnabled()
                && (x.requiresGrad() || hx.requiresGrad() || (cx != null && cx.requiresGrad()) || wIh.requiresGrad()
                || wHh.requiresGrad() || (bIh != null && (bIh.requiresGrad() || bHh.requiresGrad())));
        Backend backend = x.backend();
        Tensor workspace = backend.rnnForward(mode, x, hx, cx, wIh, wHh, bIh, bHh, raw[0], raw[1], raw[2], training);
        if (training) {
            flat.record(op, Saved.of(x, hx, cx, wIh, wHh, bIh, bHh, flat, workspace), g -> {
                if (GradMode.isEnabled()) {
                    throw new IllegalStateException(op + ": the fused recurrent kernel has no second derivative; "
                            + "turn the layer's fused kernels off (RNNBase.fused(false)) to differentiate it twice");
                }
                Tensor[] out = split(flat, steps, n, d, h, lstm);
                Tensor[] dOut = split(g.contiguous(), steps, n, d, h, lstm);
                Tensor dx = Creation.empty(x.dtype, x.device(), x.shape);
                Tensor dhx = Creation.empty(hx.dtype, hx.device(), hx.shape);
                Tensor dcx = lstm ? Creation.empty(cx.dtype, cx.device(), cx.shape) : null;
                Tensor dWIh = Creation.empty(wIh.dtype, wIh.device(), wIh.shape);
                Tensor dWHh = Creation.empty(wHh.dtype, wHh.device(), wHh.shape);
                Tensor dBIh = bIh == null ? null : Creation.empty(bIh.dtype, bIh.device(), bIh.shape);
                Tensor dBHh = bHh == null ? null : Creation.empty(bHh.dtype, bHh.device(), bHh.shape);
                backend.rnnBackward(mode, x, hx, cx, wIh, wHh, bIh, bHh, out[0], out[1], out[2], workspace,
                        dOut[0], dOut[1], dOut[2], dx, dhx, dcx, dWIh, dWHh, dBIh, dBHh);
                return new Tensor[] {dx, dhx, dcx, dWIh, dWHh, dBIh, dBHh};
            }, x, hx, cx, wIh, wHh, bIh, bHh);
            return split(flat, steps, n, d, h, lstm);
        }
        return raw;
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

    private static void check(String op, RnnMode mode, Tensor x, Tensor hx, Tensor cx, Tensor wIh, Tensor wHh,
                              Tensor bIh, Tensor bHh) {
        for (Tensor t : new Tensor[] {x, hx, cx, wIh, wHh, bIh, bHh}) {
            if (t != null) {
                t.checkOpen(op);
                Elementwise.checkSameDevice(op, x, t);
                if (t.dtype != x.dtype) {
                    throw new IllegalArgumentException(op + ": all tensors must have the input's dtype " + x.dtype
                            + ", got " + t.dtype);
                }
            }
        }
        if (x.dim() != 3 || hx.dim() != 3 || (hx.shape[0] != 1 && hx.shape[0] != 2) || hx.shape[1] != x.shape[1]) {
            throw new IllegalArgumentException(op + ": expected x [T, N, I] and hx [D, N, H] with D 1 or 2, got "
                    + Shapes.str(x.shape) + " and " + Shapes.str(hx.shape));
        }
        int d = hx.shape[0];
        int h = hx.shape[2];
        int g = mode.gates() * h;
        int i = x.shape[2];
        if ((mode == RnnMode.LSTM) != (cx != null) || (cx != null && !Arrays.equals(cx.shape, hx.shape))) {
            throw new IllegalArgumentException(op + ": " + mode + " needs " + (mode == RnnMode.LSTM ? "" : "no ")
                    + "cell state cx of hx's shape " + Shapes.str(hx.shape) + ", got "
                    + (cx == null ? "none" : Shapes.str(cx.shape)));
        }
        expect(op, "wIh", wIh, d, g, i);
        expect(op, "wHh", wHh, d, g, h);
        if ((bIh == null) != (bHh == null)) {
            throw new IllegalArgumentException(op + ": pass both biases or neither");
        }
        if (bIh != null) {
            expect(op, "bIh", bIh, d, g);
            expect(op, "bHh", bHh, d, g);
        }
    }

    private static void expect(String op, String name, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape, shape)) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + Shapes.str(shape) + ", got "
                    + Shapes.str(t.shape));
        }
    }
}
