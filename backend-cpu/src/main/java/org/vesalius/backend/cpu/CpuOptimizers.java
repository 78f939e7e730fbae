package org.vesalius.backend.cpu;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Fused float32 optimizer steps: one pass over a parameter and its state instead of the five to ten
 * elementwise ops (and their temporaries) the step is composed of. Per op the backend pays a call into
 * oneDNN or the worker pool, which for LeNet's and a U-Net's many small tensors (biases, norm weights)
 * costs more than the arithmetic. The formulas are PyTorch's, evaluated in float32; results agree with
 * PyTorch's to within rounding, not bit for bit (ATen fuses some of its multiply-adds).
 * Other dtypes and strided tensors return false: the optimizer composes the step from tensor ops.
 */
final class CpuOptimizers {
    private static final int CHUNK = NnScratch.CHUNK;

    private CpuOptimizers() {
    }

    static boolean sgdStep(Tensor param, Tensor grad, Tensor buf, double lr, double momentum, double dampening,
                           double weightDecay, boolean nesterov, boolean firstStep) {
        if (!fusable(param, grad, buf)) {
            return false;
        }
        CpuStorage p = NnTensors.storage(param);
        CpuStorage g = NnTensors.storage(grad);
        CpuStorage b = NnTensors.storage(buf);
        int pOff = param.offset();
        int gOff = grad.offset();
        int bOff = NnTensors.offset(buf);
        float wd = (float) weightDecay;
        float mom = (float) momentum;
        float keep = (float) (1 - dampening);
        float step = (float) -lr;
        boolean hasMomentum = buf != null;
        forChunks(param.checkedNumel("sgdStep"), 5, (from, len) -> {
            float[] pv = NnScratch.floats(0, len);
            float[] gv = NnScratch.floats(1, len);
            float[] bv = NnScratch.floats(2, len);
            Access.load(p, pOff + from, 1, pv, len);
            Access.load(g, gOff + from, 1, gv, len);
            if (weightDecay != 0) {
                for (int i = 0; i < len; i++) {
                    gv[i] = gv[i] + wd * pv[i];
                }
            }
            if (hasMomentum) {
                if (firstStep) {
                    System.arraycopy(gv, 0, bv, 0, len);
                } else {
                    Access.load(b, bOff + from, 1, bv, len);
                    for (int i = 0; i < len; i++) {
                        bv[i] = bv[i] * mom + keep * gv[i];
                    }
                }
                Access.store(bv, len, b, bOff + from, 1);
                if (nesterov) {
                    for (int i = 0; i < len; i++) {
                        gv[i] = gv[i] + mom * bv[i];
                    }
                } else {
                    System.arraycopy(bv, 0, gv, 0, len);
                }
            }
            for (int i = 0; i < len; i++) {
                pv[i] = pv[i] + step * gv[i];
            }
            Access.store(pv, len, p, pOff + from, 1);
        });
        return true;
    }

    static boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double lr,
                            double beta1, double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        if (!fusable(param, grad, expAvg, expAvgSq, maxExpAvgSq)) {
            return false;
        }
        CpuStorage p = NnTensors.storage(param);
        CpuStorage g = NnTensors.storage(grad);
        CpuStorage m = NnTensors.storage(expAvg);
        CpuStorage v = NnTensors.storage(expAvgSq);
        CpuStorage vmax = NnTensors.storage(maxExpAvgSq);
        int pOff = param.offset();
        int gOff = grad.offset();
        int mOff = expAvg.offset();
        int vOff = expAvgSq.offset();
        int vmaxOff = NnTensors.offset(maxExpAvgSq);
        // the scalars as PyTorch forms them: in double, then used as float32 operands
        float decay = (float) (1 - lr * weightDecay);
        float l2 = decoupled ? 0f : (float) weightDecay;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float epsF = (float) eps;
        float negStepSize = (float) -(lr / (1 - Math.pow(beta1, step)));
        boolean scale = decoupled && weightDecay != 0;
        boolean amsgrad = maxExpAvgSq != null;
        forChunks(param.checkedNumel("adamStep"), amsgrad ? 9 : 7, (from, len) -> {
            float[] pv = NnScratch.floats(0, len);
            float[] gv = NnScratch.floats(1, len);
            float[] mv = NnScratch.floats(2, len);
            float[] vv = NnScratch.floats(3, len);
            float[] xv = amsgrad ? NnScratch.floats(4, len) : null;
            Access.load(p, pOff + from, 1, pv, len);
            Access.load(g, gOff + from, 1, gv, len);
            Access.load(m, mOff + from, 1, mv, len);
            Access.load(v, vOff + from, 1, vv, len);
            if (amsgrad) {
                Access.load(vmax, vmaxOff + from, 1, xv, len);
            }
            if (scale) {
                for (int i = 0; i < len; i++) {
                    pv[i] = pv[i] * decay;
                }
            }
            if (l2 != 0) {
                for (int i = 0; i < len; i++) {
                    gv[i] = gv[i] + l2 * pv[i];
                }
            }
            if (amsgrad) {
                for (int i = 0; i < len; i++) {
                    float gi = gv[i];
                    float mi = mv[i] * b1 + oneMinusB1 * gi;
                    float vi = vv[i] * b2 + oneMinusB2 * gi * gi;
                    float xi = Math.max(xv[i], vi);
                    mv[i] = mi;
                    vv[i] = vi;
                    xv[i] = xi;
                    pv[i] = pv[i] + negStepSize * mi / ((float) Math.sqrt(xi) / bc2Sqrt + epsF);
                }
            } else {
                // one loop: a single vectorized body is also what the JIT has to compile while training warms up
                for (int i = 0; i < len; i++) {
                    float gi = gv[i];
                    float mi = mv[i] * b1 + oneMinusB1 * gi;
                    float vi = vv[i] * b2 + oneMinusB2 * gi * gi;
                    mv[i] = mi;
                    vv[i] = vi;
                    pv[i] = pv[i] + negStepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + epsF);
                }
            }
            Access.store(pv, len, p, pOff + from, 1);
            Access.store(mv, len, m, mOff + from, 1);
            Access.store(vv, len, v, vOff + from, 1);
            if (amsgrad) {
                Access.store(xv, len, vmax, vmaxOff + from, 1);
            }
        });
        return true;
    }

    /** float32, contiguous, one shape; nulls (absent state) are skipped. */
    private static boolean fusable(Tensor param, Tensor... others) {
        if (param.dtype() != DType.FLOAT32 || !param.isContiguous()) {
            return false;
        }
        long n = param.numel();
        for (Tensor t : others) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous() || t.numel() != n
                    || !java.util.Arrays.equals(t.shape(), param.shape()))) {
                return false;
            }
        }
        return true;
    }

    private interface ChunkBody {
        void run(int from, int len);
    }

    /**
     * Runs {@code body} over chunks of {@link #CHUNK} elements, on the worker pool when there is enough
     * work ({@code streams} float arrays read or written per element), else on the caller's thread.
     */
    private static void forChunks(int n, int streams, ChunkBody body) {
        int chunks = (int) (((long) n + CHUNK - 1) / CHUNK);
        ParallelRange.POOL.run(chunks, (long) CHUNK * streams, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = c * CHUNK;
                body.run(from, Math.min(CHUNK, n - from));
            }
        });
    }
}
