package org.vesalius.backend.cpu;


/**
 * Float32 batch, layer and group norm kernels, forward and backward. Large tensors stream through
 * per-thread chunks of {@link NnScratch#CHUNK} elements; per-channel and per-row values (weights,
 * statistics, gradient sums) are small Java arrays the caller reads from and writes to its tensors.
 *
 * <p>Statistics are accumulated around a shift (the first value of each group), so one pass gives
 * mean and variance without the cancellation of the naive sum of squares: partial sums in the data's
 * type over at most one chunk, then double across chunks. The affine step is folded into one
 * multiply-add per element ({@code x * scale + shift}), as PyTorch's CPU kernels do. Loops that write
 * arrays index every array from the same base, which is what the JIT needs to vectorize them.
 *
 * <p>{@code NormKernelsF64} is generated from this file by {@code scripts/generate-f64.sh}; edit this one and regenerate.
 */
final class NormKernelsF32 {
    private static final int CHUNK = NnScratch.CHUNK;

    private NormKernelsF32() {
    }

    // ------------------------------------------------------------------ batch norm: x is [n, c, s]

    /**
     * Batch norm forward. Training: batch statistics, running statistics (if given) updated in place
     * with the unbiased variance. Eval: running statistics. {@code saveMean}/{@code saveInvStd}
     * receive the statistics used.
     */
    static void batchNorm(CpuStorage x, int xOff, CpuStorage y, int yOff, int n, int c, int s,
                          float[] weight, float[] bias, float[] runningMean, float[] runningVar, boolean training,
                          double momentum, double eps, float[] saveMean, float[] saveInvStd, ParallelRange par) {
        double[] mean = new double[c];
        double[] var = new double[c];
        if (training) {
            channelMoments(x, xOff, n, c, s, mean, var, par);
            long count = (long) n * s;
            for (int ch = 0; ch < c; ch++) {
                if (runningMean != null) {
                    runningMean[ch] = (float) ((1 - momentum) * runningMean[ch] + momentum * mean[ch]);
                }
                if (runningVar != null) {
                    double unbiased = var[ch] * count / (count - 1);
                    runningVar[ch] = (float) ((1 - momentum) * runningVar[ch] + momentum * unbiased);
                }
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = runningMean[ch];
                var[ch] = runningVar[ch];
            }
        }
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double inv = 1 / Math.sqrt(var[ch] + eps);
            double sc = weight == null ? inv : inv * weight[ch];
            scale[ch] = (float) sc;
            shift[ch] = (float) ((bias == null ? 0 : bias[ch]) - mean[ch] * sc);
            saveMean[ch] = (float) mean[ch];
            saveInvStd[ch] = (float) inv;
        }
        channelAffine(x, xOff, y, yOff, n, c, s, scale, shift, par);
    }

    /**
     * Batch norm backward from the saved statistics; {@code gx}, {@code gradWeight} and
     * {@code gradBias} may each be null.
     */
    static void batchNormBackward(CpuStorage g, int gOff, CpuStorage x, int xOff, CpuStorage gx, int gxOff,
                                  int n, int c, int s, float[] weight, float[] saveMean, float[] saveInvStd,
                                  boolean training, float[] gradWeight, float[] gradBias, ParallelRange par) {
        double[] sumG = null;
        double[] sumGX = null;
        if (training || gradWeight != null || gradBias != null) {
            sumG = new double[c];
            sumGX = new double[c];
            channelGradSums(g, gOff, x, xOff, n, c, s, saveMean, sumG, sumGX, par);
            for (int ch = 0; ch < c; ch++) {
                if (gradWeight != null) {
                    gradWeight[ch] = (float) (sumGX[ch] * saveInvStd[ch]);
                }
                if (gradBias != null) {
                    gradBias[ch] = (float) sumG[ch];
                }
            }
        }
        if (gx == null) {
            return;
        }
        float[] k = new float[c];
        float[] a = new float[c];
        float[] b = new float[c];
        double count = (double) n * s;
        for (int ch = 0; ch < c; ch++) {
            double inv = saveInvStd[ch];
            double kk = weight == null ? inv : inv * weight[ch];
            k[ch] = (float) kk;
            if (training) {
                double aa = -kk * inv * inv * sumGX[ch] / count;
                a[ch] = (float) aa;
                b[ch] = (float) (-kk * sumG[ch] / count - aa * saveMean[ch]);
            }
        }
        if (training) {
            channelAffine2(g, gOff, x, xOff, gx, gxOff, n, c, s, k, a, b, par);
        } else {
            channelAffine(g, gOff, gx, gxOff, n, c, s, k, b, par);
        }
    }

    /** Mean and biased variance of each channel of x viewed as [n, c, s]. */
    static void channelMoments(CpuStorage x, int off, int n, int c, int s, double[] mean, double[] var,
                               ParallelRange par) {
        par.run(c, (long) n * s, (c0, c1) -> {
            float[] buf = NnScratch.floats(0, CHUNK);
            int nc = c1 - c0;
            double[] shift = new double[nc];
            double[] acc = new double[2 * nc];
            for (int ch = 0; ch < nc; ch++) {
                shift[ch] = (float) Access.getDouble(x, off + (c0 + ch) * s);
            }
            int len = nc * s;
            for (int i = 0; i < n; i++) {
                int base = off + (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    Access.load(x, base + p, 1, buf, m);
                    for (int j = 0; j < m; ) {
                        int ch = (p + j) / s;
                        int end = Math.min(m, (ch + 1) * s - p);
                        shiftedSums(buf, j, end, shift[ch], acc, 2 * ch);
                        j = end;
                    }
                }
            }
            double count = (double) n * s;
            for (int ch = 0; ch < nc; ch++) {
                double mu = acc[2 * ch] / count;
                mean[c0 + ch] = shift[ch] + mu;
                var[c0 + ch] = Math.max(0, acc[2 * ch + 1] / count - mu * mu);
            }
        });
    }

    /**
     * Adds {@code sum(a - shift)} to {@code acc[at]} and {@code sum((a - shift)^2)} to
     * {@code acc[at + 1]} over {@code a[from, to)}. Four independent partial sums in the data's type
     * keep the adds from waiting on each other (the JIT does not vectorize reductions); a run is at
     * most one chunk long, and the caller accumulates runs in double.
     */
    private static void shiftedSums(float[] a, int from, int to, double shift, double[] acc, int at) {
        float sh = (float) shift;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float q0 = 0;
        float q1 = 0;
        float q2 = 0;
        float q3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            float d0 = a[i] - sh;
            float d1 = a[i + 1] - sh;
            float d2 = a[i + 2] - sh;
            float d3 = a[i + 3] - sh;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        for (; i < to; i++) {
            float d = a[i] - sh;
            s0 += d;
            q0 += d * d;
        }
        acc[at] += ((double) s0 + s1) + ((double) s2 + s3);
        acc[at + 1] += ((double) q0 + q1) + ((double) q2 + q3);
    }

    /** {@code y = x * scale[ch] + shift[ch]} over x viewed as [n, c, s]; y may be x. */
    static void channelAffine(CpuStorage x, int xOff, CpuStorage y, int yOff, int n, int c, int s,
                              float[] scale, float[] shift, ParallelRange par) {
        par.run(c, (long) n * s, (c0, c1) -> {
            float[] buf = NnScratch.floats(0, CHUNK);
            int len = (c1 - c0) * s;
            for (int i = 0; i < n; i++) {
                int rel = (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    Access.load(x, xOff + rel + p, 1, buf, m);
                    for (int j = 0; j < m; ) {
                        int ch = (p + j) / s;
                        int end = Math.min(m, (ch + 1) * s - p);
                        float sc = scale[c0 + ch];
                        float sh = shift[c0 + ch];
                        for (int q = j; q < end; q++) {
                            buf[q] = buf[q] * sc + sh;
                        }
                        j = end;
                    }
                    Access.store(buf, m, y, yOff + rel + p, 1);
                }
            }
        });
    }

    /** Per channel of [n, c, s]: {@code sumG = sum(g)}, {@code sumGX = sum(g * (x - mean[ch]))}. */
    static void channelGradSums(CpuStorage g, int gOff, CpuStorage x, int xOff, int n, int c, int s,
                                float[] mean, double[] sumG, double[] sumGX, ParallelRange par) {
        par.run(c, 2L * n * s, (c0, c1) -> {
            float[] gb = NnScratch.floats(0, CHUNK);
            float[] xb = NnScratch.floats(1, CHUNK);
            int nc = c1 - c0;
            double[] acc = new double[2 * nc];
            int len = nc * s;
            for (int i = 0; i < n; i++) {
                int rel = (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    Access.load(g, gOff + rel + p, 1, gb, m);
                    Access.load(x, xOff + rel + p, 1, xb, m);
                    for (int j = 0; j < m; ) {
                        int ch = (p + j) / s;
                        int end = Math.min(m, (ch + 1) * s - p);
                        gradSums(gb, xb, j, end, mean[c0 + ch], acc, 2 * ch);
                        j = end;
                    }
                }
            }
            for (int ch = 0; ch < nc; ch++) {
                sumG[c0 + ch] = acc[2 * ch];
                sumGX[c0 + ch] = acc[2 * ch + 1];
            }
        });
    }

    /**
     * Adds {@code sum(g)} to {@code acc[at]} and {@code sum(g * (x - mean))} to {@code acc[at + 1]},
     * with independent partial sums as in {@link #shiftedSums}.
     */
    private static void gradSums(float[] g, float[] x, int from, int to, double mean, double[] acc, int at) {
        float mu = (float) mean;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float q0 = 0;
        float q1 = 0;
        float q2 = 0;
        float q3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            float g0 = g[i];
            float g1 = g[i + 1];
            float g2 = g[i + 2];
            float g3 = g[i + 3];
            s0 += g0;
            s1 += g1;
            s2 += g2;
            s3 += g3;
            q0 += g0 * (x[i] - mu);
            q1 += g1 * (x[i + 1] - mu);
            q2 += g2 * (x[i + 2] - mu);
            q3 += g3 * (x[i + 3] - mu);
        }
        for (; i < to; i++) {
            s0 += g[i];
            q0 += g[i] * (x[i] - mu);
        }
        acc[at] += ((double) s0 + s1) + ((double) s2 + s3);
        acc[at + 1] += ((double) q0 + q1) + ((double) q2 + q3);
    }

    /** {@code out = g * k[ch] + x * a[ch] + b[ch]} over [n, c, s]. */
    static void channelAffine2(CpuStorage g, int gOff, CpuStorage x, int xOff, CpuStorage out, int outOff,
                               int n, int c, int s, float[] k, float[] a, float[] b, ParallelRange par) {
        par.run(c, 2L * n * s, (c0, c1) -> {
            float[] gb = NnScratch.floats(0, CHUNK);
            float[] xb = NnScratch.floats(1, CHUNK);
            int len = (c1 - c0) * s;
            for (int i = 0; i < n; i++) {
                int rel = (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    Access.load(g, gOff + rel + p, 1, gb, m);
                    Access.load(x, xOff + rel + p, 1, xb, m);
                    for (int j = 0; j < m; ) {
                        int ch = (p + j) / s;
                        int end = Math.min(m, (ch + 1) * s - p);
                        float kk = k[c0 + ch];
                        float aa = a[c0 + ch];
                        float bb = b[c0 + ch];
                        for (int q = j; q < end; q++) {
                            gb[q] = gb[q] * kk + xb[q] * aa + bb;
                        }
                        j = end;
                    }
                    Access.store(gb, m, out, outOff + rel + p, 1);
                }
            }
        });
    }

    // ------------------------------------------------------------------ layer norm: x is [rows, k]

    /** Layer norm forward over rows of length {@code k}; weight and bias ({@code [k]}) may be null. */
    static void layerNorm(CpuStorage x, int xOff, CpuStorage y, int yOff, int rows, int k, float[] weight,
                          float[] bias, double eps, float[] saveMean, float[] saveInvStd, ParallelRange par) {
        par.run(rows, 3L * k, (r0, r1) -> {
            float[] buf = NnScratch.floats(0, Math.min(k, CHUNK));
            float[] ws = NnScratch.floats(1, Math.min(k, CHUNK));
            float[] bs = NnScratch.floats(2, Math.min(k, CHUNK));
            double[] acc = new double[2];
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * k;
                float shift = (float) Access.getDouble(x, base);
                acc[0] = 0;
                acc[1] = 0;
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    Access.load(x, base + p, 1, buf, m);
                    shiftedSums(buf, 0, m, shift, acc, 0);
                }
                double mu = acc[0] / k;
                double mean = shift + mu;
                double inv = 1 / Math.sqrt(Math.max(0, acc[1] / k - mu * mu) + eps);
                saveMean[r] = (float) mean;
                saveInvStd[r] = (float) inv;
                float sc = (float) inv;
                float sh = (float) (-inv * mean);
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    if (k > CHUNK) {
                        Access.load(x, base + p, 1, buf, m);
                    }
                    affineRow(buf, m, sc, sh, slice(weight, p, m, ws), slice(bias, p, m, bs));
                    Access.store(buf, m, y, yOff + r * k + p, 1);
                }
            }
        });
    }

    /**
     * {@code src[p, p + m)} as an array indexed from 0: {@code src} itself when that is all of it,
     * else a copy in {@code dst}. The JIT vectorizes a loop only when every array in it is indexed
     * the same way, so loops never index with a chunk offset.
     */
    private static float[] slice(float[] src, int p, int m, float[] dst) {
        if (src == null || (p == 0 && m == src.length)) {
            return src;
        }
        System.arraycopy(src, p, dst, 0, m);
        return dst;
    }

    /** {@code a[j] = (a[j] * sc + sh) * w[j] + b[j]}, with w = 1 and b = 0 where absent. */
    private static void affineRow(float[] a, int m, float sc, float sh, float[] w, float[] b) {
        if (w != null && b != null) {
            for (int j = 0; j < m; j++) {
                a[j] = (a[j] * sc + sh) * w[j] + b[j];
            }
        } else if (w != null) {
            for (int j = 0; j < m; j++) {
                a[j] = (a[j] * sc + sh) * w[j];
            }
        } else if (b != null) {
            for (int j = 0; j < m; j++) {
                a[j] = a[j] * sc + sh + b[j];
            }
        } else {
            for (int j = 0; j < m; j++) {
                a[j] = a[j] * sc + sh;
            }
        }
    }

    /** Rows of parameter gradients summed in the data's type before they are added to the double totals. */
    private static final int FLUSH_ROWS = 32;

    /**
     * Layer norm backward; {@code gx}, {@code gradWeight} and {@code gradBias} may each be null.
     * Weight and bias gradients sum over rows, so each task sums its rows on its own and the task
     * totals are added at the end.
     */
    static void layerNormBackward(CpuStorage g, int gOff, CpuStorage x, int xOff, CpuStorage gx, int gxOff,
                                  int rows, int k, float[] weight, float[] saveMean, float[] saveInvStd,
                                  float[] gradWeight, float[] gradBias, ParallelRange par) {
        boolean wantParams = gradWeight != null || gradBias != null;
        double[] gwTotal = wantParams ? new double[k] : null;
        double[] gbTotal = wantParams ? new double[k] : null;
        Object lock = new Object();
        par.run(rows, 6L * k, (r0, r1) -> {
            int cap = Math.min(k, CHUNK);
            float[] gb = NnScratch.floats(0, cap);
            float[] xb = NnScratch.floats(1, cap);
            float[] xh = NnScratch.floats(2, cap);
            float[] gw = NnScratch.floats(3, cap);
            float[] ws = NnScratch.floats(4, cap);
            float[] pws = NnScratch.floats(5, cap);
            float[] pbs = NnScratch.floats(6, cap);
            double[] acc = new double[2];
            // parameter gradients: a few rows in float (vectorized adds), then into double
            float[] pw = wantParams ? new float[k] : null;
            float[] pb = wantParams ? new float[k] : null;
            double[] tw = wantParams ? new double[k] : null;
            double[] tb = wantParams ? new double[k] : null;
            for (int r = r0; r < r1; r++) {
                int gBase = gOff + r * k;
                int xBase = xOff + r * k;
                float mean = saveMean[r];
                float inv = saveInvStd[r];
                acc[0] = 0;
                acc[1] = 0;
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    Access.load(g, gBase + p, 1, gb, m);
                    Access.load(x, xBase + p, 1, xb, m);
                    lnTerms(gb, xb, m, mean, inv, slice(weight, p, m, ws), xh, gw);
                    dotSums(gw, xh, m, acc);
                    if (wantParams) {
                        float[] a = slice(pw, p, m, pws);
                        float[] b = slice(pb, p, m, pbs);
                        for (int j = 0; j < m; j++) {
                            a[j] += gb[j] * xh[j];
                            b[j] += gb[j];
                        }
                        if (a != pw) {
                            System.arraycopy(a, 0, pw, p, m);
                            System.arraycopy(b, 0, pb, p, m);
                        }
                    }
                }
                if (wantParams && ((r - r0) % FLUSH_ROWS == FLUSH_ROWS - 1 || r == r1 - 1)) {
                    for (int j = 0; j < k; j++) {
                        tw[j] += pw[j];
                        tb[j] += pb[j];
                        pw[j] = 0;
                        pb[j] = 0;
                    }
                }
                if (gx == null) {
                    continue;
                }
                // gx = inv * (g*w - sum(g*w)/k - xhat * sum(g*w*xhat)/k)
                float ma = (float) (acc[0] / k);
                float mb = (float) (acc[1] / k);
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    if (k > CHUNK) {
                        Access.load(g, gBase + p, 1, gb, m);
                        Access.load(x, xBase + p, 1, xb, m);
                        lnTerms(gb, xb, m, mean, inv, slice(weight, p, m, ws), xh, gw);
                    }
                    for (int j = 0; j < m; j++) {
                        gb[j] = inv * (gw[j] - ma - xh[j] * mb);
                    }
                    Access.store(gb, m, gx, gxOff + r * k + p, 1);
                }
            }
            if (wantParams) {
                synchronized (lock) {
                    for (int j = 0; j < k; j++) {
                        gwTotal[j] += tw[j];
                        gbTotal[j] += tb[j];
                    }
                }
            }
        });
        for (int j = 0; j < k && wantParams; j++) {
            if (gradWeight != null) {
                gradWeight[j] = (float) gwTotal[j];
            }
            if (gradBias != null) {
                gradBias[j] = (float) gbTotal[j];
            }
        }
    }

    /** {@code xh = (x - mean) * inv} and {@code gw = g * w} (g itself when w is null). */
    private static void lnTerms(float[] g, float[] x, int m, float mean, float inv, float[] w, float[] xh,
                                float[] gw) {
        for (int j = 0; j < m; j++) {
            xh[j] = (x[j] - mean) * inv;
        }
        if (w == null) {
            System.arraycopy(g, 0, gw, 0, m);
        } else {
            for (int j = 0; j < m; j++) {
                gw[j] = g[j] * w[j];
            }
        }
    }

    /** Adds {@code sum(a)} to {@code acc[0]} and {@code sum(a * b)} to {@code acc[1]} over {@code [0, m)}. */
    private static void dotSums(float[] a, float[] b, int m, double[] acc) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float q0 = 0;
        float q1 = 0;
        float q2 = 0;
        float q3 = 0;
        int i = 0;
        for (; i + 3 < m; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
            q0 += a[i] * b[i];
            q1 += a[i + 1] * b[i + 1];
            q2 += a[i + 2] * b[i + 2];
            q3 += a[i + 3] * b[i + 3];
        }
        for (; i < m; i++) {
            s0 += a[i];
            q0 += a[i] * b[i];
        }
        acc[0] += ((double) s0 + s1) + ((double) s2 + s3);
        acc[1] += ((double) q0 + q1) + ((double) q2 + q3);
    }

    // ------------------------------------------------------------------ group norm: x is [n, c, s]

    /**
     * Group norm forward: each (sample, group) row of {@code (c / groups) * s} contiguous elements is
     * normalized, then scaled per channel. {@code saveMean}/{@code saveInvStd} are [n * groups].
     */
    static void groupNorm(CpuStorage x, int xOff, CpuStorage y, int yOff, int n, int c, int s, int groups,
                          float[] weight, float[] bias, double eps, float[] saveMean, float[] saveInvStd,
                          ParallelRange par) {
        int cg = c / groups;
        int d = cg * s;
        par.run(n * groups, 3L * d, (r0, r1) -> {
            float[] buf = NnScratch.floats(0, Math.min(d, CHUNK));
            double[] acc = new double[2];
            float[] sc = new float[cg];
            float[] sh = new float[cg];
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * d;
                int firstChannel = (r % groups) * cg;
                float shift = (float) Access.getDouble(x, base);
                acc[0] = 0;
                acc[1] = 0;
                for (int p = 0; p < d; p += CHUNK) {
                    int m = Math.min(CHUNK, d - p);
                    Access.load(x, base + p, 1, buf, m);
                    shiftedSums(buf, 0, m, shift, acc, 0);
                }
                double mu = acc[0] / d;
                double mean = shift + mu;
                double inv = 1 / Math.sqrt(Math.max(0, acc[1] / d - mu * mu) + eps);
                saveMean[r] = (float) mean;
                saveInvStd[r] = (float) inv;
                for (int q = 0; q < cg; q++) {
                    double scale = weight == null ? inv : inv * weight[firstChannel + q];
                    sc[q] = (float) scale;
                    sh[q] = (float) ((bias == null ? 0 : bias[firstChannel + q]) - mean * scale);
                }
                for (int p = 0; p < d; p += CHUNK) {
                    int m = Math.min(CHUNK, d - p);
                    if (d > CHUNK) {
                        Access.load(x, base + p, 1, buf, m);
                    }
                    for (int j = 0; j < m; ) {
                        int q = (p + j) / s;
                        int end = Math.min(m, (q + 1) * s - p);
                        float a = sc[q];
                        float b = sh[q];
                        for (int t = j; t < end; t++) {
                            buf[t] = buf[t] * a + b;
                        }
                        j = end;
                    }
                    Access.store(buf, m, y, yOff + r * d + p, 1);
                }
            }
        });
    }

    /** Group norm backward; {@code gx}, {@code gradWeight} and {@code gradBias} may each be null. */
    static void groupNormBackward(CpuStorage g, int gOff, CpuStorage x, int xOff, CpuStorage gx, int gxOff,
                                  int n, int c, int s, int groups, float[] weight, float[] saveMean,
                                  float[] saveInvStd, float[] gradWeight, float[] gradBias, ParallelRange par) {
        int cg = c / groups;
        int d = cg * s;
        // per (sample, channel): sum(g) and sum(g * (x - mean)), for the row terms and the parameter gradients
        double[] sumG = new double[n * c];
        double[] sumGX = new double[n * c];
        par.run(n * groups, 5L * d, (r0, r1) -> {
            int cap = Math.min(d, CHUNK);
            float[] gb = NnScratch.floats(0, cap);
            float[] xb = NnScratch.floats(1, cap);
            double[] acc = new double[2 * cg];
            float[] kk = new float[cg];
            for (int r = r0; r < r1; r++) {
                int gBase = gOff + r * d;
                int xBase = xOff + r * d;
                int firstChannel = (r % groups) * cg;
                float mean = saveMean[r];
                double inv = saveInvStd[r];
                java.util.Arrays.fill(acc, 0);
                for (int p = 0; p < d; p += CHUNK) {
                    int m = Math.min(CHUNK, d - p);
                    Access.load(g, gBase + p, 1, gb, m);
                    Access.load(x, xBase + p, 1, xb, m);
                    for (int j = 0; j < m; ) {
                        int q = (p + j) / s;
                        int end = Math.min(m, (q + 1) * s - p);
                        gradSums(gb, xb, j, end, mean, acc, 2 * q);
                        j = end;
                    }
                }
                double sumA = 0;
                double sumB = 0;
                int sample = r / groups;
                for (int q = 0; q < cg; q++) {
                    int ch = firstChannel + q;
                    double w = weight == null ? 1 : weight[ch];
                    sumA += w * acc[2 * q];
                    sumB += w * acc[2 * q + 1];
                    sumG[sample * c + ch] = acc[2 * q];
                    sumGX[sample * c + ch] = acc[2 * q + 1];
                    kk[q] = (float) (inv * w);
                }
                if (gx == null) {
                    continue;
                }
                // gx = inv * (g*w - sumA/d - xhat * inv*sumB/d), folded into g*(inv*w) + x*alpha + beta
                double alpha = -inv * inv * inv * sumB / d;
                float al = (float) alpha;
                float be = (float) (-inv * sumA / d - alpha * mean);
                for (int p = 0; p < d; p += CHUNK) {
                    int m = Math.min(CHUNK, d - p);
                    if (d > CHUNK) {
                        Access.load(g, gBase + p, 1, gb, m);
                        Access.load(x, xBase + p, 1, xb, m);
                    }
                    for (int j = 0; j < m; ) {
                        int q = (p + j) / s;
                        int end = Math.min(m, (q + 1) * s - p);
                        float k = kk[q];
                        for (int t = j; t < end; t++) {
                            gb[t] = gb[t] * k + xb[t] * al + be;
                        }
                        j = end;
                    }
                    Access.store(gb, m, gx, gxOff + r * d + p, 1);
                }
            }
        });
        for (int ch = 0; ch < c; ch++) {
            double gw = 0;
            double gbSum = 0;
            for (int i = 0; i < n; i++) {
                int row = i * groups + ch / cg;
                gw += sumGX[i * c + ch] * saveInvStd[row];
                gbSum += sumG[i * c + ch];
            }
            if (gradWeight != null) {
                gradWeight[ch] = (float) gw;
            }
            if (gradBias != null) {
                gradBias[ch] = (float) gbSum;
            }
        }
    }
}
