package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.Backend;

/**
 * Scaled dot-product attention as one op on the backend's blocked kernel
 * ({@link Backend#attentionForward}): the output is a fresh tensor and the row log-sum-exp the kernel
 * saves for the backward pass lives in the autograd node, so neither pass holds an {@code L x S}
 * matrix. {@code org.vesalius.nn.F.scaledDotProductAttention} decides when to take this path.
 */
final class Attention {
    private static final String OP = "scaledDotProductAttention";

    private Attention() {
    }

    static Tensor blocked(Tensor q, Tensor k, Tensor v, Tensor mask, double dropoutP, boolean causal, double scale,
                          Generator gen) {
        for (Tensor t : new Tensor[] {q, k, v, mask}) {
            if (t != null) {
                t.checkOpen(OP);
                Elementwise.checkSameDevice(OP, q, t);
            }
        }
        if (!q.dtype.isFloatingPoint() || k.dtype != q.dtype || v.dtype != q.dtype) {
            throw new IllegalArgumentException(OP + ": query, key and value must share a floating point dtype, got "
                    + q.dtype + ", " + k.dtype + " and " + v.dtype);
        }
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) {
            throw new IllegalArgumentException(OP + ": expected query [..., L, E], key [..., S, E] and value "
                    + "[..., S, Ev], got " + Shapes.str(q.shape) + ", " + Shapes.str(k.shape) + " and "
                    + Shapes.str(v.shape));
        }
        int l = q.size(-2);
        int e = q.size(-1);
        int s = k.size(-2);
        int ev = v.size(-1);
        if (k.size(-1) != e || v.size(-2) != s) {
            throw new IllegalArgumentException(OP + ": key must be [..., S, " + e + "] and value [..., S, Ev] with key's S, "
                    + "got query " + Shapes.str(q.shape) + ", key " + Shapes.str(k.shape) + ", value "
                    + Shapes.str(v.shape));
        }
        if (causal && mask != null) {
            throw new IllegalArgumentException(OP + ": pass either a mask or isCausal, not both");
        }
        if (!(dropoutP >= 0 && dropoutP <= 1)) {
            throw new IllegalArgumentException(OP + ": dropoutP must be in [0, 1], got " + dropoutP);
        }
        int[] batch = Shapes.broadcast(OP, lead(q), lead(k));
        batch = Shapes.broadcast(OP, batch, lead(v));
        if (mask != null) {
            if (mask.dtype != DType.BOOL && mask.dtype != q.dtype) {
                throw new IllegalArgumentException(OP + ": the mask must be bool (true = takes part) or the query's "
                        + "dtype " + q.dtype + " (added to the scores), got " + mask.dtype);
            }
            if (mask.requiresGrad()) {
                throw new IllegalArgumentException(OP + ": the blocked kernel does not differentiate the mask; "
                        + "use the unfused path for a mask that requires grad");
            }
            int[] ms = mask.dim() >= 2 ? mask.shape : prepend(mask.shape, 2 - mask.dim());
            if ((ms[ms.length - 2] != 1 && ms[ms.length - 2] != l) || (ms[ms.length - 1] != 1 && ms[ms.length - 1] != s)) {
                throw new IllegalArgumentException(OP + ": the mask " + Shapes.str(mask.shape)
                        + " cannot be broadcast to the scores [..., " + l + ", " + s + "]");
            }
            batch = Shapes.broadcast(OP, batch, Arrays.copyOf(ms, ms.length - 2));
        }
        Tensor qc = dense(q, batch, l, e);
        Tensor kc = dense(k, batch, s, e);
        Tensor vc = dense(v, batch, s, ev);
        Tensor mc = mask == null ? null : mask.expand(with(batch, l, s));
        Tensor out = Creation.empty(OP, q.dtype, q.device(), with(batch, l, ev));
        int[] rowShape = Arrays.copyOf(batch, batch.length + 1);
        rowShape[batch.length] = l;
        Tensor lse = Creation.empty(OP, q.dtype, q.device(), rowShape);
        long seed = 0;
        long offset = 0;
        if (dropoutP > 0) {
            Generator.State st = gen.reserve(Shapes.numel(with(batch, l, s)));
            seed = st.seed();
            offset = st.offset();
        }
        Backend backend = q.backend();
        backend.attentionForward(qc, kc, vc, mc, causal, scale, dropoutP, seed, offset, out, lse);
        boolean training = GradMode.isEnabled() && (qc.requiresGrad() || kc.requiresGrad() || vc.requiresGrad());
        if (!training) {
            lse.close();
            return out;
        }
        long seedF = seed;
        long offsetF = offset;
        return out.record(OP, Saved.of(qc, kc, vc, mc, out, lse), g -> {
            if (GradMode.isEnabled()) {
                throw new IllegalStateException(OP + ": the blocked attention kernel has no second derivative; "
                        + "use the unfused path (AttentionPath.UNFUSED) to differentiate attention twice");
            }
            Tensor go = g.contiguous();
            Tensor dq = Creation.empty(OP, qc.dtype, qc.device(), qc.shape);
            Tensor dk = Creation.empty(OP, kc.dtype, kc.device(), kc.shape);
            Tensor dv = Creation.empty(OP, vc.dtype, vc.device(), vc.shape);
            backend.attentionBackward(qc, kc, vc, mc, causal, scale, dropoutP, seedF, offsetF, out, lse, go, dq, dk, dv);
            return new Tensor[] {dq, dk, dv};
        }, qc, kc, vc);
    }

    /** The dims before the last two. */
    private static int[] lead(Tensor t) {
        return Arrays.copyOf(t.shape, t.dim() - 2);
    }

    private static int[] prepend(int[] shape, int ones) {
        int[] out = new int[shape.length + ones];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, ones, shape.length);
        return out;
    }

    private static int[] with(int[] batch, int a, int b) {
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a;
        out[batch.length + 1] = b;
        return out;
    }

    /** {@code t} broadcast to {@code [*batch, rows, cols]} and contiguous (a copy only where needed). */
    private static Tensor dense(Tensor t, int[] batch, int rows, int cols) {
        int[] shape = with(batch, rows, cols);
        Tensor x = Arrays.equals(t.shape, shape) ? t : t.expand(shape);
        return x.contiguous();
    }
}
