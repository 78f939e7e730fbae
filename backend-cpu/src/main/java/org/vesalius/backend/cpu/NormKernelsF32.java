package org.vesalius.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Float32 batch, layer and group norm kernels, forward and backward. Large tensors stream through
 * per-thread chunks of {@link NnScratch#CHUNK} elements; per-channel and per-row values (weights,
 * statistics, gradient sums) are small Java arrays the caller reads from and writes to its tensors.
 *
 * <p>Statistics are accumulated in double around a shift (the first value of each group), so one
 * pass gives mean and variance without the cancellation of the naive sum of squares. The affine step
 * is folded into one multiply-add per element ({@code x * scale + shift}), as PyTorch's CPU kernels
 * do.
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
    static void batchNorm(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int n, int c, int s,
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
    static void batchNormBackward(FloatBuffer g, int gOff, FloatBuffer x, int xOff, FloatBuffer gx, int gxOff,
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
    static void channelMoments(FloatBuffer x, int off, int n, int c, int s, double[] mean, double[] var,
                               ParallelRange par) {
        par.run(c, (long) n * s, (c0, c1) -> {
            float[] buf = NnScratch.floats(0, CHUNK);
            int nc = c1 - c0;
            double[] shift = new double[nc];
            double[] acc = new double[2 * nc];
            for (int ch = 0; ch < nc; ch++) {
                shift[ch] = x.get(off + (c0 + ch) * s);
            }
            int len = nc * s;
            for (int i = 0; i < n; i++) {
                int base = off + (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    x.get(base + p, buf, 0, m);
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
     * {@code acc[at + 1]} over {@code a[from, to)}. Independent partial sums keep the adds from
     * waiting on each other.
     */
    private static void shiftedSums(float[] a, int from, int to, double shift, double[] acc, int at) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double d0 = a[i] - shift;
            double d1 = a[i + 1] - shift;
            double d2 = a[i + 2] - shift;
            double d3 = a[i + 3] - shift;
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
            double d = a[i] - shift;
            s0 += d;
            q0 += d * d;
        }
        acc[at] += (s0 + s1) + (s2 + s3);
        acc[at + 1] += (q0 + q1) + (q2 + q3);
    }

    /** {@code y = x * scale[ch] + shift[ch]} over x viewed as [n, c, s]; y may be x. */
    static void channelAffine(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int n, int c, int s,
                              float[] scale, float[] shift, ParallelRange par) {
        par.run(c, (long) n * s, (c0, c1) -> {
            float[] buf = NnScratch.floats(0, CHUNK);
            int len = (c1 - c0) * s;
            for (int i = 0; i < n; i++) {
                int rel = (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    x.get(xOff + rel + p, buf, 0, m);
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
                    y.put(yOff + rel + p, buf, 0, m);
                }
            }
        });
    }

    /** Per channel of [n, c, s]: {@code sumG = sum(g)}, {@code sumGX = sum(g * (x - mean[ch]))}. */
    static void channelGradSums(FloatBuffer g, int gOff, FloatBuffer x, int xOff, int n, int c, int s,
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
                    g.get(gOff + rel + p, gb, 0, m);
                    x.get(xOff + rel + p, xb, 0, m);
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

    /** Adds {@code sum(g)} to {@code acc[at]} and {@code sum(g * (x - mean))} to {@code acc[at + 1]}. */
    private static void gradSums(float[] g, float[] x, int from, int to, double mean, double[] acc, int at) {
        double s0 = 0;
        double s1 = 0;
        double q0 = 0;
        double q1 = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            double g0 = g[i];
            double g1 = g[i + 1];
            s0 += g0;
            s1 += g1;
            q0 += g0 * (x[i] - mean);
            q1 += g1 * (x[i + 1] - mean);
        }
        if (i < to) {
            double g0 = g[i];
            s0 += g0;
            q0 += g0 * (x[i] - mean);
        }
        acc[at] += s0 + s1;
        acc[at + 1] += q0 + q1;
    }

    /** {@code out = g * k[ch] + x * a[ch] + b[ch]} over [n, c, s]. */
    static void channelAffine2(FloatBuffer g, int gOff, FloatBuffer x, int xOff, FloatBuffer out, int outOff,
                               int n, int c, int s, float[] k, float[] a, float[] b, ParallelRange par) {
        par.run(c, 2L * n * s, (c0, c1) -> {
            float[] gb = NnScratch.floats(0, CHUNK);
            float[] xb = NnScratch.floats(1, CHUNK);
            int len = (c1 - c0) * s;
            for (int i = 0; i < n; i++) {
                int rel = (i * c + c0) * s;
                for (int p = 0; p < len; p += CHUNK) {
                    int m = Math.min(CHUNK, len - p);
                    g.get(gOff + rel + p, gb, 0, m);
                    x.get(xOff + rel + p, xb, 0, m);
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
                    out.put(outOff + rel + p, gb, 0, m);
                }
            }
        });
    }

    // ------------------------------------------------------------------ layer norm: x is [rows, k]

    /** Layer norm forward over rows of length {@code k}; weight and bias ({@code [k]}) may be null. */
    static void layerNorm(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int rows, int k, float[] weight,
                          float[] bias, double eps, float[] saveMean, float[] saveInvStd, ParallelRange par) {
        par.run(rows, 3L * k, (r0, r1) -> {
            float[] buf = NnScratch.floats(0, Math.min(k, CHUNK));
            double[] acc = new double[2];
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * k;
                float shift = x.get(base);
                acc[0] = 0;
                acc[1] = 0;
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    x.get(base + p, buf, 0, m);
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
                        x.get(base + p, buf, 0, m);
                    }
                    affineRow(buf, m, sc, sh, weight, bias, p);
                    y.put(yOff + r * k + p, buf, 0, m);
                }
            }
        });
    }

    /** {@code a[j] = (a[j] * sc + sh) * w[p + j] + b[p + j]}, with w = 1 and b = 0 where absent. */
    private static void affineRow(float[] a, int m, float sc, float sh, float[] w, float[] b, int p) {
        if (w != null && b != null) {
            for (int j = 0; j < m; j++) {
                a[j] = (a[j] * sc + sh) * w[p + j] + b[p + j];
            }
        } else if (w != null) {
            for (int j = 0; j < m; j++) {
                a[j] = (a[j] * sc + sh) * w[p + j];
            }
        } else if (b != null) {
            for (int j = 0; j < m; j++) {
                a[j] = a[j] * sc + sh + b[p + j];
            }
        } else {
            for (int j = 0; j < m; j++) {
                a[j] = a[j] * sc + sh;
            }
        }
    }

    /**
     * Layer norm backward; {@code gx}, {@code gradWeight} and {@code gradBias} may each be null.
     * Weight and bias gradients sum over rows, so each task sums its rows on its own and the task
     * totals are added at the end.
     */
    static void layerNormBackward(FloatBuffer g, int gOff, FloatBuffer x, int xOff, FloatBuffer gx, int gxOff,
                                  int rows, int k, float[] weight, float[] saveMean, float[] saveInvStd,
                                  float[] gradWeight, float[] gradBias, ParallelRange par) {
        boolean wantParams = gradWeight != null || gradBias != null;
        double[] gwTotal = wantParams ? new double[k] : null;
        double[] gbTotal = wantParams ? new double[k] : null;
        Object lock = new Object();
        par.run(rows, 5L * k, (r0, r1) -> {
            int cap = Math.min(k, CHUNK);
            float[] gb = NnScratch.floats(0, cap);
            float[] xb = NnScratch.floats(1, cap);
            double[] gw = wantParams ? new double[k] : null;
            double[] gbias = wantParams ? new double[k] : null;
            for (int r = r0; r < r1; r++) {
                int gBase = gOff + r * k;
                int xBase = xOff + r * k;
                float mean = saveMean[r];
                float inv = saveInvStd[r];
                double sumA = 0;
                double sumB = 0;
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    g.get(gBase + p, gb, 0, m);
                    x.get(xBase + p, xb, 0, m);
                    double a0 = 0;
                    double b0 = 0;
                    for (int j = 0; j < m; j++) {
                        float xhat = (xb[j] - mean) * inv;
                        float gw1 = weight == null ? gb[j] : gb[j] * weight[p + j];
                        a0 += gw1;
                        b0 += gw1 * xhat;
                    }
                    sumA += a0;
                    sumB += b0;
                    if (wantParams) {
                        for (int j = 0; j < m; j++) {
                            gw[p + j] += gb[j] * ((xb[j] - mean) * inv);
                            gbias[p + j] += gb[j];
                        }
                    }
                }
                if (gx == null) {
                    continue;
                }
                // gx = inv * (g*w - sumA/k - xhat * sumB/k), folded into g*(inv*w) + x*alpha + beta
                double alpha = -(double) inv * inv * sumB / k;
                float al = (float) alpha;
                float be = (float) (-inv * sumA / k - alpha * mean);
                for (int p = 0; p < k; p += CHUNK) {
                    int m = Math.min(CHUNK, k - p);
                    if (k > CHUNK) {
                        g.get(gBase + p, gb, 0, m);
                        x.get(xBase + p, xb, 0, m);
                    }
                    if (weight == null) {
                        for (int j = 0; j < m; j++) {
                            gb[j] = gb[j] * inv + xb[j] * al + be;
                        }
                    } else {
                        for (int j = 0; j < m; j++) {
                            gb[j] = gb[j] * (inv * weight[p + j]) + xb[j] * al + be;
                        }
                    }
                    gx.put(gxOff + r * k + p, gb, 0, m);
                }
            }
            if (wantParams) {
                synchronized (lock) {
                    for (int j = 0; j < k; j++) {
                        gwTotal[j] += gw[j];
                        gbTotal[j] += gbias[j];
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

    // ------------------------------------------------------------------ group norm: x is [n, c, s]

    /**
     * Group norm forward: each (sample, group) row of {@code (c / groups) * s} contiguous elements is
     * normalized, then scaled per channel. {@code saveMean}/{@code saveInvStd} are [n * groups].
     */
    static void groupNorm(FloatBuffer x, int xOff, FloatBuffer y, int yOff, int n, int c, int s, int groups,
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
                float shift = x.get(base);
                acc[0] = 0;
                acc[1] = 0;
                for (int p = 0; p < d; p += CHUNK) {
                    int m = Math.min(CHUNK, d - p);
                    x.get(base + p, buf, 0, m);
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
                        x.get(base + p, buf, 0, m);
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
                    y.put(yOff + r * d + p, buf, 0, m);
                }
            }
        });
    }

    /** Group norm backward; {@code gx}, {@code gradWeight} and {@code gradBias} may each be null. */
    static void groupNormBackward(FloatBuffer g, int gOff, FloatBuffer x, int xOff, FloatBuffer gx, int gxOff,
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
                    g.get(gBase + p, gb, 0, m);
                    x.get(xBase + p, xb, 0, m);
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
                        g.get(gBase + p, gb, 0, m);
                        x.get(xBase + p, xb, 0, m);
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
                    gx.put(gxOff + r * d + p, gb, 0, m);
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
