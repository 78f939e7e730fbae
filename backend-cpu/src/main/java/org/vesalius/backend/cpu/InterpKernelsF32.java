package org.vesalius.backend.cpu;

import java.util.Arrays;
import org.vesalius.backend.InterpolationMode;

/**
 * Float32 resampling kernels (nearest, nearest-exact, linear in 1 to 3 dims, bicubic in 2) over
 * planes of {@code [planes, D, H, W]}; sizes and scale factors come padded to 3 dims with 1s and 0s.
 * Source positions and weights are computed once per dim, in the data's precision, as PyTorch does.
 *
 * <p>{@code InterpKernelsF64} is generated from this file by {@code scripts/generate-f64.sh}; edit this one and regenerate.
 */
final class InterpKernelsF32 {
    private InterpKernelsF32() {
    }

    /** PyTorch's {@code area_pixel_compute_scale}: the source step from one output position to the next. */
    static float sourceScale(int in, int out, boolean alignCorners, double scaleFactor) {
        if (alignCorners) {
            return out > 1 ? (float) (in - 1) / (out - 1) : 0;
        }
        return scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) in / out;
    }

    /**
     * PyTorch's {@code area_pixel_compute_source_index}: the input coordinate of output position
     * {@code o}, negative near the start when corners are not aligned (the linear modes clamp it).
     */
    static float sourceIndex(float scale, int o, boolean alignCorners) {
        return alignCorners ? scale * o : (float) (scale * (o + 0.5) - 0.5);
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
            float scale = sourceScale(in, out, alignCorners, scaleFactor);
            for (int o = 0; o < out; o++) {
                if (out == in) {
                    i0[o] = o;
                    i1[o] = o;
                    l0[o] = 1;
                    l1[o] = 0;
                    continue;
                }
                float src = sourceIndex(scale, o, alignCorners);
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

    /**
     * Per output position of one dim: the four input positions {@code floor(src) - 1 .. + 2}, clamped
     * to the input (PyTorch repeats the edge rather than padding with zeros), and their weights from
     * Keys' cubic convolution with {@code A = -0.75}, as PyTorch's {@code upsample_bicubic2d}.
     */
    static final class Cubic {
        private static final float A = (float) -0.75;

        /** {@code [out][4]} flattened. */
        final int[] idx;
        final float[] w;

        Cubic(int in, int out, boolean alignCorners, double scaleFactor) {
            idx = new int[4 * out];
            w = new float[4 * out];
            float scale = sourceScale(in, out, alignCorners, scaleFactor);
            for (int o = 0; o < out; o++) {
                float src = sourceIndex(scale, o, alignCorners);
                int lo = Math.min((int) Math.floor(src), in - 1);
                float t = Math.min(Math.max(src - lo, 0), 1);
                int k = 4 * o;
                float t2 = (float) (1.0 - t);
                w[k] = outer((float) (t + 1.0));
                w[k + 1] = inner(t);
                w[k + 2] = inner(t2);
                w[k + 3] = outer((float) (t2 + 1.0));
                for (int j = 0; j < 4; j++) {
                    idx[k + j] = Math.max(Math.min(lo - 1 + j, in - 1), 0);
                }
            }
        }

        /** The kernel at distance {@code |x| <= 1}. */
        private static float inner(float x) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }

        /** The kernel at distance {@code 1 < |x| < 2}. */
        private static float outer(float x) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
    }

    static void interpolate(CpuStorage x, int xOff, CpuStorage y, int yOff, int planes, int[] in, int[] out,
                            InterpolationMode mode, boolean alignCorners, double[] scaleFactors, ParallelRange par) {
        int inP = in[0] * in[1] * in[2];
        int outP = out[0] * out[1] * out[2];
        Object tables = tables(in, out, mode, alignCorners, scaleFactors);
        par.run(planes, 8L * outP + inP, (p0, p1) -> {
            float[] src = NnScratch.floats(0, inP);
            float[] dst = NnScratch.floats(1, outP);
            float[] tw = NnScratch.floats(2, in[0] * in[1] * out[2]);
            float[] th = NnScratch.floats(3, in[0] * out[1] * out[2]);
            for (int p = p0; p < p1; p++) {
                Access.load(x, xOff + p * inP, 1, src, inP);
                if (mode == InterpolationMode.LINEAR) {
                    linearPlane(src, dst, (Linear[]) tables, in, out, tw, th);
                } else if (mode == InterpolationMode.BICUBIC) {
                    cubicPlane(src, dst, (Cubic[]) tables, in, out, tw);
                } else {
                    nearestPlane(src, dst, (int[][]) tables, in, out, false);
                }
                Access.store(dst, outP, y, yOff + p * outP, 1);
            }
        });
    }

    static void interpolateBackward(CpuStorage gy, int gyOff, CpuStorage gx, int gxOff, int planes, int[] in,
                                    int[] out, InterpolationMode mode, boolean alignCorners, double[] scaleFactors,
                                    ParallelRange par) {
        int inP = in[0] * in[1] * in[2];
        int outP = out[0] * out[1] * out[2];
        Object tables = tables(in, out, mode, alignCorners, scaleFactors);
        par.run(planes, 8L * outP + inP, (p0, p1) -> {
            float[] go = NnScratch.floats(0, outP);
            float[] gi = NnScratch.floats(1, inP);
            float[] th = NnScratch.floats(2, in[0] * out[1] * out[2]);
            float[] tw = NnScratch.floats(3, in[0] * in[1] * out[2]);
            for (int p = p0; p < p1; p++) {
                Access.load(gy, gyOff + p * outP, 1, go, outP);
                Arrays.fill(gi, 0, inP, 0);
                if (mode == InterpolationMode.LINEAR) {
                    linearPlaneBackward(go, gi, (Linear[]) tables, in, out, th, tw);
                } else if (mode == InterpolationMode.BICUBIC) {
                    cubicPlaneBackward(go, gi, (Cubic[]) tables, in, out);
                } else {
                    nearestPlane(gi, go, (int[][]) tables, in, out, true);
                }
                Access.store(gi, inP, gx, gxOff + p * inP, 1);
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
        if (mode == InterpolationMode.BICUBIC) {
            // 2-D only: dim 0 is the padding 1 -> 1
            return new Cubic[] {null, new Cubic(in[1], out[1], alignCorners, scaleFactors[1]),
                new Cubic(in[2], out[2], alignCorners, scaleFactors[2])};
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

    // Linear resampling is separable: interpolate along W for every input row, then along H between
    // those rows, then along D between planes, which is also PyTorch's order of operations. Each pass
    // touches every value of its output once; a dim whose size does not change is skipped (its
    // weights are exactly 1 and 0). The backward runs the transposed passes in reverse order.

    private static boolean resized(int[] in, int[] out, int d) {
        return in[d] != out[d];
    }

    private static void linearPlane(float[] x, float[] y, Linear[] t, int[] in, int[] out, float[] tw, float[] th) {
        boolean rw = resized(in, out, 2);
        boolean rh = resized(in, out, 1);
        boolean rd = resized(in, out, 0);
        float[] a = x;
        if (rw) {
            float[] dst = rh || rd ? tw : y;
            alongW(a, dst, in[0] * in[1], in[2], out[2], t[2]);
            a = dst;
        }
        if (rh) {
            float[] dst = rd ? th : y;
            alongRows(a, dst, in[0], in[1], out[1], out[2], t[1]);
            a = dst;
        }
        if (rd) {
            alongRows(a, y, 1, in[0], out[0], out[1] * out[2], t[0]);
            a = y;
        }
        if (a != y) {
            System.arraycopy(a, 0, y, 0, out[0] * out[1] * out[2]);
        }
    }

    /** {@code dst[r][o] = src[r][i0[o]] * l0[o] + src[r][i1[o]] * l1[o]} for each of {@code rows} rows. */
    private static void alongW(float[] src, float[] dst, int rows, int inW, int outW, Linear t) {
        int[] i0 = t.i0;
        int[] i1 = t.i1;
        float[] l0 = t.l0;
        float[] l1 = t.l1;
        for (int r = 0; r < rows; r++) {
            int s = r * inW;
            int d = r * outW;
            for (int o = 0; o < outW; o++) {
                dst[d + o] = src[s + i0[o]] * l0[o] + src[s + i1[o]] * l1[o];
            }
        }
    }

    /**
     * Interpolates between rows of length {@code len}: {@code src} is {@code [outer][in][len]},
     * {@code dst} is {@code [outer][out][len]}.
     */
    private static void alongRows(float[] src, float[] dst, int outer, int in, int out, int len, Linear t) {
        for (int q = 0; q < outer; q++) {
            for (int o = 0; o < out; o++) {
                int s0 = (q * in + t.i0[o]) * len;
                int s1 = (q * in + t.i1[o]) * len;
                int d = (q * out + o) * len;
                float a = t.l0[o];
                float b = t.l1[o];
                if (b == 0) {
                    // a is exactly 1
                    System.arraycopy(src, s0, dst, d, len);
                } else {
                    for (int j = 0; j < len; j++) {
                        dst[d + j] = src[s0 + j] * a + src[s1 + j] * b;
                    }
                }
            }
        }
    }

    private static void linearPlaneBackward(float[] gy, float[] gx, Linear[] t, int[] in, int[] out, float[] th,
                                            float[] tw) {
        boolean rw = resized(in, out, 2);
        boolean rh = resized(in, out, 1);
        boolean rd = resized(in, out, 0);
        float[] a = gy;
        if (rd) {
            float[] dst = rh || rw ? th : gx;
            rowsTransposed(a, dst, 1, in[0], out[0], out[1] * out[2], t[0]);
            a = dst;
        }
        if (rh) {
            float[] dst = rw ? tw : gx;
            rowsTransposed(a, dst, in[0], in[1], out[1], out[2], t[1]);
            a = dst;
        }
        if (rw) {
            wTransposed(a, gx, in[0] * in[1], in[2], out[2], t[2]);
            a = gx;
        }
        if (a != gx) {
            System.arraycopy(a, 0, gx, 0, in[0] * in[1] * in[2]);
        }
    }

    /** Adjoint of {@link #alongRows}: {@code dst [outer][in][len]} (overwritten) from {@code src [outer][out][len]}. */
    private static void rowsTransposed(float[] src, float[] dst, int outer, int in, int out, int len, Linear t) {
        Arrays.fill(dst, 0, outer * in * len, 0);
        for (int q = 0; q < outer; q++) {
            for (int o = 0; o < out; o++) {
                int s = (q * out + o) * len;
                int d0 = (q * in + t.i0[o]) * len;
                int d1 = (q * in + t.i1[o]) * len;
                float a = t.l0[o];
                float b = t.l1[o];
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] += a * src[s + j];
                }
                if (b != 0) {
                    for (int j = 0; j < len; j++) {
                        dst[d1 + j] += b * src[s + j];
                    }
                }
            }
        }
    }

    /** Adjoint of {@link #alongW}: adds into {@code dst [rows][inW]}, which the caller zeroed. */
    private static void wTransposed(float[] src, float[] dst, int rows, int inW, int outW, Linear t) {
        int[] i0 = t.i0;
        int[] i1 = t.i1;
        float[] l0 = t.l0;
        float[] l1 = t.l1;
        for (int r = 0; r < rows; r++) {
            int s = r * outW;
            int d = r * inW;
            for (int o = 0; o < outW; o++) {
                float g = src[s + o];
                dst[d + i0[o]] += l0[o] * g;
                dst[d + i1[o]] += l1[o] * g;
            }
        }
    }

    // Bicubic forward is separable too: along W for each input row, then along H between those rows,
    // each sum taken in PyTorch's order (tap 0 to 3, W inside H), so float32 results round alike.

    private static void cubicPlane(float[] x, float[] y, Cubic[] t, int[] in, int[] out, float[] tw) {
        int inH = in[1];
        int inW = in[2];
        int outH = out[1];
        int outW = out[2];
        int[] iw = t[2].idx;
        float[] ww = t[2].w;
        for (int r = 0; r < inH; r++) {
            int s = r * inW;
            int d = r * outW;
            for (int o = 0, k = 0; o < outW; o++, k += 4) {
                tw[d + o] = x[s + iw[k]] * ww[k] + x[s + iw[k + 1]] * ww[k + 1] + x[s + iw[k + 2]] * ww[k + 2]
                        + x[s + iw[k + 3]] * ww[k + 3];
            }
        }
        int[] ih = t[1].idx;
        float[] wh = t[1].w;
        for (int o = 0, k = 0; o < outH; o++, k += 4) {
            int r0 = ih[k] * outW;
            int r1 = ih[k + 1] * outW;
            int r2 = ih[k + 2] * outW;
            int r3 = ih[k + 3] * outW;
            float a0 = wh[k];
            float a1 = wh[k + 1];
            float a2 = wh[k + 2];
            float a3 = wh[k + 3];
            int d = o * outW;
            for (int j = 0; j < outW; j++) {
                y[d + j] = tw[r0 + j] * a0 + tw[r1 + j] * a1 + tw[r2 + j] * a2 + tw[r3 + j] * a3;
            }
        }
    }

    /**
     * Adjoint of {@link #cubicPlane}: adds {@code gy * wH * wW} into the 16 clamped taps of each output,
     * in PyTorch's order (W tap outside H tap), into {@code gx}, which the caller zeroed.
     */
    private static void cubicPlaneBackward(float[] gy, float[] gx, Cubic[] t, int[] in, int[] out) {
        int inW = in[2];
        int outW = out[2];
        int[] ih = t[1].idx;
        float[] wh = t[1].w;
        int[] iw = t[2].idx;
        float[] ww = t[2].w;
        for (int oh = 0, kh = 0; oh < out[1]; oh++, kh += 4) {
            for (int ow = 0, kw = 0; ow < outW; ow++, kw += 4) {
                float g = gy[oh * outW + ow];
                for (int i = 0; i < 4; i++) {
                    int col = iw[kw + i];
                    float wx = ww[kw + i];
                    for (int j = 0; j < 4; j++) {
                        gx[ih[kh + j] * inW + col] += g * wh[kh + j] * wx;
                    }
                }
            }
        }
    }
}
