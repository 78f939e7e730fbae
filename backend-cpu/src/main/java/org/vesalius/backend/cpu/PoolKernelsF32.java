package org.vesalius.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * Float32 pooling kernels over planes of {@code [planes, D, H, W]} data in native memory. Each task
 * copies whole planes into per-thread arrays, loops there and copies the result back; planes are
 * independent, so gradients scatter into their own plane without locks.
 *
 * <p>{@code PoolKernelsF64} is generated from this file by {@code scripts/generate-f64.sh}; edit this one and regenerate.
 */
final class PoolKernelsF32 {
    private PoolKernelsF32() {
    }

    /** Max pooling (plain or adaptive, as the geometry says); {@code idx} may be null. */
    static void maxPool(FloatBuffer x, int xOff, FloatBuffer y, int yOff, LongBuffer idx, int idxOff, int planes,
                        PoolGeometry g, ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            float[] in = NnScratch.floats(0, inP);
            float[] out = NnScratch.floats(1, outP);
            long[] ix = idx == null ? null : NnScratch.longs(0, outP);
            for (int p = p0; p < p1; p++) {
                x.get(xOff + p * inP, in, 0, inP);
                maxPlane(in, out, ix, g);
                y.put(yOff + p * outP, out, 0, outP);
                if (ix != null) {
                    idx.put(idxOff + p * outP, ix, 0, outP);
                }
            }
        });
    }

    static void maxPlane(float[] x, float[] y, long[] ix, PoolGeometry g) {
        int h = g.inH;
        int w = g.inW;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            int d0 = g.firstD[od];
            int nd = g.countD[od];
            for (int oh = 0; oh < g.outH; oh++) {
                int h0 = g.firstH[oh];
                int nh = g.countH[oh];
                for (int ow = 0; ow < g.outW; ow++, o++) {
                    int w0 = g.firstW[ow];
                    int nw = g.countW[ow];
                    // PyTorch starts from the window's first valid position, so an all -inf window
                    // still points inside it
                    int best = (d0 * h + h0) * w + w0;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int a = 0; a < nd; a++) {
                        int plane = (d0 + a * g.dilD) * h;
                        for (int b = 0; b < nh; b++) {
                            int row = (plane + h0 + b * g.dilH) * w + w0;
                            for (int c = 0; c < nw; c++) {
                                int i = row + c * g.dilW;
                                float v = x[i];
                                if (v > m || v != v) {
                                    m = v;
                                    best = i;
                                }
                            }
                        }
                    }
                    y[o] = m;
                    if (ix != null) {
                        ix[o] = best;
                    }
                }
            }
        }
    }

    /** Gradient of max pooling: each plane of {@code gx} is zero except at its indices. */
    static void maxPoolBackward(FloatBuffer gy, int gyOff, LongBuffer idx, int idxOff, FloatBuffer gx, int gxOff,
                                int planes, int inP, int outP, ParallelRange par) {
        par.run(planes, (long) outP + inP, (p0, p1) -> {
            float[] go = NnScratch.floats(0, outP);
            float[] gi = NnScratch.floats(1, inP);
            long[] ix = NnScratch.longs(0, outP);
            for (int p = p0; p < p1; p++) {
                gy.get(gyOff + p * outP, go, 0, outP);
                idx.get(idxOff + p * outP, ix, 0, outP);
                Arrays.fill(gi, 0, inP, 0);
                for (int o = 0; o < outP; o++) {
                    long i = ix[o];
                    // a dilated window can lie wholly in the padding: PyTorch gives -inf there, an
                    // index past the plane, and no gradient
                    if (i >= 0 && i < inP) {
                        gi[(int) i] += go[o];
                    }
                }
                gx.put(gxOff + p * inP, gi, 0, inP);
            }
        });
    }

    /** Average pooling (plain or adaptive, as the geometry says). */
    static void avgPool(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int planes, PoolGeometry g,
                        ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            float[] in = NnScratch.floats(0, inP);
            float[] out = NnScratch.floats(1, outP);
            for (int p = p0; p < p1; p++) {
                x.get(xOff + p * inP, in, 0, inP);
                avgPlane(in, out, g);
                y.put(yOff + p * outP, out, 0, outP);
            }
        });
    }

    static void avgPlane(float[] x, float[] y, PoolGeometry g) {
        int h = g.inH;
        int w = g.inW;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            int d0 = g.firstD[od];
            int nd = g.countD[od];
            for (int oh = 0; oh < g.outH; oh++) {
                int h0 = g.firstH[oh];
                int nh = g.countH[oh];
                for (int ow = 0; ow < g.outW; ow++, o++) {
                    int w0 = g.firstW[ow];
                    int nw = g.countW[ow];
                    float sum = 0;
                    for (int a = 0; a < nd; a++) {
                        int plane = (d0 + a) * h;
                        for (int b = 0; b < nh; b++) {
                            int row = (plane + h0 + b) * w + w0;
                            for (int c = 0; c < nw; c++) {
                                sum += x[row + c];
                            }
                        }
                    }
                    y[o] = nd * nh * nw == 0 ? 0 : divide(sum, g, od, oh, ow);
                }
            }
        }
    }

    private static float divide(float sum, PoolGeometry g, int od, int oh, int ow) {
        if (g.divisorOverride != 0) {
            return sum / g.divisorOverride;
        }
        if (g.divideInTurn) {
            return sum / g.divD[od] / g.divH[oh] / g.divW[ow];
        }
        return sum / (g.divD[od] * g.divH[oh] * g.divW[ow]);
    }

    /** Gradient of average pooling: each output's gradient, divided as in the forward, spread over its window. */
    static void avgPoolBackward(FloatBuffer gy, int gyOff, FloatBuffer gx, int gxOff, int planes, PoolGeometry g,
                                ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            float[] go = NnScratch.floats(0, outP);
            float[] gi = NnScratch.floats(1, inP);
            for (int p = p0; p < p1; p++) {
                gy.get(gyOff + p * outP, go, 0, outP);
                Arrays.fill(gi, 0, inP, 0);
                avgPlaneBackward(go, gi, g);
                gx.put(gxOff + p * inP, gi, 0, inP);
            }
        });
    }

    static void avgPlaneBackward(float[] gy, float[] gx, PoolGeometry g) {
        int h = g.inH;
        int w = g.inW;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            int d0 = g.firstD[od];
            int nd = g.countD[od];
            for (int oh = 0; oh < g.outH; oh++) {
                int h0 = g.firstH[oh];
                int nh = g.countH[oh];
                for (int ow = 0; ow < g.outW; ow++, o++) {
                    int w0 = g.firstW[ow];
                    int nw = g.countW[ow];
                    if (nd * nh * nw == 0) {
                        continue;
                    }
                    float delta = divide(gy[o], g, od, oh, ow);
                    for (int a = 0; a < nd; a++) {
                        int plane = (d0 + a) * h;
                        for (int b = 0; b < nh; b++) {
                            int row = (plane + h0 + b) * w + w0;
                            for (int c = 0; c < nw; c++) {
                                gx[row + c] += delta;
                            }
                        }
                    }
                }
            }
        }
    }
}
