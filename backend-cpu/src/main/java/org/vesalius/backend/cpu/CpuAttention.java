package org.vesalius.backend.cpu;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The backend's blocked attention entry points: checks the layout ({@link AttentionGeometry}) and runs
 * the dtype's kernels ({@code AttentionKernelsF32}, {@code AttentionKernelsF64}), which put the block
 * products on the backend's matmul. oneDNN 3.11 has no public CPU attention primitive.
 */
final class CpuAttention {
    private CpuAttention() {
    }

    static boolean supports(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
    }

    static void forward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, double dropoutP,
                        long seed, long offset, Tensor out, Tensor lse) {
        AttentionGeometry g = AttentionGeometry.of("attentionForward", q, k, v, mask, causal, scale, dropoutP, seed,
                offset, out, lse);
        if (g.batch == 0 || g.l == 0 || g.ev == 0) {
            return;
        }
        if (g.s == 0) {
            // softmax over no keys: every row is NaN, as the composed formula gives
            CpuElementwise.fill(out, Double.NaN);
            CpuElementwise.fill(lse, Double.NEGATIVE_INFINITY);
            return;
        }
        if (q.dtype() == DType.FLOAT32) {
            AttentionKernelsF32.forward(g);
        } else {
            AttentionKernelsF64.forward(g);
        }
    }

    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, double dropoutP,
                         long seed, long offset, Tensor out, Tensor lse, Tensor gradOut, Tensor gradQ, Tensor gradK,
                         Tensor gradV) {
        String op = "attentionBackward";
        AttentionGeometry g = AttentionGeometry.of(op, q, k, v, mask, causal, scale, dropoutP, seed, offset, out, lse);
        NnTensors.requireContiguous(op, q, gradOut, gradQ, gradK, gradV);
        CpuElementwise.fill(gradQ, 0);
        if (g.s == 0 || g.l == 0 || g.batch == 0) {
            CpuElementwise.fill(gradK, 0);
            CpuElementwise.fill(gradV, 0);
            return;
        }
        if (q.dtype() == DType.FLOAT32) {
            AttentionKernelsF32.backward(g, gradOut, gradQ, gradK, gradV);
        } else {
            AttentionKernelsF64.backward(g, gradOut, gradQ, gradK, gradV);
        }
    }
}
