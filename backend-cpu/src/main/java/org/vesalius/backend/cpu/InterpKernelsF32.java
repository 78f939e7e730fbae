package org.vesalius.backend.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.vesalius.backend.InterpolationMode;

/**
 * Float32 resampling kernels (nearest, nearest-exact, linear in 1 to 3 dims) over planes of
 * {@code [planes, D, H, W]}; sizes and scale factors come padded to 3 dims with 1s and 0s. Source
 * positions and weights are computed once per dim, in the data's precision, as PyTorch does.
 *
 * <p>{@code InterpKernelsF64} is generated from this file by {@code scripts/generate-f64.sh}; edit this one and regenerate.
 */
final class InterpKernelsF32 {
    private InterpKernelsF32() {
    }

    /** Per output position of one dim: the two input positions and their weights. */
    static final class Linear {
        final int[] i0;
        final int[] i1;
        final float[] l0;
        final float[] l1;

        Linear(int in, int out, boolean alignCorners, double scaleFactor) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale;
            if (alignCorners) {
                scale = out > 1 ? (float) (in - 1) / (out - 1) : 0;
            } else {
                scale = scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) in / out;
            }
            for (int o = 0; o < out; o++) {
                if (out == in) {
                    i0[o] = o;
                    i1[o] = o;
                    l0[o] = 1;
                    l1[o] = 0;
                    continue;
                }
                float src = alignCorners ? scale * o : (float) (scale * (o + 0.5) - 0.5);
                if (src < 0) {
                    src = 0;
                }
                int lo = (int) src;
                i0[o] = lo;
                i1[o] = lo + (lo < in - 1 ? 1 : 0);
                float lambda = Math.min(Math.max(src - lo, 0), 1);
                l1[o] = lambda;
                l0[o] = 1 - lambda;
            }
        }
    }

    static void interpolate(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int planes, int[] in, int[] out,
                            InterpolationMode mode, boolean alignCorners, double[] scaleFactors, ParallelRange par) {
        int inP = in[0] * in[1] * in[2];
        int outP = out[0] * out[1] * out[2];
        Object tables = tables(in, out, mode, alignCorners, scaleFactors);
        par.run(planes, 8L * outP + inP, (p0, p1) -> {
            float[] src = NnScratch.floats(0, inP);
            float[] dst = NnScratch.floats(1, outP);
            for (int p = p0; p < p1; p++) {
                x.get(xOff + p * inP, src, 0, inP);
                if (mode == InterpolationMode.LINEAR) {
                    linearPlane(src, dst, (Linear[]) tables, in, out);
                } else {
                    nearestPlane(src, dst, (int[][]) tables, in, out, false);
                }
                y.put(yOff + p * outP, dst, 0, outP);
            }
        });
    }

    static void interpolateBackward(FloatBuffer gy, int gyOff, FloatBuffer gx, int gxOff, int planes, int[] in,
                                    int[] out, InterpolationMode mode, boolean alignCorners, double[] scaleFactors,
                                    ParallelRange par) {
        int inP = in[0] * in[1] * in[2];
        int outP = out[0] * out[1] * out[2];
        Object tables = tables(in, out, mode, alignCorners, scaleFactors);
        par.run(planes, 8L * outP + inP, (p0, p1) -> {
            float[] go = NnScratch.floats(0, outP);
            float[] gi = NnScratch.floats(1, inP);
            for (int p = p0; p < p1; p++) {
                gy.get(gyOff + p * outP, go, 0, outP);
                Arrays.fill(gi, 0, inP, 0);
                if (mode == InterpolationMode.LINEAR) {
                    linearPlaneBackward(go, gi, (Linear[]) tables, in, out);
                } else {
                    nearestPlane(gi, go, (int[][]) tables, in, out, true);
                }
                gx.put(gxOff + p * inP, gi, 0, inP);
            }
        });
    }

    private static Object tables(int[] in, int[] out, InterpolationMode mode, boolean alignCorners,
                                 double[] scaleFactors) {
        if (mode == InterpolationMode.LINEAR) {
            Linear[] t = new Linear[3];
            for (int d = 0; d < 3; d++) {
                t[d] = new Linear(in[d], out[d], alignCorners, scaleFactors[d]);
            }
            return t;
        }
        int[][] t = new int[3][];
        for (int d = 0; d < 3; d++) {
            t[d] = NearestIndex.table(in[d], out[d], scaleFactors[d], mode == InterpolationMode.NEAREST_EXACT);
        }
        return t;
    }

    /** Forward copies {@code x[src] -> y}; backward ({@code accumulate}) adds {@code y -> x[src]}. */
    private static void nearestPlane(float[] x, float[] y, int[][] t, int[] in, int[] out, boolean accumulate) {
        int[] sd = t[0];
        int[] sh = t[1];
        int[] sw = t[2];
        int o = 0;
        for (int od = 0; od < out[0]; od++) {
            for (int oh = 0; oh < out[1]; oh++) {
                int row = (sd[od] * in[1] + sh[oh]) * in[2];
                if (accumulate) {
                    for (int ow = 0; ow < out[2]; ow++, o++) {
                        x[row + sw[ow]] += y[o];
                    }
                } else {
                    for (int ow = 0; ow < out[2]; ow++, o++) {
                        y[o] = x[row + sw[ow]];
                    }
                }
            }
        }
    }

    private static void linearPlane(float[] x, float[] y, Linear[] t, int[] in, int[] out) {
        Linear td = t[0];
        Linear th = t[1];
        Linear tw = t[2];
        int[] w0 = tw.i0;
        int[] w1 = tw.i1;
        float[] lw0 = tw.l0;
        float[] lw1 = tw.l1;
        int hIn = in[1];
        int wIn = in[2];
        int outW = out[2];
        int o = 0;
        for (int od = 0; od < out[0]; od++) {
            float ld0 = td.l0[od];
            float ld1 = td.l1[od];
            for (int oh = 0; oh < out[1]; oh++) {
                float lh0 = th.l0[oh];
                float lh1 = th.l1[oh];
                int r00 = (td.i0[od] * hIn + th.i0[oh]) * wIn;
                int r01 = (td.i0[od] * hIn + th.i1[oh]) * wIn;
                int r10 = (td.i1[od] * hIn + th.i0[oh]) * wIn;
                int r11 = (td.i1[od] * hIn + th.i1[oh]) * wIn;
                // a zero weight in an outer dim means the other weight is exactly 1: skip those taps
                if (ld1 == 0 && lh1 == 0) {
                    for (int ow = 0; ow < outW; ow++, o++) {
                        y[o] = x[r00 + w0[ow]] * lw0[ow] + x[r00 + w1[ow]] * lw1[ow];
                    }
                } else if (ld1 == 0) {
                    for (int ow = 0; ow < outW; ow++, o++) {
                        float a = x[r00 + w0[ow]] * lw0[ow] + x[r00 + w1[ow]] * lw1[ow];
                        float b = x[r01 + w0[ow]] * lw0[ow] + x[r01 + w1[ow]] * lw1[ow];
                        y[o] = a * lh0 + b * lh1;
                    }
                } else {
                    for (int ow = 0; ow < outW; ow++, o++) {
                        float a = x[r00 + w0[ow]] * lw0[ow] + x[r00 + w1[ow]] * lw1[ow];
                        float b = x[r01 + w0[ow]] * lw0[ow] + x[r01 + w1[ow]] * lw1[ow];
                        float c = x[r10 + w0[ow]] * lw0[ow] + x[r10 + w1[ow]] * lw1[ow];
                        float e = x[r11 + w0[ow]] * lw0[ow] + x[r11 + w1[ow]] * lw1[ow];
                        y[o] = (a * lh0 + b * lh1) * ld0 + (c * lh0 + e * lh1) * ld1;
                    }
                }
            }
        }
    }

    private static void linearPlaneBackward(float[] gy, float[] gx, Linear[] t, int[] in, int[] out) {
        Linear td = t[0];
        Linear th = t[1];
        Linear tw = t[2];
        int[] w0 = tw.i0;
        int[] w1 = tw.i1;
        float[] lw0 = tw.l0;
        float[] lw1 = tw.l1;
        int hIn = in[1];
        int wIn = in[2];
        int outW = out[2];
        int o = 0;
        for (int od = 0; od < out[0]; od++) {
            float ld0 = td.l0[od];
            float ld1 = td.l1[od];
            for (int oh = 0; oh < out[1]; oh++) {
                int r00 = (td.i0[od] * hIn + th.i0[oh]) * wIn;
                int r01 = (td.i0[od] * hIn + th.i1[oh]) * wIn;
                int r10 = (td.i1[od] * hIn + th.i0[oh]) * wIn;
                int r11 = (td.i1[od] * hIn + th.i1[oh]) * wIn;
                float a0 = ld0 * th.l0[oh];
                float a1 = ld0 * th.l1[oh];
                float b0 = ld1 * th.l0[oh];
                float b1 = ld1 * th.l1[oh];
                boolean depth = ld1 != 0;
                boolean height = th.l1[oh] != 0;
                for (int ow = 0; ow < outW; ow++, o++) {
                    float g = gy[o];
                    float u0 = lw0[ow];
                    float u1 = lw1[ow];
                    gx[r00 + w0[ow]] += a0 * u0 * g;
                    gx[r00 + w1[ow]] += a0 * u1 * g;
                    if (height) {
                        gx[r01 + w0[ow]] += a1 * u0 * g;
                        gx[r01 + w1[ow]] += a1 * u1 * g;
                    }
                    if (depth) {
                        gx[r10 + w0[ow]] += b0 * u0 * g;
                        gx[r10 + w1[ow]] += b0 * u1 * g;
                        gx[r11 + w0[ow]] += b1 * u0 * g;
                        gx[r11 + w1[ow]] += b1 * u1 * g;
                    }
                }
            }
        }
    }
}
