package org.vesalius.tensor;

import java.util.Arrays;

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
        return out.record(op, g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumTo(g.matmul(b.mT()), as) : null,
            b.requiresGrad() ? Reductions.sumTo(a.mT().matmul(g), bs) : null}, a, b);
    }
}
