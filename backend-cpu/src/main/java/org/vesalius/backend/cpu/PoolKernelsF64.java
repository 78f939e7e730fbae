package org.vesalius.backend.cpu;

import java.util.Arrays;

/**
 * Float64 pooling kernels over planes of {@code [planes, D, H, W]} data in native memory. Each task
 * copies whole planes into per-thread arrays, loops there and copies the result back; planes are
 * independent, so gradients scatter into their own plane without locks.
 *
 * <p>Generated from {@code PoolKernelsF32} by {@code scripts/generate-f64.sh}: edit that file and regenerate, not this one.
 */
final class PoolKernelsF64 {
    private PoolKernelsF64() {
    }

    /** Max pooling (plain or adaptive, as the geometry says); {@code idx} may be null. */
    static void maxPool(CpuStorage x, int xOff, CpuStorage y, int yOff, CpuStorage idx, int idxOff, int planes,
                        PoolGeometry g, ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            double[] in = NnScratch.doubles(0, inP);
            double[] out = NnScratch.doubles(1, outP);
            long[] ix = idx == null ? null : NnScratch.longs(0, outP);
            int[] rows = new int[g.maxRows];
            for (int p = p0; p < p1; p++) {
                Access.load(x, xOff + p * inP, 1, in, inP);
                if (g.pairs) {
                    maxPairs(in, out, ix, g, rows);
                } else {
                    maxPlane(in, out, ix, g, rows);
                }
                Access.store(out, outP, y, yOff + p * outP, 1);
                if (ix != null) {
                    Access.store(ix, outP, idx, idxOff + p * outP, 1);
                }
            }
        });
    }

    static void maxPlane(double[] x, double[] y, long[] ix, PoolGeometry g, int[] rows) {
        int outW = g.outW;
        int lo = g.fullLoW;
        int hi = g.fullHiW;
        // windows 2 or 3 wide (the usual 2x2, 3x3, 2x2x2) get unrolled loops away from the edges
        boolean unrolled = g.dilW == 1 && (g.kernelW == 2 || g.kernelW == 3);
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            for (int oh = 0; oh < g.outH; oh++, o += outW) {
                int nr = g.rowBases(od, oh, rows);
                int first = g.firstRow(od, oh);
                if (unrolled && nr > 0) {
                    maxColumns(x, y, ix, o, 0, lo, rows, nr, first, g);
                    if (g.kernelW == 2) {
                        maxWidth2(x, y, ix, o, lo, hi, rows, nr, g.firstW);
                    } else {
                        maxWidth3(x, y, ix, o, lo, hi, rows, nr, g.firstW);
                    }
                    maxColumns(x, y, ix, o, hi, outW, rows, nr, first, g);
                } else {
                    maxColumns(x, y, ix, o, 0, outW, rows, nr, first, g);
                }
            }
        }
    }

    // The maximum's index is chosen without branches: with random data a compare-and-branch per tap
    // mispredicts about half the time, which costs more than the taps. For each tap,
    // gt = (v > max) ? -1 : 0 and best += gt & (i - best) keep the first of equal maxima, as
    // PyTorch does; Math.max tracks the value. A NaN anywhere sends the window to the exact
    // PyTorch loop (the last NaN wins there), and the value written is always x[best].

    /** Output columns {@code [from, to)} of one output row (at {@code o}), any window. */
    private static void maxColumns(double[] x, double[] y, long[] ix, int o, int from, int to, int[] rows, int nr,
                                   int first, PoolGeometry g) {
        int[] firstW = g.firstW;
        int[] countW = g.countW;
        int dw = g.dilW;
        for (int ow = from; ow < to; ow++) {
            int w0 = firstW[ow];
            int nw = countW[ow];
            if (nr == 0 || nw == 0) {
                // a dilated window wholly in the padding: PyTorch gives -inf and its first position
                y[o + ow] = Double.NEGATIVE_INFINITY;
                if (ix != null) {
                    ix[o + ow] = first + w0;
                }
                continue;
            }
            int best = rows[0] + w0;
            double m = x[best];
            boolean nan = m != m;
            for (int t = 0; t < nr; t++) {
                int i = rows[t] + w0 + (t == 0 ? dw : 0);
                for (int c = t == 0 ? 1 : 0; c < nw; c++, i += dw) {
                    double v = x[i];
                    int gt = v > m ? -1 : 0;
                    best += gt & (i - best);
                    m = Math.max(m, v);
                    nan |= v != v;
                }
            }
            if (nan) {
                best = maxWithNaN(x, rows, nr, w0, nw, dw);
            }
            y[o + ow] = x[best];
            if (ix != null) {
                ix[o + ow] = best;
            }
        }
    }

    /** PyTorch's loop for a window holding a NaN: the result is the last NaN. */
    private static int maxWithNaN(double[] x, int[] rows, int nr, int w0, int nw, int dw) {
        int best = rows[0] + w0;
        double m = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < nr; t++) {
            int i = rows[t] + w0;
            for (int c = 0; c < nw; c++, i += dw) {
                double v = x[i];
                if (v > m || v != v) {
                    m = v;
                    best = i;
                }
            }
        }
        return best;
    }

    /**
     * Windows of 2x2 taps at stride 2 ({@link PoolGeometry#pairs}): the taps unrolled, nothing looked
     * up per window, and no branch on the data. The maximum is chosen as in {@link #maxColumns}, the
     * first of equal maxima in row-major order, whose value is written (so +0 and -0 come out as
     * PyTorch's): the taps are compared as integers ({@link OrderKeys}), the two of each row first,
     * then the rows' winners, where the second row wins only when strictly greater. A window holding a
     * NaN (noticed through the sum of its taps; an infinite sum can also be NaN, which only costs the
     * exact loop) goes to PyTorch's loop. About a third faster than the general path with random
     * data, where double compares that branch mispredict half the time.
     */
    static void maxPairs(double[] x, double[] y, long[] ix, PoolGeometry g, int[] rows) {
        int inW = g.inW;
        int outW = g.outW;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            for (int oh = 0; oh < g.outH; oh++, o += outW) {
                int r0 = (od * g.inH + 2 * oh) * inW;
                for (int ow = 0; ow < outW; ow++) {
                    int i = r0 + 2 * ow;
                    int j = i + inW;
                    double a = x[i];
                    double b = x[i + 1];
                    double c = x[j];
                    double d = x[j + 1];
                    long ka = OrderKeys.orderKey(a);
                    long kb = OrderKeys.orderKey(b);
                    long kc = OrderKeys.orderKey(c);
                    long kd = OrderKeys.orderKey(d);
                    int top = i + OrderKeys.less(ka, kb);
                    int bottom = j + OrderKeys.less(kc, kd);
                    int lower = OrderKeys.less(Math.max(ka, kb), Math.max(kc, kd));
                    int best = top + ((bottom - top) & -lower);
                    double s = a + b + c + d;
                    if (s != s) {
                        rows[0] = i;
                        rows[1] = j;
                        best = maxWithNaN(x, rows, 2, 0, 2, 1);
                    }
                    y[o + ow] = x[best];
                    if (ix != null) {
                        ix[o + ow] = best;
                    }
                }
            }
        }
    }

    /** Interior columns of windows 2 wide (no dilation). */
    private static void maxWidth2(double[] x, double[] y, long[] ix, int o, int from, int to, int[] rows, int nr,
                                  int[] firstW) {
        int r0 = rows[0];
        for (int ow = from; ow < to; ow++) {
            int w0 = firstW[ow];
            int best = r0 + w0;
            double m = x[best];
            boolean nan = m != m;
            double v = x[best + 1];
            int gt = v > m ? -1 : 0;
            best += gt & 1;
            m = Math.max(m, v);
            nan |= v != v;
            for (int t = 1; t < nr; t++) {
                int i = rows[t] + w0;
                v = x[i];
                gt = v > m ? -1 : 0;
                best += gt & (i - best);
                m = Math.max(m, v);
                nan |= v != v;
                v = x[i + 1];
                gt = v > m ? -1 : 0;
                best += gt & (i + 1 - best);
                m = Math.max(m, v);
                nan |= v != v;
            }
            if (nan) {
                best = maxWithNaN(x, rows, nr, w0, 2, 1);
            }
            y[o + ow] = x[best];
            if (ix != null) {
                ix[o + ow] = best;
            }
        }
    }

    /** Interior columns of windows 3 wide (no dilation). */
    private static void maxWidth3(double[] x, double[] y, long[] ix, int o, int from, int to, int[] rows, int nr,
                                  int[] firstW) {
        for (int ow = from; ow < to; ow++) {
            int w0 = firstW[ow];
            int i = rows[0] + w0;
            int best = i;
            double m = x[i];
            boolean nan = m != m;
            double v = x[i + 1];
            int gt = v > m ? -1 : 0;
            best += gt & (i + 1 - best);
            m = Math.max(m, v);
            nan |= v != v;
            v = x[i + 2];
            gt = v > m ? -1 : 0;
            best += gt & (i + 2 - best);
            m = Math.max(m, v);
            nan |= v != v;
            for (int t = 1; t < nr; t++) {
                i = rows[t] + w0;
                v = x[i];
                gt = v > m ? -1 : 0;
                best += gt & (i - best);
                m = Math.max(m, v);
                nan |= v != v;
                v = x[i + 1];
                gt = v > m ? -1 : 0;
                best += gt & (i + 1 - best);
                m = Math.max(m, v);
                nan |= v != v;
                v = x[i + 2];
                gt = v > m ? -1 : 0;
                best += gt & (i + 2 - best);
                m = Math.max(m, v);
                nan |= v != v;
            }
            if (nan) {
                best = maxWithNaN(x, rows, nr, w0, 3, 1);
            }
            y[o + ow] = x[best];
            if (ix != null) {
                ix[o + ow] = best;
            }
        }
    }

    /** Gradient of max pooling: each plane of {@code gx} is zero except at its indices. */
    static void maxPoolBackward(CpuStorage gy, int gyOff, CpuStorage idx, int idxOff, CpuStorage gx, int gxOff,
                                int planes, int inP, int outP, ParallelRange par) {
        par.run(planes, (long) outP + inP, (p0, p1) -> {
            double[] go = NnScratch.doubles(0, outP);
            double[] gi = NnScratch.doubles(1, inP);
            long[] ix = NnScratch.longs(0, outP);
            for (int p = p0; p < p1; p++) {
                Access.load(gy, gyOff + p * outP, 1, go, outP);
                Access.load(idx, idxOff + p * outP, 1, ix, outP);
                Arrays.fill(gi, 0, inP, 0);
                for (int o = 0; o < outP; o++) {
                    long i = ix[o];
                    // a dilated window can lie wholly in the padding: PyTorch gives -inf there, an
                    // index past the plane, and no gradient
                    if (i >= 0 && i < inP) {
                        gi[(int) i] += go[o];
                    }
                }
                Access.store(gi, inP, gx, gxOff + p * inP, 1);
            }
        });
    }

    /** Average pooling (plain or adaptive, as the geometry says). */
    static void avgPool(CpuStorage x, int xOff, CpuStorage y, int yOff, int planes, PoolGeometry g,
                        ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            double[] in = NnScratch.doubles(0, inP);
            double[] out = NnScratch.doubles(1, outP);
            int[] rows = new int[g.maxRows];
            for (int p = p0; p < p1; p++) {
                Access.load(x, xOff + p * inP, 1, in, inP);
                avgPlane(in, out, g, rows);
                Access.store(out, outP, y, yOff + p * outP, 1);
            }
        });
    }

    static void avgPlane(double[] x, double[] y, PoolGeometry g, int[] rows) {
        int outW = g.outW;
        int lo = g.fullLoW;
        int hi = g.fullHiW;
        boolean unrolled = g.kernelW == 2 || g.kernelW == 3;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            for (int oh = 0; oh < g.outH; oh++, o += outW) {
                int nr = g.rowBases(od, oh, rows);
                if (unrolled && nr > 0) {
                    avgColumns(x, y, o, 0, lo, rows, nr, g, od, oh);
                    avgWidth(x, y, o, lo, hi, rows, nr, g, od, oh);
                    avgColumns(x, y, o, hi, outW, rows, nr, g, od, oh);
                } else {
                    avgColumns(x, y, o, 0, outW, rows, nr, g, od, oh);
                }
            }
        }
    }

    /** Output columns {@code [from, to)} of one output row, any window; sums in PyTorch's order. */
    private static void avgColumns(double[] x, double[] y, int o, int from, int to, int[] rows, int nr, PoolGeometry g,
                                   int od, int oh) {
        int[] firstW = g.firstW;
        int[] countW = g.countW;
        for (int ow = from; ow < to; ow++) {
            int w0 = firstW[ow];
            int nw = countW[ow];
            double sum = 0;
            for (int t = 0; t < nr; t++) {
                int i = rows[t] + w0;
                for (int c = 0; c < nw; c++) {
                    sum += x[i + c];
                }
            }
            y[o + ow] = nr * nw == 0 ? 0 : divide(sum, g, od, oh, ow);
        }
    }

    /** Interior columns of windows 2 or 3 wide. */
    private static void avgWidth(double[] x, double[] y, int o, int from, int to, int[] rows, int nr, PoolGeometry g,
                                 int od, int oh) {
        int[] firstW = g.firstW;
        boolean three = g.kernelW == 3;
        for (int ow = from; ow < to; ow++) {
            int w0 = firstW[ow];
            double sum = 0;
            for (int t = 0; t < nr; t++) {
                int i = rows[t] + w0;
                sum += x[i];
                sum += x[i + 1];
                if (three) {
                    sum += x[i + 2];
                }
            }
            y[o + ow] = divide(sum, g, od, oh, ow);
        }
    }

    private static double divide(double sum, PoolGeometry g, int od, int oh, int ow) {
        if (g.divisorOverride != 0) {
            return sum / g.divisorOverride;
        }
        if (g.divideInTurn) {
            return sum / g.divD[od] / g.divH[oh] / g.divW[ow];
        }
        return sum / (g.divD[od] * g.divH[oh] * g.divW[ow]);
    }

    /** Gradient of average pooling: each output's gradient, divided as in the forward, spread over its window. */
    static void avgPoolBackward(CpuStorage gy, int gyOff, CpuStorage gx, int gxOff, int planes, PoolGeometry g,
                                ParallelRange par) {
        int inP = g.inPlane();
        int outP = g.outPlane();
        par.run(planes, (long) outP * g.maxTaps() + inP, (p0, p1) -> {
            double[] go = NnScratch.doubles(0, outP);
            double[] gi = NnScratch.doubles(1, inP);
            int[] rows = new int[g.maxRows];
            for (int p = p0; p < p1; p++) {
                Access.load(gy, gyOff + p * outP, 1, go, outP);
                Arrays.fill(gi, 0, inP, 0);
                avgPlaneBackward(go, gi, g, rows);
                Access.store(gi, inP, gx, gxOff + p * inP, 1);
            }
        });
    }

    static void avgPlaneBackward(double[] gy, double[] gx, PoolGeometry g, int[] rows) {
        int[] firstW = g.firstW;
        int[] countW = g.countW;
        int o = 0;
        for (int od = 0; od < g.outD; od++) {
            for (int oh = 0; oh < g.outH; oh++) {
                int nr = g.rowBases(od, oh, rows);
                for (int ow = 0; ow < g.outW; ow++, o++) {
                    int w0 = firstW[ow];
                    int nw = countW[ow];
                    if (nr * nw == 0) {
                        continue;
                    }
                    double delta = divide(gy[o], g, od, oh, ow);
                    for (int t = 0; t < nr; t++) {
                        int i = rows[t] + w0;
                        for (int c = 0; c < nw; c++) {
                            gx[i + c] += delta;
                        }
                    }
                }
            }
        }
    }
}
