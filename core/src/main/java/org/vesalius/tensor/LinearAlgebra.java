package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;

/** Matrix products: matmul with batch broadcasting, and its special cases. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        a.checkOpen("matmul");
        b.checkOpen("matmul");
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes "
                    + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + "; use mul() for scalars");
        }
        if (a.dim() == 1 && b.dim() == 1) {
            return dot(a, b);
        }
        if (a.dim() == 1) {
            return product("matmul", a.unsqueeze(0), b).squeeze(-2);
        }
        if (b.dim() == 1) {
            return product("matmul", a, b.unsqueeze(1)).squeeze(-1);
        }
        return product("matmul", a, b);
    }

    static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2 || b.dim() != 2) {
            throw new IllegalArgumentException("mm: expects two matrices, got shapes " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        return product("mm", a, b);
    }

    static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3 || a.shape[0] != b.shape[0]) {
            throw new IllegalArgumentException("bmm: expects [B, n, m] and [B, m, p] with one batch size, got shapes "
                    + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        }
        return product("bmm", a, b);
    }

    static Tensor mv(Tensor m, Tensor v) {
        if (m.dim() != 2 || v.dim() != 1) {
            throw new IllegalArgumentException("mv: expects a matrix and a vector, got shapes " + Shapes.str(m.shape)
                    + " and " + Shapes.str(v.shape));
        }
        return product("mv", m, v.unsqueeze(1)).squeeze(-1);
    }

    static Tensor outer(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("outer: expects two vectors, got shapes " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("dot: expects two 1-D tensors, got shapes " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        if (a.shape[0] != b.shape[0]) {
            throw new IllegalArgumentException("dot: vectors of sizes " + a.shape[0] + " and " + b.shape[0]
                    + " cannot be multiplied (" + a.shape[0] + " != " + b.shape[0] + ")");
        }
        return product("dot", a.unsqueeze(0), b.unsqueeze(1)).reshape();
    }

    /** {@code input [*, in] x weight[out, in]^T + bias[out]}, recorded as one op. */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        x.checkOpen("linear");
        w.checkOpen("linear");
        if (w.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be [outFeatures, inFeatures], got shape "
                    + Shapes.str(w.shape));
        }
        if (x.dim() == 0 || x.shape[x.dim() - 1] != w.shape[1]) {
            throw new IllegalArgumentException("linear: expected an input whose last dimension is " + w.shape[1]
                    + " (inFeatures), got shape " + Shapes.str(x.shape));
        }
        if (b != null) {
            b.checkOpen("linear");
            if (b.dim() != 1 || b.shape[0] != w.shape[0]) {
                throw new IllegalArgumentException("linear: bias must be [outFeatures] = [" + w.shape[0] + "], got shape "
                        + Shapes.str(b.shape));
            }
            if (b.dtype != x.dtype) {
                throw new IllegalArgumentException("linear: bias (" + b.dtype + ") must have the input's dtype ("
                        + x.dtype + "); convert with .to(dtype)");
            }
            Elementwise.checkSameDevice("linear", x, b);
        }
        Tensor y;
        try (NoGrad ng = NoGrad.open()) {
            y = product("linear", x.dim() == 1 ? x.unsqueeze(0) : x, w.mT());
            if (x.dim() == 1) {
                y = y.squeeze(0);
            }
            if (b != null) {
                y.add_(b);
            }
        }
        return y.record("linear", Saved.of(x, w), g -> linearGrad(g, x, w, b), x, w, b);
    }

    /**
     * The gradients of {@code linear}, written with differentiable ops so that they can be
     * differentiated again: {@code gx = g W}, {@code gW = g2^T x2} and {@code gb = sum(g2, 0)}, where
     * {@code g2} and {@code x2} are g and x with their leading dims flattened.
     */
    private static Tensor[] linearGrad(Tensor g, Tensor x, Tensor w, Tensor b) {
        int out = w.shape[0];
        int in = w.shape[1];
        Tensor gx = x.requiresGrad() ? g.matmul(w) : null;
        Tensor g2 = g.reshape(-1, out);
        Tensor gw = w.requiresGrad() ? g2.mT().matmul(x.reshape(-1, in)) : null;
        Tensor gb = b != null && b.requiresGrad() ? g2.sum(new int[] {0}, false) : null;
        return new Tensor[] {gx, gw, gb};
    }

    /** {@code [..., M, K] x [..., K, N]} with broadcast batch dims. */
    private static Tensor product(String op, Tensor a, Tensor b) {
        Elementwise.checkSameDevice(op, a, b);
        if (a.dtype != b.dtype) {
            throw new IllegalArgumentException(op + ": expected both operands to have the same dtype, got "
                    + a.dtype + " and " + b.dtype + "; convert one with .to(dtype)");
        }
        if (!a.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": operands must be floating point, got " + a.dtype);
        }
        int m = a.shape[a.dim() - 2];
        int k = a.shape[a.dim() - 1];
        int k2 = b.shape[b.dim() - 2];
        int n = b.shape[b.dim() - 1];
        if (k != k2) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " cannot be multiplied (" + k + " != " + k2 + ")");
        }
        int[] batchA = Arrays.copyOf(a.shape, a.dim() - 2);
        int[] batchB = Arrays.copyOf(b.shape, b.dim() - 2);
        int[] batch = Shapes.broadcast(op, batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        int[] aShape = Arrays.copyOf(batch, batch.length + 2);
        aShape[batch.length] = m;
        aShape[batch.length + 1] = k;
        int[] bShape = Arrays.copyOf(batch, batch.length + 2);
        bShape[batch.length] = k;
        bShape[batch.length + 1] = n;
        Tensor out = Creation.empty(a.dtype, a.device(), outShape);
        out.backend().matmul(Elementwise.broadcastTo(a, aShape), Elementwise.broadcastTo(b, bShape), out);
        int[] as = a.shape;
        int[] bs = b.shape;
        return out.record(op, Saved.of(a, b), g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumTo(g.matmul(b.mT()), as) : null,
            b.requiresGrad() ? Reductions.sumTo(a.mT().matmul(g), bs) : null}, a, b);
    }
}
