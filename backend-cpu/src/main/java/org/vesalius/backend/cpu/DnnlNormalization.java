package org.vesalius.backend.cpu;

import java.nio.FloatBuffer;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * float32 batch, layer, group and instance norm on oneDNN, with the semantics of the Java kernels
 * ({@link NormKernelsF32}): the same saved statistics (mean and {@code 1 / sqrt(var + eps)}),
 * running statistics updated with momentum and the unbiased variance, optional affine parameters,
 * gradients left uncomputed when their tensor is null.
 *
 * <p><b>Layer norm</b> is oneDNN's layer normalization (a JIT kernel). It returns the biased variance,
 * which becomes the saved inverse std here; the backward gets {@code var = 1 / invStd^2} and eps 0,
 * so it uses exactly the saved statistics (the backend interface does not pass eps to backward).
 *
 * <p><b>Batch, group and instance norm</b> over {@code [N, C, S]} with {@code S >= rowMin} take the
 * <em>row route</em>: x is seen as {@code N * C} rows of S elements (or {@code N * groups} rows of
 * {@code C / groups * S} for group statistics).
 * <ul>
 *   <li>Forward: layer norm on the rows gives per-row mean and variance (batch norm combines them per
 *   channel in double: mean of means, and mean of variances plus the variance of the means); then one
 *   broadcasting binary computes {@code y = x * scale[n, c] + shift[n, c]} with the affine folded in.
 *   <li>Backward: one binary computes {@code (x - mean) * g}, two row reductions give per-row
 *   {@code sum(g)} and {@code sum(g * (x - mean))}; these combine (in double) into the parameter
 *   gradients and the coefficients of {@code gx = g * k + x * a + b}, computed by two binaries.
 * </ul>
 * oneDNN's own batch norm on NCHW is its generic {@code ncsp_bnorm} and its group norm backward on
 * NCHW a reference kernel; the row route is 2-3x faster than the former (measurements in
 * backend-cpu/README.md). For short rows its reductions lose their speed, so batch norm with
 * {@code S < rowMin} runs oneDNN's batch normalization (a JIT kernel for {@code [N, C]} inputs), and
 * group and instance norm with short rows stay in Java.
 *
 * <p>Only loops over per-row or per-channel values run in Java between the primitives, on the
 * calling thread. Results reach the output tensors, running statistics included, only after every
 * primitive has run, so a configuration oneDNN does not implement ({@link
 * org.vesalius.backend.cpu.dnnl.DnnlException#isUnimplemented()}) can be recomputed in Java by the
 * caller without updating the running statistics twice.
 */
final class DnnlNormalization {
    /** Rows at least this long (and at least 2) take the row route ({@code -Dvesalius.dnnl.normRowMin}). */
    private static volatile int rowMin = Math.max(2, Integer.getInteger("vesalius.dnnl.normRowMin", 256));

    private DnnlNormalization() {
    }

    /** Whether float32 normalization can run on oneDNN here. */
    static boolean available() {
        return Dnnl.isAvailable();
    }

    /** The shortest rows (spatial extent) that take the row route; tests lower it to cover both routes. */
    static int rowMin() {
        return rowMin;
    }

    /** A row reduction must reduce: rows of one element never take the row route. */
    static void setRowMin(int min) {
        rowMin = Math.max(2, min);
    }

    // ------------------------------------------------------------------ batch norm

    static void batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                          boolean training, double momentum, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        int n = x.size(0);
        int c = x.size(1);
        int s = x.numel() / (n * c);
        float[] w = NnTensors.floatArray(weight);
        float[] b = NnTensors.floatArray(bias);
        float[] rm = NnTensors.floatArray(runningMean);
        float[] rv = NnTensors.floatArray(runningVar);
        double[] mean = new double[c];
        double[] var = new double[c];
        if (s >= rowMin) {
            int rows = n * c;
            try (Scratch t = new Scratch(4 * rows)) {
                if (training) {
                    // per-row moments (the normalized rows go to out and are overwritten below)
                    DnnlNormKernels.layerForward(rows, s, 0f, false, false, addr(x), addr(out), t.at(0),
                            t.at(rows), 0, 0);
                    combineMoments(t.read(0, rows), t.read(rows, rows), n, c, mean, var);
                } else {
                    for (int ch = 0; ch < c; ch++) {
                        mean[ch] = rm[ch];
                        var[ch] = rv[ch];
                    }
                }
                float[] scale = new float[rows];
                float[] shift = new float[rows];
                for (int ch = 0; ch < c; ch++) {
                    double inv = 1 / Math.sqrt(var[ch] + eps);
                    double sc = w == null ? inv : inv * w[ch];
                    float scf = (float) sc;
                    float shf = (float) ((b == null ? 0 : b[ch]) - mean[ch] * sc);
                    for (int i = 0; i < n; i++) {
                        scale[i * c + ch] = scf;
                        shift[i * c + ch] = shf;
                    }
                }
                t.write(scale, 2 * rows);
                t.write(shift, 3 * rows);
                DnnlNormKernels.rowAffine(n, c, s, addr(x), t.at(2 * rows), t.at(3 * rows), addr(out));
            }
        } else if (training) {
            // oneDNN writes the mean and the biased variance; both land in the save tensors first
            DnnlNormKernels.batchForward(n, c, s, (float) eps, true, w != null, b != null, addr(x), addr(out),
                    addr(saveMean), addr(saveInvStd), addr(weight), addr(bias));
            float[] m = NnTensors.floatArray(saveMean);
            float[] v = NnTensors.floatArray(saveInvStd);
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = m[ch];
                var[ch] = v[ch];
            }
        } else {
            DnnlNormKernels.batchForward(n, c, s, (float) eps, false, w != null, b != null, addr(x), addr(out),
                    addr(runningMean), addr(runningVar), addr(weight), addr(bias));
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = rm[ch];
                var[ch] = rv[ch];
            }
        }
        float[] sm = new float[c];
        float[] si = new float[c];
        for (int ch = 0; ch < c; ch++) {
            sm[ch] = (float) mean[ch];
            si[ch] = (float) (1 / Math.sqrt(var[ch] + eps));
        }
        if (training) {
            long count = (long) n * s;
            for (int ch = 0; ch < c; ch++) {
                if (rm != null) {
                    rm[ch] = (float) ((1 - momentum) * rm[ch] + momentum * mean[ch]);
                }
                if (rv != null) {
                    rv[ch] = (float) ((1 - momentum) * rv[ch] + momentum * var[ch] * count / (count - 1));
                }
            }
            NnTensors.store(rm, runningMean);
            NnTensors.store(rv, runningVar);
        }
        NnTensors.store(sm, saveMean);
        NnTensors.store(si, saveInvStd);
    }

    /**
     * Per-channel mean and biased variance from the moments of the rows {@code (i, ch)}, all of one
     * length: the mean of the row means, and the mean of the row variances plus the variance of the
     * row means (exact, in double).
     */
    private static void combineMoments(float[] rowMean, float[] rowVar, int n, int c, double[] mean, double[] var) {
        for (int ch = 0; ch < c; ch++) {
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += rowMean[i * c + ch];
            }
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double d = rowMean[i * c + ch] - m;
                v += rowVar[i * c + ch] + d * d;
            }
            mean[ch] = m;
            var[ch] = v / n;
        }
    }

    /** False when gradIn is not wanted: the Java kernel then skips the input gradient's passes. */
    static boolean batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                                     boolean training, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        if (gradIn == null) {
            return false;
        }
        int n = x.size(0);
        int c = x.size(1);
        int s = x.numel() / (n * c);
        float[] w = NnTensors.floatArray(weight);
        float[] mean = NnTensors.floatArray(saveMean);
        float[] inv = NnTensors.floatArray(saveInvStd);
        if (s < rowMin) {
            batchBackwardShort(gradOut, x, weight, saveMean, inv, training, gradIn, gradWeight, gradBias, n, c, s);
            return true;
        }
        int rows = n * c;
        try (Scratch t = new Scratch(6 * rows)) {
            float[] shift = new float[rows];
            for (int i = 0; i < n; i++) {
                System.arraycopy(mean, 0, shift, i * c, c);
            }
            t.write(shift, 0);
            double[] sumG = new double[c];
            double[] sumGX = new double[c];
            rowGradSums(gradOut, x, gradIn, n, c, s, t, 0, rows, 2 * rows);
            float[] a = t.read(rows, rows);
            float[] bsum = t.read(2 * rows, rows);
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    sumG[ch] += a[i * c + ch];
                    sumGX[ch] += bsum[i * c + ch];
                }
            }
            float[] k = new float[rows];
            float[] ca = new float[rows];
            float[] cb = new float[rows];
            double count = (double) n * s;
            for (int ch = 0; ch < c; ch++) {
                double iv = inv[ch];
                double kk = w == null ? iv : iv * w[ch];
                double aa = training ? -kk * iv * iv * sumGX[ch] / count : 0;
                double bb = training ? -kk * sumG[ch] / count - aa * mean[ch] : 0;
                for (int i = 0; i < n; i++) {
                    k[i * c + ch] = (float) kk;
                    ca[i * c + ch] = (float) aa;
                    cb[i * c + ch] = (float) bb;
                }
            }
            t.write(k, 3 * rows);
            t.write(ca, 4 * rows);
            t.write(cb, 5 * rows);
            if (training) {
                // gx = x * a + b, then gx += g * k
                DnnlNormKernels.rowAffine(n, c, s, addr(x), t.at(4 * rows), t.at(5 * rows), addr(gradIn));
                DnnlNormKernels.rowAccumulate(n, c, s, addr(gradOut), t.at(3 * rows), addr(gradIn));
            } else {
                // constant statistics: gx = g * k (cb is all zeros)
                DnnlNormKernels.rowAffine(n, c, s, addr(gradOut), t.at(3 * rows), t.at(5 * rows), addr(gradIn));
            }
            storeParamGrads(sumG, sumGX, inv, gradWeight, gradBias);
        }
        return true;
    }

    /**
     * Per-row {@code sum(g)} into {@code t[sumsAt, +rows)} and {@code sum(g * (x - shift))} into
     * {@code t[productSumsAt, +rows)}, with the row shifts at {@code t[shiftAt, +rows)}; the products
     * are staged in {@code gx}, which the caller overwrites afterwards.
     */
    private static void rowGradSums(Tensor g, Tensor x, Tensor gx, int n, int c, int s, Scratch t, int shiftAt,
                                    int sumsAt, int productSumsAt) {
        long rows = (long) n * c;
        DnnlNormKernels.shiftedProduct(n, c, s, addr(x), t.at(shiftAt), addr(g), addr(gx));
        DnnlNormKernels.rowSums(rows, s, addr(gx), t.at(productSumsAt));
        DnnlNormKernels.rowSums(rows, s, addr(g), t.at(sumsAt));
    }

    private static void storeParamGrads(double[] sumG, double[] sumGX, float[] inv, Tensor gradWeight,
                                        Tensor gradBias) {
        int c = sumG.length;
        if (gradWeight != null) {
            float[] gw = new float[c];
            for (int ch = 0; ch < c; ch++) {
                gw[ch] = (float) (sumGX[ch] * inv[ch]);
            }
            NnTensors.store(gw, gradWeight);
        }
        if (gradBias != null) {
            float[] gb = new float[c];
            for (int ch = 0; ch < c; ch++) {
                gb[ch] = (float) sumG[ch];
            }
            NnTensors.store(gb, gradBias);
        }
    }

    /** Batch norm backward for short spatial extents, on oneDNN's batch normalization. */
    private static void batchBackwardShort(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, float[] inv,
                                           boolean training, Tensor gradIn, Tensor gradWeight, Tensor gradBias,
                                           int n, int c, int s) {
        // [var | ones | weight gradient | bias gradient], the last three used where the caller has no tensor
        try (Scratch t = new Scratch(4 * c)) {
            t.write(varFromInvStd(inv), 0);
            if (weight == null) {
                t.fill(c, c, 1f);
            }
            DnnlNormKernels.batchBackward(n, c, s, !training, addr(x), addr(gradOut), addr(saveMean), t.at(0),
                    weight != null ? addr(weight) : t.at(c), addr(gradIn),
                    gradWeight != null ? addr(gradWeight) : t.at(2 * c), gradBias != null ? addr(gradBias) : t.at(3 * c));
        }
    }

    /** {@code 1 / invStd^2}: the variance that, with eps 0, gives back the saved inverse std. */
    private static float[] varFromInvStd(float[] inv) {
        float[] v = new float[inv.length];
        for (int i = 0; i < v.length; i++) {
            double d = inv[i];
            v[i] = (float) (1 / (d * d));
        }
        return v;
    }

    // ------------------------------------------------------------------ layer norm

    static void layerNorm(Tensor x, int k, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        int rows = x.numel() / k;
        try (Scratch t = new Scratch(rows)) {
            DnnlNormKernels.layerForward(rows, k, (float) eps, weight != null, bias != null, addr(x), addr(out),
                    addr(saveMean), t.at(0), addr(weight), addr(bias));
            NnTensors.store(invStdFromVar(t.read(0, rows), eps), saveInvStd);
        }
    }

    private static float[] invStdFromVar(float[] var, double eps) {
        float[] inv = new float[var.length];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) (1 / Math.sqrt(var[i] + eps));
        }
        return inv;
    }

    static boolean layerNormBackward(Tensor gradOut, Tensor x, int k, Tensor weight, Tensor saveMean,
                                     Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        if (gradIn == null) {
            return false;
        }
        int rows = x.numel() / k;
        // [var (rows) | ones (k) | weight gradient (k) | bias gradient (k)], as for batch norm
        try (Scratch t = new Scratch(rows + 3 * k)) {
            t.write(varFromInvStd(NnTensors.floatArray(saveInvStd)), 0);
            if (weight == null) {
                t.fill(rows, k, 1f);
            }
            DnnlNormKernels.layerBackward(rows, k, addr(x), addr(gradOut), addr(saveMean), t.at(0),
                    weight != null ? addr(weight) : t.at(rows), addr(gradIn),
                    gradWeight != null ? addr(gradWeight) : t.at(rows + k),
                    gradBias != null ? addr(gradBias) : t.at(rows + 2 * k));
        }
        return true;
    }

    // ------------------------------------------------------------------ group and instance norm

    /** Whether group norm of x runs here: rows of S elements long enough for the row route. */
    static boolean groupNormApplies(Tensor x) {
        int n = x.size(0);
        int c = x.size(1);
        return x.numel() / (n * c) >= rowMin;
    }

    static void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        int n = x.size(0);
        int c = x.size(1);
        int s = x.numel() / (n * c);
        int cg = c / groups;
        int rows = n * groups;
        boolean affine = weight != null || bias != null;
        // [var (rows) | scale (n * c) | shift (n * c)]
        try (Scratch t = new Scratch(rows + (affine ? 2 * n * c : 0))) {
            // the statistics of each (sample, group); without affine parameters the output is final
            DnnlNormKernels.layerForward(rows, (long) cg * s, (float) eps, false, false, addr(x), addr(out),
                    addr(saveMean), t.at(0), 0, 0);
            float[] inv = invStdFromVar(t.read(0, rows), eps);
            if (affine) {
                float[] mean = NnTensors.floatArray(saveMean);
                float[] w = NnTensors.floatArray(weight);
                float[] b = NnTensors.floatArray(bias);
                float[] scale = new float[n * c];
                float[] shift = new float[n * c];
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        int r = i * groups + ch / cg;
                        double sc = w == null ? inv[r] : (double) inv[r] * w[ch];
                        scale[i * c + ch] = (float) sc;
                        shift[i * c + ch] = (float) ((b == null ? 0 : b[ch]) - mean[r] * sc);
                    }
                }
                t.write(scale, rows);
                t.write(shift, rows + n * c);
                DnnlNormKernels.rowAffine(n, c, s, addr(x), t.at(rows), t.at(rows + n * c), addr(out));
            }
            NnTensors.store(inv, saveInvStd);
        }
    }

    static boolean groupNormBackward(Tensor gradOut, Tensor x, int groups, Tensor weight, Tensor saveMean,
                                     Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        if (gradIn == null) {
            return false;
        }
        int n = x.size(0);
        int c = x.size(1);
        int s = x.numel() / (n * c);
        int cg = c / groups;
        int rows = n * c;
        float[] w = NnTensors.floatArray(weight);
        float[] mean = NnTensors.floatArray(saveMean);
        float[] inv = NnTensors.floatArray(saveInvStd);
        // [shift | sum g | sum g (x - mean) | k | a | b], each one value per (sample, channel)
        try (Scratch t = new Scratch(6 * rows)) {
            float[] shift = new float[rows];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    shift[i * c + ch] = mean[i * groups + ch / cg];
                }
            }
            t.write(shift, 0);
            rowGradSums(gradOut, x, gradIn, n, c, s, t, 0, rows, 2 * rows);
            float[] sumG = t.read(rows, rows);
            float[] sumGX = t.read(2 * rows, rows);
            float[] k = new float[rows];
            float[] ca = new float[rows];
            float[] cb = new float[rows];
            double d = (double) cg * s;
            for (int i = 0; i < n; i++) {
                for (int grp = 0; grp < groups; grp++) {
                    int r = i * groups + grp;
                    double iv = inv[r];
                    double sumA = 0;
                    double sumB = 0;
                    for (int q = 0; q < cg; q++) {
                        int at = i * c + grp * cg + q;
                        double wc = w == null ? 1 : w[grp * cg + q];
                        sumA += wc * sumG[at];
                        sumB += wc * sumGX[at];
                        k[at] = (float) (iv * wc);
                    }
                    // gx = inv * (g*w - sumA/d - xhat * inv*sumB/d), folded into g*(inv*w) + x*alpha + beta
                    double alpha = -iv * iv * iv * sumB / d;
                    float al = (float) alpha;
                    float be = (float) (-iv * sumA / d - alpha * mean[r]);
                    for (int q = 0; q < cg; q++) {
                        ca[i * c + grp * cg + q] = al;
                        cb[i * c + grp * cg + q] = be;
                    }
                }
            }
            t.write(k, 3 * rows);
            t.write(ca, 4 * rows);
            t.write(cb, 5 * rows);
            DnnlNormKernels.rowAffine(n, c, s, addr(x), t.at(4 * rows), t.at(5 * rows), addr(gradIn));
            DnnlNormKernels.rowAccumulate(n, c, s, addr(gradOut), t.at(3 * rows), addr(gradIn));
            if (gradWeight != null || gradBias != null) {
                float[] gw = new float[c];
                float[] gb = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double sw = 0;
                    double sb = 0;
                    for (int i = 0; i < n; i++) {
                        sw += (double) sumGX[i * c + ch] * inv[i * groups + ch / cg];
                        sb += sumG[i * c + ch];
                    }
                    gw[ch] = (float) sw;
                    gb[ch] = (float) sb;
                }
                NnTensors.store(gw, gradWeight);
                NnTensors.store(gb, gradBias);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ memory

    /** Address of a float32 tensor's first element; 0 for null (an argument the primitive does not take). */
    private static long addr(Tensor t) {
        return t == null ? 0 : ((CpuStorage) t.storage()).address() + 4L * t.offset();
    }

    /**
     * Small native float32 buffers for one call (row statistics, coefficients, gradient sums), from
     * the backend's caching allocator, so steady-state training does not call malloc.
     */
    private static final class Scratch implements AutoCloseable {
        private final Tensor t;
        private final FloatBuffer f;
        private final long base;

        Scratch(int floats) {
            t = Tensor.empty(DType.FLOAT32, Math.max(floats, 1));
            f = NnTensors.floats(t);
            base = addr(t);
        }

        long at(int index) {
            return base + 4L * index;
        }

        float[] read(int from, int len) {
            float[] a = new float[len];
            f.get(t.offset() + from, a, 0, len);
            return a;
        }

        void write(float[] a, int at) {
            f.put(t.offset() + at, a, 0, a.length);
        }

        void fill(int at, int len, float v) {
            for (int i = 0; i < len; i++) {
                f.put(t.offset() + at + i, v);
            }
        }

        @Override
        public void close() {
            t.close();
        }
    }
}
