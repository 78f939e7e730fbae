package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vesalius.backend.PoolParams;
import org.vesalius.tensor.Tensor;

/**
 * The pooling and normalization kernels against direct implementations of their definitions, on
 * native copies of heap arrays ({@link Heap}), over random window configurations (padding, stride,
 * dilation, ceil mode) in 1 to 3 dims and both dtypes, run serially and split over threads.
 */
class NnKernelsReferenceTest {
    private static final ParallelRange THREADS = (count, cost, body) -> {
        // deliberately uneven ranges on two threads, to catch kernels that depend on the split
        if (count < 2) {
            body.run(0, count);
            return;
        }
        int mid = count / 3 + 1;
        Thread t = new Thread(() -> body.run(0, mid));
        t.start();
        body.run(mid, count);
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    };

    private static int outSize(int in, int k, int s, int p, int d, boolean ceil) {
        int num = in + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
        int out = Math.floorDiv(num, s) + 1;
        if (ceil && (out - 1) * s >= in + p) {
            out--;
        }
        return out;
    }

    /** A random window configuration whose output is non-empty. */
    private static int[][] randomConfig(Random r, int nd) {
        while (true) {
            int[] in = new int[nd];
            int[] k = new int[nd];
            int[] s = new int[nd];
            int[] p = new int[nd];
            int[] d = new int[nd];
            int[] out = new int[nd];
            boolean ceil = r.nextBoolean();
            boolean ok = true;
            for (int i = 0; i < nd; i++) {
                in[i] = 1 + r.nextInt(nd == 3 ? 6 : 9);
                k[i] = 1 + r.nextInt(4);
                s[i] = 1 + r.nextInt(3);
                p[i] = r.nextInt(k[i] / 2 + 1);
                d[i] = 1 + r.nextInt(2);
                out[i] = outSize(in[i], k[i], s[i], p[i], d[i], ceil);
                ok &= out[i] >= 1;
            }
            if (ok) {
                return new int[][] {in, k, s, p, d, out};
            }
        }
    }

    @Test
    void maxAndAvgPoolingMatchTheDefinition() {
        Random r = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int nd = 1 + trial % 3;
            int[][] cfg = randomConfig(r, nd);
            int[] in = cfg[0];
            int[] k = cfg[1];
            int[] s = cfg[2];
            int[] p = cfg[3];
            int[] d = cfg[4];
            int[] out = cfg[5];
            boolean include = r.nextBoolean();
            int override = r.nextInt(4) == 0 ? 3 : 0;
            int planes = 1 + r.nextInt(3);
            int[] in3 = PoolGeometry.to3(in);
            int[] out3 = PoolGeometry.to3(out);
            int inP = in3[0] * in3[1] * in3[2];
            int outP = out3[0] * out3[1] * out3[2];
            double[] x = new double[planes * inP];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(7) - 3 + 0.25 * r.nextInt(4);   // ties are likely: first max must win
            }
            boolean withNaN = trial % 5 == 4;
            for (int i = 0; withNaN && i < x.length; i++) {
                if (r.nextInt(12) == 0) {
                    x[i] = Double.NaN;   // NaN wins, the last one in the window
                } else if (r.nextInt(12) == 0) {
                    x[i] = Double.NEGATIVE_INFINITY;
                }
            }
            PoolParams maxParams = new PoolParams(k, s, p, d, true, 0);
            PoolParams avgParams = new PoolParams(k, s, p, ones(nd), include, override);
            double[] y = new double[planes * outP];
            long[] idx = new long[planes * outP];
            try (Heap h = new Heap()) {
                PoolKernelsF64.maxPool(h.of(x), 0, h.of(y), 0, h.of(idx), 0, planes,
                        PoolGeometry.window(in, out, maxParams, false), THREADS);
            }
            double[] ya = new double[planes * outP];
            try (Heap h = new Heap()) {
                PoolKernelsF64.avgPool(h.of(x), 0, h.of(ya), 0, planes,
                        PoolGeometry.window(in, out, avgParams, true), THREADS);
            }
            float[] xf = toFloat(x);
            float[] yf = new float[planes * outP];
            long[] idxf = new long[planes * outP];
            try (Heap h = new Heap()) {
                PoolKernelsF32.maxPool(h.of(xf), 0, h.of(yf), 0, h.of(idxf), 0, planes,
                        PoolGeometry.window(in, out, maxParams, false), ParallelRange.SERIAL);
            }
            for (int pl = 0; pl < planes; pl++) {
                for (int o = 0; o < outP; o++) {
                    int[] oc = {o / (out3[1] * out3[2]), o / out3[2] % out3[1], o % out3[2]};
                    double best = Double.NEGATIVE_INFINITY;
                    long bestAt = -1;
                    double sum = 0;
                    int count = 0;
                    int padded = 1;
                    for (int a = 0; a < 3; a++) {
                        int dim = a - (3 - nd);
                        if (dim >= 0) {
                            int start = oc[a] * s[dim] - p[dim];
                            padded *= Math.min(start + k[dim], in[dim] + p[dim]) - start;
                        }
                    }
                    int[] kk = PoolGeometry.to3(k);
                    for (int t = 0; t < kk[0] * kk[1] * kk[2]; t++) {
                        int[] tap = {t / (kk[1] * kk[2]), t / kk[2] % kk[1], t % kk[2]};
                        int[] pos = new int[3];
                        int[] posAvg = new int[3];
                        boolean inside = true;
                        boolean insideAvg = true;
                        for (int a = 0; a < 3; a++) {
                            int dim = a - (3 - nd);
                            int st = dim < 0 ? 1 : s[dim];
                            int pd = dim < 0 ? 0 : p[dim];
                            int dl = dim < 0 ? 1 : d[dim];
                            pos[a] = oc[a] * st - pd + tap[a] * dl;
                            posAvg[a] = oc[a] * st - pd + tap[a];
                            inside &= pos[a] >= 0 && pos[a] < in3[a];
                            insideAvg &= posAvg[a] >= 0 && posAvg[a] < in3[a];
                        }
                        if (inside) {
                            int flat = (pos[0] * in3[1] + pos[1]) * in3[2] + pos[2];
                            double v = x[pl * inP + flat];
                            if (bestAt < 0 || v > best || v != v) {
                                best = v;
                                bestAt = flat;
                            }
                        }
                        if (insideAvg) {
                            sum += x[pl * inP + (posAvg[0] * in3[1] + posAvg[1]) * in3[2] + posAvg[2]];
                            count++;
                        }
                    }
                    String where = "trial " + trial + " plane " + pl + " out " + o;
                    assertEquals(best, y[pl * outP + o], where);
                    assertEquals(best, yf[pl * outP + o], where);
                    if (bestAt >= 0) {
                        assertEquals(bestAt, idx[pl * outP + o], where);
                        assertEquals(bestAt, idxf[pl * outP + o], where);
                    }
                    int div = override != 0 ? override : include ? padded : count;
                    if (!withNaN) {
                        assertEquals(sum / div, ya[pl * outP + o], 1e-12, where);
                    }
                }
            }
        }
    }

    @Test
    void poolingBackwardIsTheAdjointOfTheForward() {
        // <A x, g> == <x, A^T g> for the linear avg pooling and for max pooling with fixed indices
        Random r = new Random(2);
        for (int trial = 0; trial < 100; trial++) {
            int nd = 1 + trial % 3;
            int[][] cfg = randomConfig(r, nd);
            int[] in = cfg[0];
            int[] out = cfg[5];
            int inP = prod(PoolGeometry.to3(in));
            int outP = prod(PoolGeometry.to3(out));
            int planes = 2;
            PoolGeometry avg = trial % 4 == 0 ? PoolGeometry.adaptive(in, out)
                    : PoolGeometry.window(in, out, new PoolParams(cfg[1], cfg[2], cfg[3], ones(nd), r.nextBoolean(), 0), true);
            double[] x = random(r, planes * inP);
            double[] g = random(r, planes * outP);
            double[] y = new double[planes * outP];
            double[] gx = new double[planes * inP];
            try (Heap h = new Heap()) {
                PoolKernelsF64.avgPool(h.of(x), 0, h.of(y), 0, planes, avg, THREADS);
            }
            try (Heap h = new Heap()) {
                PoolKernelsF64.avgPoolBackward(h.of(g), 0, h.of(gx), 0, planes, avg, THREADS);
            }
            assertEquals(dot(y, g), dot(x, gx), 1e-9, "avg trial " + trial);

            PoolGeometry max = trial % 4 == 0 ? PoolGeometry.adaptive(in, out)
                    : PoolGeometry.window(in, out, new PoolParams(cfg[1], cfg[2], cfg[3], cfg[4], true, 0), false);
            long[] idx = new long[planes * outP];
            try (Heap h = new Heap()) {
                PoolKernelsF64.maxPool(h.of(x), 0, h.of(y), 0, h.of(idx), 0, planes,
                        max, THREADS);
            }
            for (int i = 0; i < y.length; i++) {
                if (y[i] == Double.NEGATIVE_INFINITY) {
                    // a dilated window wholly in the padding: -inf, as in PyTorch; leave it out
                    y[i] = 0;
                    g[i] = 0;
                }
            }
            try (Heap h = new Heap()) {
                PoolKernelsF64.maxPoolBackward(h.of(g), 0, h.of(idx), 0, h.of(gx), 0,
                        planes, inP, outP, THREADS);
            }
            assertEquals(dot(y, g), dot(x, gx), 1e-9, "max trial " + trial);
        }
    }

    @Test
    void adaptiveWindowsFollowPyTorch() {
        // in 10 -> out 4: [0,3) [2,5) [5,8) [7,10)
        PoolGeometry g = PoolGeometry.adaptive(new int[] {10}, new int[] {4});
        assertArrayEquals(new int[] {0, 2, 5, 7}, g.firstW);
        assertArrayEquals(new int[] {3, 3, 3, 3}, g.countW);
        // in 5 -> out 3: [0,2) [1,4) [3,5)
        g = PoolGeometry.adaptive(new int[] {5}, new int[] {3});
        assertArrayEquals(new int[] {0, 1, 3}, g.firstW);
        assertArrayEquals(new int[] {2, 3, 2}, g.countW);
    }

    @Test
    void normalizationKernelsMatchTheDefinition() {
        Random r = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + r.nextInt(4);
            int groups = 1 + r.nextInt(3);
            int c = groups * (1 + r.nextInt(3));
            int s = trial % 5 == 0 ? 1 : 1 + r.nextInt(trial % 7 == 0 ? 5000 : 30);
            double eps = 1e-5;
            double[] x = random(r, n * c * s);
            for (int i = 0; i < x.length; i++) {
                x[i] = 3 + 2 * x[i];
            }
            double[] w = random(r, c);
            double[] b = random(r, c);

            // batch norm, training, with running stats
            double[] y = new double[x.length];
            double[] rm = random(r, c);
            double[] rv = new double[c];
            java.util.Arrays.fill(rv, 1);
            double[] rm0 = rm.clone();
            double[] sm = new double[c];
            double[] si = new double[c];
            try (Heap h = new Heap()) {
                NormKernelsF64.batchNorm(h.of(x), 0, h.of(y), 0, n, c, s, w, b, rm, rv, true, 0.1,
                        eps, sm, si, THREADS);
            }
            for (int ch = 0; ch < c; ch++) {
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < s; j++) {
                        mean += x[(i * c + ch) * s + j];
                    }
                }
                mean /= n * s;
                double var = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < s; j++) {
                        double dd = x[(i * c + ch) * s + j] - mean;
                        var += dd * dd;
                    }
                }
                double unbiased = n * s > 1 ? var / (n * s - 1) : Double.NaN;
                var /= n * s;
                assertEquals(mean, sm[ch], 1e-12);
                assertEquals(1 / Math.sqrt(var + eps), si[ch], 1e-9 * si[ch]);
                assertEquals(0.9 * rm0[ch] + 0.1 * mean, rm[ch], 1e-12);
                if (n * s > 1) {
                    assertEquals(0.9 + 0.1 * unbiased, rv[ch], 1e-12);
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < s; j++) {
                        int at = (i * c + ch) * s + j;
                        assertEquals((x[at] - mean) / Math.sqrt(var + eps) * w[ch] + b[ch], y[at], 1e-10);
                    }
                }
            }

            // group norm
            double[] gm = new double[n * groups];
            double[] gi = new double[n * groups];
            try (Heap h = new Heap()) {
                NormKernelsF64.groupNorm(h.of(x), 0, h.of(y), 0, n, c, s, groups, w, b, eps, gm, gi,
                        THREADS);
            }
            int d = c / groups * s;
            for (int row = 0; row < n * groups; row++) {
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    mean += x[row * d + j];
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    var += (x[row * d + j] - mean) * (x[row * d + j] - mean);
                }
                var /= d;
                assertEquals(mean, gm[row], 1e-12);
                for (int j = 0; j < d; j++) {
                    int ch = row % groups * (c / groups) + j / s;
                    assertEquals((x[row * d + j] - mean) / Math.sqrt(var + eps) * w[ch] + b[ch], y[row * d + j], 1e-10);
                }
            }

            // layer norm over rows of c * s
            int k = c * s;
            double[] lw = random(r, k);
            double[] lm = new double[n];
            double[] li = new double[n];
            try (Heap h = new Heap()) {
                NormKernelsF64.layerNorm(h.of(x), 0, h.of(y), 0, n, k, lw, null, eps, lm, li, THREADS);
            }
            for (int row = 0; row < n; row++) {
                double mean = 0;
                for (int j = 0; j < k; j++) {
                    mean += x[row * k + j];
                }
                mean /= k;
                double var = 0;
                for (int j = 0; j < k; j++) {
                    var += (x[row * k + j] - mean) * (x[row * k + j] - mean);
                }
                var /= k;
                for (int j = 0; j < k; j++) {
                    assertEquals((x[row * k + j] - mean) / Math.sqrt(var + eps) * lw[j], y[row * k + j], 1e-10);
                }
            }
        }
    }

    @Test
    void float32AndFloat64KernelsAgree() {
        Random r = new Random(4);
        int n = 3;
        int c = 4;
        int s = 37;
        double[] x = random(r, n * c * s);
        float[] xf = toFloat(x);
        double[] y = new double[x.length];
        float[] yf = new float[x.length];
        double[] g = random(r, x.length);
        try (Heap h = new Heap()) {
            NormKernelsF64.groupNorm(h.of(x), 0, h.of(y), 0, n, c, s, 2, null, null, 1e-5,
                    new double[6], new double[6], THREADS);
        }
        try (Heap h = new Heap()) {
            NormKernelsF32.groupNorm(h.of(xf), 0, h.of(yf), 0, n, c, s, 2, null, null, 1e-5,
                    new float[6], new float[6], THREADS);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(y[i], yf[i], 1e-5);
        }
        int[] in = {2, 5, 7};
        int[] out = {3, 8, 4};
        double[] gy = random(r, 2 * 96);
        double[] gx = new double[2 * 70];
        float[] gxf = new float[2 * 70];
        try (Heap h = new Heap()) {
            InterpKernelsF64.interpolate(h.of(x), 0, h.of(y), 0, 2, in, out,
                    org.vesalius.backend.InterpolationMode.LINEAR, false, new double[3], THREADS);
        }
        try (Heap h = new Heap()) {
            InterpKernelsF32.interpolate(h.of(xf), 0, h.of(yf), 0, 2, in, out,
                    org.vesalius.backend.InterpolationMode.LINEAR, false, new double[3], THREADS);
        }
        for (int i = 0; i < 2 * 96; i++) {
            assertEquals(y[i], yf[i], 1e-5);
        }
        try (Heap h = new Heap()) {
            InterpKernelsF64.interpolateBackward(h.of(gy), 0, h.of(gx), 0, 2, in, out,
                    org.vesalius.backend.InterpolationMode.LINEAR, false, new double[3], THREADS);
        }
        // adjoint: <A x, gy> == <x, A^T gy>
        assertEquals(dot(java.util.Arrays.copyOf(y, 2 * 96), gy), dot(java.util.Arrays.copyOf(x, 2 * 70), gx), 1e-9);
        try (Heap h = new Heap()) {
            InterpKernelsF32.interpolateBackward(h.of(toFloat(gy)), 0, h.of(gxf), 0, 2, in, out,
                    org.vesalius.backend.InterpolationMode.LINEAR, false, new double[3], THREADS);
        }
        for (int i = 0; i < gx.length; i++) {
            assertEquals(gx[i], gxf[i], 1e-5);
        }
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private static int prod(int[] a) {
        int p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }

    private static double[] random(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * The unrolled path for 2x2 windows at stride 2 ({@code PoolGeometry.pairs}, rare among the random
     * configurations above) against the general path, bit for bit: values (including the sign of
     * zero), indices and the values-only call, on data full of ties, -0/+0, infinities and NaN, in
     * 2-d and 1x2x2 3-d, both dtypes.
     */
    @Test
    void unrolledPairsPathEqualsTheGeneralPath() {
        Random r = new Random(7);
        double[] pool = {-1.5, -0.0, 0.0, 0.0, 2.0, 2.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 1.0};
        int[][][] shapes = {{{6, 8}, {3, 4}}, {{2, 4, 6}, {2, 2, 3}}, {{5, 7}, {2, 3}}};
        for (int trial = 0; trial < 60; trial++) {
            int[][] sh = shapes[trial % shapes.length];
            int nd = sh[0].length;
            int[] k = new int[nd];
            for (int i = 0; i < nd; i++) {
                k[i] = nd == 3 && i == 0 ? 1 : 2;
            }
            PoolGeometry g = PoolGeometry.window(sh[0], sh[1], new PoolParams(k, k, new int[nd], ones(nd), true, 0), false);
            assertEquals(true, g.pairs, "geometry " + java.util.Arrays.toString(sh[0]) + " should take the unrolled path");
            double[] x = new double[g.inPlane()];
            for (int i = 0; i < x.length; i++) {
                x[i] = trial % 3 == 0 ? pool[r.nextInt(pool.length)] : r.nextInt(5) - 2;
            }
            float[] xf = toFloat(x);
            int outP = g.outPlane();
            int[] rows = new int[Math.max(g.maxRows, 2)];
            double[] yGeneral = new double[outP];
            double[] yPairs = new double[outP];
            double[] yValues = new double[outP];
            long[] iGeneral = new long[outP];
            long[] iPairs = new long[outP];
            PoolKernelsF64.maxPlane(x, yGeneral, iGeneral, g, rows);
            PoolKernelsF64.maxPairs(x, yPairs, iPairs, g, rows);
            PoolKernelsF64.maxPairs(x, yValues, null, g, rows);
            float[] fGeneral = new float[outP];
            float[] fPairs = new float[outP];
            long[] jGeneral = new long[outP];
            long[] jPairs = new long[outP];
            PoolKernelsF32.maxPlane(xf, fGeneral, jGeneral, g, rows);
            PoolKernelsF32.maxPairs(xf, fPairs, jPairs, g, rows);
            for (int o = 0; o < outP; o++) {
                String at = "trial " + trial + ", output " + o;
                assertEquals(Double.doubleToRawLongBits(yGeneral[o]), Double.doubleToRawLongBits(yPairs[o]), at);
                assertEquals(Double.doubleToRawLongBits(yGeneral[o]), Double.doubleToRawLongBits(yValues[o]), at);
                assertEquals(Float.floatToRawIntBits(fGeneral[o]), Float.floatToRawIntBits(fPairs[o]), at);
            }
            assertArrayEquals(iGeneral, iPairs, "indices, trial " + trial);
            assertArrayEquals(jGeneral, jPairs, "float32 indices, trial " + trial);
        }
    }

    /**
     * Heap arrays as native storage for one kernel call: {@link #of} copies an array into a tensor,
     * and {@link #close} copies every tensor back into its array (the kernels' outputs) and frees it.
     */
    private static final class Heap implements AutoCloseable {
        private final List<Runnable> back = new ArrayList<>();

        CpuStorage of(double[] a) {
            return wrap(Tensor.of(a, a.length), a);
        }

        CpuStorage of(float[] a) {
            return wrap(Tensor.of(a, a.length), a);
        }

        CpuStorage of(long[] a) {
            return wrap(Tensor.of(a, a.length), a);
        }

        private CpuStorage wrap(Tensor t, Object array) {
            back.add(() -> {
                t.backend().read(t, array);
                t.close();
            });
            return (CpuStorage) t.storage();
        }

        @Override
        public void close() {
            back.forEach(Runnable::run);
        }
    }
}
