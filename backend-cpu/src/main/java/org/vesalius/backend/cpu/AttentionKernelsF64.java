package org.vesalius.backend.cpu;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Float64 blocked scaled dot-product attention, forward and backward, in the manner of
 * FlashAttention-2 and PyTorch 2's CPU kernel: a query block's scores against one key/value block at
 * a time, a running (online) softmax per row (running maximum and sum, the output accumulator rescaled
 * when the maximum grows), and each row's log-sum-exp kept, from which the backward pass recomputes
 * the probabilities block by block. Memory beyond the inputs and outputs is a few blocks; no
 * {@code L x S} matrix exists.
 *
 * <p>A step takes one query block and one key/value block of {@link AttentionGeometry#chunk} batch
 * entries at once. Its block products are batched matrix products on the backend's matmul (oneDNN in
 * float64, OpenBLAS in float64), which thread themselves: Java 17 cannot give oneDNN's OpenMP a thread
 * count per calling thread, so products issued from several Java threads at once would each start all
 * of its threads, and Java loops reach a quarter of oneDNN's multiply-add rate here. What lies between
 * the products (masking, the online softmax, the softmax gradient, accumulation) runs in Java,
 * threaded over the step's (batch entry, row) pairs.
 *
 * <p>Generated from {@code AttentionKernelsF32} by {@code scripts/generate-f64.sh}: edit that file and regenerate, not this one.
 */
final class AttentionKernelsF64 {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private AttentionKernelsF64() {
    }

    /** Per-thread rows for the Java passes. */
    private static final class Rows {
        final double[] a;
        final double[] b;
        final double[] c;

        Rows(int n) {
            a = new double[n];
            b = new double[n];
            c = new double[n];
        }
    }

    private static final ThreadLocal<Rows[]> ROWS = ThreadLocal.withInitial(() -> new Rows[1]);

    /** This thread's rows of at least n elements. */
    private static Rows rows(int n) {
        Rows[] holder = ROWS.get();
        if (holder[0] == null || holder[0].a.length < n) {
            holder[0] = new Rows(n);
        }
        return holder[0];
    }

    /** Java passes split only when each part gets at least this many elements. */
    private static long grain(int perItem) {
        return Math.max(1, Parallel.GRAIN / Math.max(perItem, 1));
    }

    // ------------------------------------------------------------------ forward

    /** Writes {@code out} and {@code lse}. */
    static void forward(AttentionGeometry g) {
        try (NoGrad ng = NoGrad.open(); Scope scope = Scope.open()) {
            Tensor q = g.qT.view(g.batch, g.l, g.e);
            Tensor k = g.kT.view(g.batch, g.s, g.e);
            Tensor v = g.vT.view(g.batch, g.s, g.ev);
            int nbMax = g.chunk;
            Tensor sBuf = Tensor.empty(g.qT.dtype(), nbMax * g.qBlock * g.kvBlock);
            Tensor pvBuf = Tensor.empty(g.qT.dtype(), nbMax * g.qBlock * g.ev);
            double[][] acc = new double[nbMax * g.qBlock][g.ev];
            double[] m = new double[nbMax * g.qBlock];
            double[] sum = new double[nbMax * g.qBlock];
            double[] corr = new double[nbMax * g.qBlock];
            for (int b0 = 0; b0 < g.batch; b0 += nbMax) {
                int nb = Math.min(nbMax, g.batch - b0);
                for (int i0 = 0; i0 < g.l; i0 += g.qBlock) {
                    int rows = Math.min(g.qBlock, g.l - i0);
                    int n = nb * rows;
                    Arrays.fill(m, 0, n, NEG_INF);
                    Arrays.fill(sum, 0, n, 0);
                    for (int r = 0; r < n; r++) {
                        Arrays.fill(acc[r], 0);
                    }
                    Tensor qb = q.narrow(0, b0, nb).narrow(1, i0, rows);
                    int end = g.causal ? Math.min(g.s, i0 + rows) : g.s;
                    for (int j0 = 0; j0 < end; j0 += g.kvBlock) {
                        int cols = Math.min(g.kvBlock, end - j0);
                        Tensor s = block(sBuf, nb, rows, cols);
                        CpuMatmul.matmul(qb, k.narrow(0, b0, nb).narrow(1, j0, cols).transpose(1, 2), s);
                        softmaxStep(g, b0, nb, i0, rows, j0, cols, s, m, sum, corr);
                        Tensor pv = block(pvBuf, nb, rows, g.ev);
                        CpuMatmul.matmul(s, v.narrow(0, b0, nb).narrow(1, j0, cols), pv);
                        rescaleAdd(pv, n, g.ev, acc, corr);
                    }
                    finish(g, b0, nb, i0, rows, acc, m, sum);
                }
            }
        }
    }

    /** The first {@code nb * rows * cols} elements of a scratch buffer as a contiguous block. */
    private static Tensor block(Tensor buf, int nb, int rows, int cols) {
        return buf.narrow(0, 0, nb * rows * cols).view(nb, rows, cols);
    }

    /**
     * One key block of the online softmax: masks each row's scores, raises its running maximum,
     * records the factor {@code corr} its accumulator must be rescaled by, adds the block to its running
     * sum and leaves the (dropped-out) probabilities in {@code s}.
     */
    private static void softmaxStep(AttentionGeometry g, int b0, int nb, int i0, int rows, int j0, int cols, Tensor s,
                                    double[] m, double[] sum, double[] corr) {
        CpuStorage st = NnTensors.storage(s);
        int base = s.offset();
        Parallel.range((long) nb * rows, grain(cols * 8), (from, to) -> {
            Rows w = rows(cols);
            double[] row = w.a;
            for (int r = (int) from; r < to; r++) {
                int b = b0 + r / rows;
                int i = i0 + r % rows;
                Access.load(st, base + r * cols, 1, row, cols);
                scaleAndMask(g, b, i, j0, cols, row, w.b);
                double mx = rowMax(row, cols);
                double mOld = m[r];
                double mNew = Math.max(mOld, mx);
                if (mNew == NEG_INF) {
                    // every score so far is masked: nothing to add yet (a row masked to the end gives NaN)
                    Arrays.fill(row, 0, cols, 0);
                    corr[r] = 1;
                } else {
                    corr[r] = mOld == NEG_INF ? 0 : (double) Math.exp(mOld - mNew);
                    for (int c = 0; c < cols; c++) {
                        row[c] -= mNew;
                    }
                    FastExp.expF64(row, cols, w.c);
                    sum[r] = sum[r] * corr[r] + rowSum(row, cols);
                    m[r] = mNew;
                    if (g.dropoutP > 0) {
                        dropRow(g, b, i, j0, cols, row);
                    }
                }
                Access.store(row, cols, st, base + r * cols, 1);
            }
        });
    }

    /** {@code acc[r] = acc[r] * corr[r] + pv[r]} for the step's rows. */
    private static void rescaleAdd(Tensor pv, int n, int ev, double[][] acc, double[] corr) {
        CpuStorage st = NnTensors.storage(pv);
        int base = pv.offset();
        Parallel.range(n, grain(ev * 2), (from, to) -> {
            double[] row = rows(ev).a;
            for (int r = (int) from; r < to; r++) {
                Access.load(st, base + r * ev, 1, row, ev);
                double[] ar = acc[r];
                double cr = corr[r];
                for (int x = 0; x < ev; x++) {
                    ar[x] = ar[x] * cr + row[x];
                }
            }
        });
    }

    /** {@code out = acc / sum} and {@code lse = m + log(sum)} for the block's rows. */
    private static void finish(AttentionGeometry g, int b0, int nb, int i0, int rows, double[][] acc, double[] m,
                               double[] sum) {
        int ev = g.ev;
        Parallel.range((long) nb * rows, grain(ev), (from, to) -> {
            double[] one = new double[1];
            for (int r = (int) from; r < to; r++) {
                int b = b0 + r / rows;
                int i = i0 + r % rows;
                // a fully masked row has sum 0 and gives 0 * inf = NaN, as softmax over only -inf does
                double inv = 1 / sum[r];
                double[] ar = acc[r];
                for (int x = 0; x < ev; x++) {
                    ar[x] *= inv;
                }
                Access.store(ar, ev, g.out, g.outRow(b, i), 1);
                one[0] = m[r] + (double) Math.log(sum[r]);
                Access.store(one, 1, g.lse, g.lseAt(b, i), 1);
            }
        });
    }

    // ------------------------------------------------------------------ backward

    /**
     * Writes {@code gradQ}, {@code gradK} and {@code gradV} from {@code gradOut} and the forward's
     * {@code out} and {@code lse}. Key blocks are the outer loop, so each key block's gradients are
     * summed over the query blocks in Java arrays and written once; the query gradient is added to
     * {@code gradQ} (zero on entry) block by block.
     */
    static void backward(AttentionGeometry g, Tensor gradOut, Tensor gradQ, Tensor gradK, Tensor gradV) {
        try (NoGrad ng = NoGrad.open(); Scope scope = Scope.open()) {
            double[] delta = rowDots(g, gradOut);
            Tensor q = g.qT.view(g.batch, g.l, g.e);
            Tensor k = g.kT.view(g.batch, g.s, g.e);
            Tensor v = g.vT.view(g.batch, g.s, g.ev);
            Tensor dOut = gradOut.view(g.batch, g.l, g.ev);
            int nbMax = g.chunk;
            Tensor sBuf = Tensor.empty(g.qT.dtype(), nbMax * g.qBlock * g.kvBlock);
            Tensor tBuf = Tensor.empty(g.qT.dtype(), nbMax * g.qBlock * g.kvBlock);
            int wide = Math.max(g.e, g.ev);
            Tensor xBuf = Tensor.empty(g.qT.dtype(), nbMax * Math.max(g.qBlock, g.kvBlock) * wide);
            double[][] dk = new double[nbMax * g.kvBlock][g.e];
            double[][] dv = new double[nbMax * g.kvBlock][g.ev];
            CpuStorage gq = NnTensors.storage(gradQ);
            CpuStorage gk = NnTensors.storage(gradK);
            CpuStorage gv = NnTensors.storage(gradV);
            for (int b0 = 0; b0 < g.batch; b0 += nbMax) {
                int nb = Math.min(nbMax, g.batch - b0);
                for (int j0 = 0; j0 < g.s; j0 += g.kvBlock) {
                    int cols = Math.min(g.kvBlock, g.s - j0);
                    for (int c = 0; c < nb * cols; c++) {
                        Arrays.fill(dk[c], 0);
                        Arrays.fill(dv[c], 0);
                    }
                    Tensor kb = k.narrow(0, b0, nb).narrow(1, j0, cols);
                    Tensor vb = v.narrow(0, b0, nb).narrow(1, j0, cols);
                    // with a causal mask, query blocks that end before the block's first key see none of it
                    int iStart = g.causal ? (j0 / g.qBlock) * g.qBlock : 0;
                    for (int i0 = iStart; i0 < g.l; i0 += g.qBlock) {
                        int rows = Math.min(g.qBlock, g.l - i0);
                        Tensor qb = q.narrow(0, b0, nb).narrow(1, i0, rows);
                        Tensor dob = dOut.narrow(0, b0, nb).narrow(1, i0, rows);
                        Tensor s = block(sBuf, nb, rows, cols);
                        Tensor t = block(tBuf, nb, rows, cols);
                        CpuMatmul.matmul(qb, kb.transpose(1, 2), s);
                        // s = P; t = P * dropout scale, the weights the forward multiplied V by
                        probabilities(g, b0, nb, i0, rows, j0, cols, s, t);
                        Tensor pd = g.dropoutP > 0 ? t : s;
                        Tensor x = block(xBuf, nb, cols, g.ev);
                        CpuMatmul.matmul(pd.transpose(1, 2), dob, x);
                        addRows(x, nb * cols, g.ev, dv);
                        CpuMatmul.matmul(dob, vb.transpose(1, 2), t);
                        // t = scale * P * (dP - delta): the scores' gradient
                        scoreGradient(g, b0, nb, i0, rows, j0, cols, s, t, delta);
                        Tensor xq = block(xBuf, nb, rows, g.e);
                        CpuMatmul.matmul(t, kb, xq);
                        addToGradQ(g, xq, b0, nb, i0, rows, gq, gradQ.offset());
                        Tensor xk = block(xBuf, nb, cols, g.e);
                        CpuMatmul.matmul(t.transpose(1, 2), qb, xk);
                        addRows(xk, nb * cols, g.e, dk);
                    }
                    for (int bb = 0; bb < nb; bb++) {
                        for (int c = 0; c < cols; c++) {
                            int j = ((b0 + bb) * g.s + j0 + c);
                            Access.store(dk[bb * cols + c], g.e, gk, gradK.offset() + j * g.e, 1);
                            Access.store(dv[bb * cols + c], g.ev, gv, gradV.offset() + j * g.ev, 1);
                        }
                    }
                }
            }
        }
    }

    /** {@code delta[b, i] = sum_x gradOut[b, i, x] * out[b, i, x]}, the softmax backward's row term. */
    private static double[] rowDots(AttentionGeometry g, Tensor gradOut) {
        int n = g.batch * g.l;
        double[] delta = new double[n];
        int ev = g.ev;
        CpuStorage go = NnTensors.storage(gradOut);
        int goOff = gradOut.offset();
        Parallel.range(n, grain(ev), (from, to) -> {
            Rows w = rows(ev);
            for (int i = (int) from; i < to; i++) {
                Access.load(go, goOff + i * ev, 1, w.a, ev);
                Access.load(g.out, g.outOff + i * ev, 1, w.b, ev);
                double d = 0;
                for (int x = 0; x < ev; x++) {
                    d += w.a[x] * w.b[x];
                }
                delta[i] = d;
            }
        });
        return delta;
    }

    /** {@code s = P = exp(masked scaled scores - lse)}; with dropout {@code t = P * keep / (1 - p)}. */
    private static void probabilities(AttentionGeometry g, int b0, int nb, int i0, int rows, int j0, int cols,
                                      Tensor s, Tensor t) {
        CpuStorage ss = NnTensors.storage(s);
        CpuStorage ts = NnTensors.storage(t);
        int sOff = s.offset();
        int tOff = t.offset();
        Parallel.range((long) nb * rows, grain(cols * 8), (from, to) -> {
            Rows w = rows(cols);
            double[] row = w.a;
            double[] one = w.b;
            for (int r = (int) from; r < to; r++) {
                int b = b0 + r / rows;
                int i = i0 + r % rows;
                Access.load(ss, sOff + r * cols, 1, row, cols);
                scaleAndMask(g, b, i, j0, cols, row, w.b);
                Access.load(g.lse, g.lseAt(b, i), 1, one, 1);
                double lse = one[0];
                for (int c = 0; c < cols; c++) {
                    row[c] -= lse;
                }
                FastExp.expF64(row, cols, w.c);
                Access.store(row, cols, ss, sOff + r * cols, 1);
                if (g.dropoutP > 0) {
                    dropRow(g, b, i, j0, cols, row);
                    Access.store(row, cols, ts, tOff + r * cols, 1);
                }
            }
        });
    }

    /** {@code t = scale * P * (dP * dropout scale - delta)} row by row, {@code t} holding dP on entry. */
    private static void scoreGradient(AttentionGeometry g, int b0, int nb, int i0, int rows, int j0, int cols, Tensor s,
                                      Tensor t, double[] delta) {
        CpuStorage ss = NnTensors.storage(s);
        CpuStorage ts = NnTensors.storage(t);
        int sOff = s.offset();
        int tOff = t.offset();
        double scale = (double) g.scale;
        Parallel.range((long) nb * rows, grain(cols * 4), (from, to) -> {
            Rows w = rows(cols);
            double[] p = w.a;
            double[] dp = w.b;
            for (int r = (int) from; r < to; r++) {
                int b = b0 + r / rows;
                int i = i0 + r % rows;
                Access.load(ss, sOff + r * cols, 1, p, cols);
                Access.load(ts, tOff + r * cols, 1, dp, cols);
                if (g.dropoutP > 0) {
                    dropRow(g, b, i, j0, cols, dp);
                }
                double d = delta[b * g.l + i];
                for (int c = 0; c < cols; c++) {
                    dp[c] = scale * p[c] * (dp[c] - d);
                }
                Access.store(dp, cols, ts, tOff + r * cols, 1);
            }
        });
    }

    /** {@code acc[r] += x[r]} for the first n rows of a contiguous {@code [n, width]} block. */
    private static void addRows(Tensor x, int n, int width, double[][] acc) {
        CpuStorage st = NnTensors.storage(x);
        int base = x.offset();
        Parallel.range(n, grain(width), (from, to) -> {
            double[] row = rows(width).a;
            for (int r = (int) from; r < to; r++) {
                Access.load(st, base + r * width, 1, row, width);
                double[] ar = acc[r];
                for (int c = 0; c < width; c++) {
                    ar[c] += row[c];
                }
            }
        });
    }

    /** Adds a {@code [nb, rows, E]} block of query gradients to gradQ's rows. */
    private static void addToGradQ(AttentionGeometry g, Tensor x, int b0, int nb, int i0, int rows, CpuStorage gq,
                                   int gqOff) {
        CpuStorage st = NnTensors.storage(x);
        int base = x.offset();
        int e = g.e;
        Parallel.range((long) nb * rows, grain(e * 2), (from, to) -> {
            Rows w = rows(e);
            for (int r = (int) from; r < to; r++) {
                int at = gqOff + ((b0 + r / rows) * g.l + i0 + r % rows) * e;
                Access.load(st, base + r * e, 1, w.a, e);
                Access.load(gq, at, 1, w.b, e);
                for (int c = 0; c < e; c++) {
                    w.b[c] += w.a[c];
                }
                Access.store(w.b, e, gq, at, 1);
            }
        });
    }

    // ------------------------------------------------------------------ shared pieces

    /** Scales a row of scores and applies the mask and the causal cut: -inf where a score takes no part. */
    private static void scaleAndMask(AttentionGeometry g, int b, int i, int j0, int cols, double[] row, double[] tmp) {
        double scale = (double) g.scale;
        for (int c = 0; c < cols; c++) {
            row[c] *= scale;
        }
        if (g.mask != null) {
            Access.load(g.mask, g.maskAt(b, i, j0), g.maskColStride, tmp, cols);
            if (g.maskBool) {
                for (int c = 0; c < cols; c++) {
                    if (tmp[c] == 0) {
                        row[c] = NEG_INF;
                    }
                }
            } else {
                for (int c = 0; c < cols; c++) {
                    row[c] += tmp[c];
                }
            }
        }
        if (g.causal) {
            for (int c = Math.max(0, i - j0 + 1); c < cols; c++) {
                row[c] = NEG_INF;
            }
        }
    }

    /** Four interleaved maxima: a single running maximum would wait on each comparison. */
    private static double rowMax(double[] row, int n) {
        double m0 = NEG_INF;
        double m1 = NEG_INF;
        double m2 = NEG_INF;
        double m3 = NEG_INF;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            m0 = Math.max(m0, row[c]);
            m1 = Math.max(m1, row[c + 1]);
            m2 = Math.max(m2, row[c + 2]);
            m3 = Math.max(m3, row[c + 3]);
        }
        for (; c < n; c++) {
            m0 = Math.max(m0, row[c]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /** Four interleaved partial sums, for the same reason. */
    private static double rowSum(double[] row, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            s0 += row[c];
            s1 += row[c + 1];
            s2 += row[c + 2];
            s3 += row[c + 3];
        }
        for (; c < n; c++) {
            s0 += row[c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Zeroes the dropped entries of a row and scales the kept ones by 1/(1-p). */
    private static void dropRow(AttentionGeometry g, int b, int i, int j0, int cols, double[] row) {
        double keepBelow = (double) (1 - g.dropoutP);
        double keepScale = (double) (1 / (1 - g.dropoutP));
        long counter = g.dropCounter(b, i, j0);
        for (int c = 0; c < cols; c++) {
            double u = AttentionGeometry.uniformF64(g.seed, counter + c);
            row[c] = u < keepBelow ? row[c] * keepScale : 0;
        }
    }
}
