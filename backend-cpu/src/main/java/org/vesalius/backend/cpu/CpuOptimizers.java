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
        Floats p = Floats.of(param);
        Floats g = Floats.of(grad);
        Floats b = Floats.of(buf);
        float wd = (float) weightDecay;
        float mom = (float) momentum;
        float keep = (float) (1 - dampening);
        float step = (float) -lr;
        boolean hasMomentum = buf != null;
        forChunks(param.checkedNumel("sgdStep"), 5, (from, len) -> {
            float[] pv = NnScratch.floats(0, len);
            float[] gv = NnScratch.floats(1, len);
            float[] bv = NnScratch.floats(2, len);
            p.get(from, pv, len);
            g.get(from, gv, len);
            if (weightDecay != 0) {
                for (int i = 0; i < len; i++) {
                    gv[i] = gv[i] + wd * pv[i];
                }
            }
            if (hasMomentum) {
                if (firstStep) {
                    System.arraycopy(gv, 0, bv, 0, len);
                } else {
                    b.get(from, bv, len);
                    for (int i = 0; i < len; i++) {
                        bv[i] = bv[i] * mom + keep * gv[i];
                    }
                }
                b.put(from, bv, len);
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
            p.put(from, pv, len);
        });
        return true;
    }

    static boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double lr,
                            double beta1, double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        if (!fusable(param, grad, expAvg, expAvgSq, maxExpAvgSq)) {
            return false;
        }
        Floats p = Floats.of(param);
        Floats g = Floats.of(grad);
        Floats m = Floats.of(expAvg);
        Floats v = Floats.of(expAvgSq);
        Floats vmax = Floats.of(maxExpAvgSq);
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
            p.get(from, pv, len);
            g.get(from, gv, len);
            m.get(from, mv, len);
            v.get(from, vv, len);
            if (amsgrad) {
                vmax.get(from, xv, len);
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
            p.put(from, pv, len);
            m.put(from, mv, len);
            v.put(from, vv, len);
            if (amsgrad) {
                vmax.put(from, xv, len);
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

    /**
     * A float32 tensor's elements, read and written in chunks: through its FloatBuffer, or through
     * {@link Access} when its storage is past 2^31-1 bytes (segmented). Access serves every dtype and
     * stride, and in a program that runs many kinds of ops the JIT compiles it more generally than
     * this call site: a fused Adam step took 11% longer through it.
     */
    private static final class Floats {
        private final CpuStorage storage;
        private final java.nio.FloatBuffer buffer;
        private final int offset;

        private Floats(CpuStorage storage, int offset) {
            this.storage = storage;
            this.buffer = storage.block.segmented() ? null : storage.block.floats();
            this.offset = offset;
        }

        /** Null for a null tensor (absent optimizer state). */
        static Floats of(Tensor t) {
            return t == null ? null : new Floats(NnTensors.storage(t), t.offset());
        }

        void get(int from, float[] dst, int len) {
            if (buffer != null) {
                buffer.get(offset + from, dst, 0, len);
            } else {
                Access.load(storage, offset + from, 1, dst, len);
            }
        }

        void put(int from, float[] src, int len) {
            if (buffer != null) {
                buffer.put(offset + from, src, 0, len);
            } else {
                Access.store(src, len, storage, offset + from, 1);
            }
        }
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
