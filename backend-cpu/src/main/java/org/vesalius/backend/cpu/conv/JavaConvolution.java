package org.vesalius.backend.cpu.conv;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Convolution in plain Java on dense row-major {@code double[]} arrays: the float64 path (gradient
 * checks) and the reference the oneDNN path is tested against.
 *
 * <p>Direct loops, with the valid range of each output row computed once per kernel tap so the
 * innermost loop has no bounds tests and the JIT can vectorise it. Work is split over independent
 * output slices (one per (n, channel) or per weight row), so no two tasks write the same element and
 * results do not depend on the thread count. 1-d and 2-d run as 3-d with leading unit dims.
 */
public final class JavaConvolution {
    /** Below this many multiply-adds a single thread is faster than forking. */
    private static final long PARALLEL_WORK = 1 << 16;

    private JavaConvolution() {
    }

    /** Runs {@code body(0) .. body(tasks - 1)}, possibly in parallel; lets the backend supply its own threads. */
    @FunctionalInterface
    public interface ParallelFor {
        void run(int tasks, IntConsumer body);
    }

    /** The common fork-join pool, for callers without a thread pool of their own (tests). */
    public static final ParallelFor COMMON_POOL = (tasks, body) -> IntStream.range(0, tasks).parallel().forEach(body);

    /** Spatial sizes and params lifted to 3-d. */
    private static final class G3 {
        final int n;
        final int c;
        final int o;
        final int cg;
        final int og;
        final int[] in = {1, 1, 1};
        final int[] out = {1, 1, 1};
        final int[] k = {1, 1, 1};
        final int[] s = {1, 1, 1};
        final int[] p = {0, 0, 0};
        final int[] dl = {1, 1, 1};
        final int inVol;
        final int outVol;
        final int kVol;

        G3(ConvGeometry g) {
            n = g.n;
            c = g.c;
            o = g.o;
            cg = g.c / g.groups;
            og = g.o / g.groups;
            int shift = 3 - g.spatialDims();
            for (int d = 0; d < g.spatialDims(); d++) {
                in[d + shift] = g.in[d];
                out[d + shift] = g.out[d];
                k[d + shift] = g.k[d];
                s[d + shift] = g.params.stride(d);
                p[d + shift] = g.params.padBegin(d);
                dl[d + shift] = g.params.dilation(d);
            }
            inVol = in[0] * in[1] * in[2];
            outVol = out[0] * out[1] * out[2];
            kVol = k[0] * k[1] * k[2];
        }

        /** First output index whose tap {@code kk} along dim {@code d} reads inside the input. */
        int lo(int d, int kk) {
            return Math.max(0, ceilDiv(p[d] - kk * dl[d], s[d]));
        }

        /** One past the last such output index. */
        int hi(int d, int kk) {
            return Math.min(out[d], Math.floorDiv(in[d] - 1 + p[d] - kk * dl[d], s[d]) + 1);
        }

        long work() {
            return (long) n * o * cg * kVol * outVol;
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * {@code y = conv(x, w) + b}.
     *
     * @param x input {@code [N, C, *in]}, dense
     * @param w weight {@code [O, C/groups, *k]}, dense
     * @param b bias {@code [O]} or null
     * @param y output {@code [N, O, *out]}, dense, overwritten
     */
    public static void forward(ConvGeometry geometry, double[] x, double[] w, double[] b, double[] y) {
        forward(geometry, x, w, b, y, COMMON_POOL);
    }

    /** {@link #forward(ConvGeometry, double[], double[], double[], double[])} on the threads of {@code pf}. */
    public static void forward(ConvGeometry geometry, double[] x, double[] w, double[] b, double[] y, ParallelFor pf) {
        G3 g = new G3(geometry);
        check("forward", x, g.n * g.c * g.inVol, w, g.o * g.cg * g.kVol, y, g.n * g.o * g.outVol);
        parallel(pf, g.n * g.o, g.work(), task -> {
            int nn = task / g.o;
            int oo = task % g.o;
            int cBase = (oo / g.og) * g.cg;
            int yBase = task * g.outVol;
            Arrays.fill(y, yBase, yBase + g.outVol, b == null ? 0 : b[oo]);
            for (int cc = 0; cc < g.cg; cc++) {
                int xBase = (nn * g.c + cBase + cc) * g.inVol;
                int wBase = (oo * g.cg + cc) * g.kVol;
                for (int kd = 0; kd < g.k[0]; kd++) {
                    int dLo = g.lo(0, kd);
                    int dHi = g.hi(0, kd);
                    for (int kh = 0; kh < g.k[1]; kh++) {
                        int hLo = g.lo(1, kh);
                        int hHi = g.hi(1, kh);
                        for (int kw = 0; kw < g.k[2]; kw++) {
                            int wLo = g.lo(2, kw);
                            int wHi = g.hi(2, kw);
                            double wv = w[wBase + (kd * g.k[1] + kh) * g.k[2] + kw];
                            int sw = g.s[2];
                            int wOff = kw * g.dl[2] - g.p[2];
                            for (int od = dLo; od < dHi; od++) {
                                int id = od * g.s[0] - g.p[0] + kd * g.dl[0];
                                for (int oh = hLo; oh < hHi; oh++) {
                                    int ih = oh * g.s[1] - g.p[1] + kh * g.dl[1];
                                    int yRow = yBase + (od * g.out[1] + oh) * g.out[2];
                                    int xRow = xBase + (id * g.in[1] + ih) * g.in[2] + wOff;
                                    for (int ow = wLo; ow < wHi; ow++) {
                                        y[yRow + ow] += wv * x[xRow + ow * sw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code gx = d(sum(conv(x, w) * gy)) / dx}, the transposed convolution of {@code gy} with w.
     *
     * @param gy gradient of the output {@code [N, O, *out]}, dense
     * @param w  weight {@code [O, C/groups, *k]}, dense
     * @param gx gradient of the input {@code [N, C, *in]}, dense, overwritten
     */
    public static void backwardData(ConvGeometry geometry, double[] gy, double[] w, double[] gx) {
        backwardData(geometry, gy, w, gx, COMMON_POOL);
    }

    /** {@link #backwardData(ConvGeometry, double[], double[], double[])} on the threads of {@code pf}. */
    public static void backwardData(ConvGeometry geometry, double[] gy, double[] w, double[] gx, ParallelFor pf) {
        G3 g = new G3(geometry);
        check("backwardData", gx, g.n * g.c * g.inVol, w, g.o * g.cg * g.kVol, gy, g.n * g.o * g.outVol);
        parallel(pf, g.n * g.c, g.work(), task -> {
            int nn = task / g.c;
            int ch = task % g.c;
            int grp = ch / g.cg;
            int cl = ch % g.cg;
            int xBase = task * g.inVol;
            Arrays.fill(gx, xBase, xBase + g.inVol, 0);
            for (int oo = grp * g.og; oo < (grp + 1) * g.og; oo++) {
                int yBase = (nn * g.o + oo) * g.outVol;
                int wBase = (oo * g.cg + cl) * g.kVol;
                for (int kd = 0; kd < g.k[0]; kd++) {
                    int dLo = g.lo(0, kd);
                    int dHi = g.hi(0, kd);
                    for (int kh = 0; kh < g.k[1]; kh++) {
                        int hLo = g.lo(1, kh);
                        int hHi = g.hi(1, kh);
                        for (int kw = 0; kw < g.k[2]; kw++) {
                            int wLo = g.lo(2, kw);
                            int wHi = g.hi(2, kw);
                            double wv = w[wBase + (kd * g.k[1] + kh) * g.k[2] + kw];
                            int sw = g.s[2];
                            int wOff = kw * g.dl[2] - g.p[2];
                            for (int od = dLo; od < dHi; od++) {
                                int id = od * g.s[0] - g.p[0] + kd * g.dl[0];
                                for (int oh = hLo; oh < hHi; oh++) {
                                    int ih = oh * g.s[1] - g.p[1] + kh * g.dl[1];
                                    int yRow = yBase + (od * g.out[1] + oh) * g.out[2];
                                    int xRow = xBase + (id * g.in[1] + ih) * g.in[2] + wOff;
                                    for (int ow = wLo; ow < wHi; ow++) {
                                        gx[xRow + ow * sw] += wv * gy[yRow + ow];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code gw = d(sum(conv(x, w) * gy)) / dw} and, when {@code gb} is not null, the bias gradient
     * {@code gb[o] = sum of gy over batch and space}.
     *
     * @param x  input {@code [N, C, *in]}, dense
     * @param gy gradient of the output {@code [N, O, *out]}, dense
     * @param gw weight gradient {@code [O, C/groups, *k]}, dense, overwritten
     * @param gb bias gradient {@code [O]} or null, overwritten
     */
    public static void backwardWeights(ConvGeometry geometry, double[] x, double[] gy, double[] gw, double[] gb) {
        backwardWeights(geometry, x, gy, gw, gb, COMMON_POOL);
    }

    /** {@link #backwardWeights(ConvGeometry, double[], double[], double[], double[])} on the threads of {@code pf}. */
    public static void backwardWeights(ConvGeometry geometry, double[] x, double[] gy, double[] gw, double[] gb,
                                       ParallelFor pf) {
        G3 g = new G3(geometry);
        check("backwardWeights", x, g.n * g.c * g.inVol, gw, g.o * g.cg * g.kVol, gy, g.n * g.o * g.outVol);
        parallel(pf, g.o, g.work(), oo -> {
            int cBase = (oo / g.og) * g.cg;
            for (int cc = 0; cc < g.cg; cc++) {
                int wBase = (oo * g.cg + cc) * g.kVol;
                for (int kd = 0; kd < g.k[0]; kd++) {
                    int dLo = g.lo(0, kd);
                    int dHi = g.hi(0, kd);
                    for (int kh = 0; kh < g.k[1]; kh++) {
                        int hLo = g.lo(1, kh);
                        int hHi = g.hi(1, kh);
                        for (int kw = 0; kw < g.k[2]; kw++) {
                            int wLo = g.lo(2, kw);
                            int wHi = g.hi(2, kw);
                            int sw = g.s[2];
                            int wOff = kw * g.dl[2] - g.p[2];
                            double acc = 0;
                            for (int nn = 0; nn < g.n; nn++) {
                                int xBase = (nn * g.c + cBase + cc) * g.inVol;
                                int yBase = (nn * g.o + oo) * g.outVol;
                                for (int od = dLo; od < dHi; od++) {
                                    int id = od * g.s[0] - g.p[0] + kd * g.dl[0];
                                    for (int oh = hLo; oh < hHi; oh++) {
                                        int ih = oh * g.s[1] - g.p[1] + kh * g.dl[1];
                                        int yRow = yBase + (od * g.out[1] + oh) * g.out[2];
                                        int xRow = xBase + (id * g.in[1] + ih) * g.in[2] + wOff;
                                        for (int ow = wLo; ow < wHi; ow++) {
                                            acc += gy[yRow + ow] * x[xRow + ow * sw];
                                        }
                                    }
                                }
                            }
                            gw[wBase + (kd * g.k[1] + kh) * g.k[2] + kw] = acc;
                        }
                    }
                }
            }
            if (gb != null) {
                double acc = 0;
                for (int nn = 0; nn < g.n; nn++) {
                    int yBase = (nn * g.o + oo) * g.outVol;
                    for (int i = 0; i < g.outVol; i++) {
                        acc += gy[yBase + i];
                    }
                }
                gb[oo] = acc;
            }
        });
    }

    private static void check(String op, double[] a, long na, double[] b, long nb, double[] c, long nc) {
        if (a.length < na || b.length < nb || c.length < nc) {
            throw new IllegalArgumentException("JavaConvolution." + op + ": arrays of " + a.length + ", " + b.length
                    + ", " + c.length + " elements are too small for " + na + ", " + nb + ", " + nc);
        }
    }

    private static void parallel(ParallelFor pf, int tasks, long work, IntConsumer body) {
        if (tasks <= 1 || work < PARALLEL_WORK) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            pf.run(tasks, body);
        }
    }
}
