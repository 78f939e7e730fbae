package org.vesalius.backend.cpu;

import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * float32 batch, layer, group and instance norm on oneDNN, with the semantics of the Java kernels
 * ({@link NormKernelsF32}): the same saved statistics (mean and {@code 1 / sqrt(var + eps)}),
 * running statistics updated with momentum and the unbiased variance, optional affine parameters,
 * gradients left uncomputed when their tensor is null. Each entry point returns false, having
 * written nothing the caller keeps, when the Java kernel should compute the call instead.
 *
 * <p><b>Layer norm</b> is oneDNN's layer normalization (a JIT kernel). It returns the biased variance,
 * which becomes the saved inverse std here; the backward gets {@code var = 1 / invStd^2} and eps 0,
 * so it uses exactly the saved statistics (the backend interface does not pass eps to backward).
 *
 * <p><b>Batch, group and instance norm</b> over {@code [N, C, S]} take the <em>row route</em> when
 * the rows are long enough: x is seen as {@code N * C} rows of S elements (or {@code N * groups}
 * rows of {@code C / groups * S} for group statistics).
 * <ul>
 *   <li>Forward ({@code S >= }{@link #forwardRowMin()}, default 64): layer norm on the rows gives
 *   per-row mean and variance (batch norm combines them per channel in double: mean of means, and
 *   mean of variances plus the variance of the means); then one broadcasting binary computes
 *   {@code y = x * scale + shift} with the affine folded in.
 *   <li>Backward ({@code S >= }{@link #backwardRowMin()}, default 256): a row reduction gives
 *   per-row {@code sum(g)} and a batched dot product {@code sum(g * x)} (see {@link #rowGradSums}
 *   for inputs whose mean is far from zero); these combine in double into the parameter gradients
 *   and the coefficients of {@code gx = g * k + x * a + b}, computed by two binaries.
 * </ul>
 * oneDNN's own batch norm on NCHW is its generic {@code ncsp_bnorm} and its group norm backward on
 * NCHW a reference kernel; the row route is about 2x faster than the former and than the Java
 * kernels (measurements in backend-cpu/README.md). On shorter rows the reductions and dot products
 * lose their speed: batch norm then runs oneDNN's batch normalization (3-10x faster than Java on
 * rows of a few elements, e.g. {@code [N, C]} inputs, and level with it up to a few hundred), group
 * and instance norm the Java kernels.
 *
 * <p>Only loops over per-row or per-channel values run in Java between the primitives, on the
 * calling thread. Results reach the caller's tensors, running statistics included, only after every
 * primitive has run, so a configuration oneDNN does not implement ({@link
 * org.vesalius.backend.cpu.dnnl.DnnlException#isUnimplemented()}) can be recomputed in Java by the
 * caller without updating the running statistics twice.
 */
final class DnnlNormalization {
    /** Forward passes over rows at least this long take the row route ({@code -Dvesalius.dnnl.normRowMin}). */
    private static volatile int forwardRowMin = Math.max(2, Integer.getInteger("vesalius.dnnl.normRowMin", 64));
    /** Backward passes likewise ({@code -Dvesalius.dnnl.normRowMinBackward}). */
    private static volatile int backwardRowMin =
            Math.max(2, Integer.getInteger("vesalius.dnnl.normRowMinBackward", 256));

    /**
     * oneDNN's batch normalization sums in float without a shift: above this many stds between a
     * channel's mean and zero its statistics lose too much to cancellation, and the Java kernel
     * (shifted sums) recomputes the call.
     */
    private static final double BATCH_MAX_OFFSET = 64;

    private DnnlNormalization() {
    }

    /** Whether float32 normalization can run on oneDNN here. */
    static boolean available() {
        return Dnnl.isAvailable();
    }

    static int forwardRowMin() {
        return forwardRowMin;
    }

    static int backwardRowMin() {
        return backwardRowMin;
    }

    /**
     * Sets both row-length thresholds (tests move them to cover every route). A row reduction must
     * reduce, so rows of one element never take the row route.
     */
    static void setRowMin(int forward, int backward) {
        forwardRowMin = Math.max(2, forward);
        backwardRowMin = Math.max(2, backward);
    }

    // ------------------------------------------------------------------ batch norm

    static boolean batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                             boolean training, double momentum, double eps, Tensor out, Tensor saveMean,
                             Tensor saveInvStd) {
        int n = x.size(0);
        int c = x.size(1);
        int s = x.checkedNumel("batchNorm") / (n * c);
        float[] w = NnTensors.floatArray(weight);
        float[] b = NnTensors.floatArray(bias);
        float[] rm = NnTensors.floatArray(runningMean);
        float[] rv = NnTensors.floatArray(runningVar);
        double[] mean = new double[c];
        double[] var = new double[c];
        if (s >= forwardRowMin) {
            int rows = n * c;
            // [row means | row variances | scale (c) | shift (c)]
            try (Scratch t = new Scratch(2 * rows + 2 * c)) {
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
                float[] scale = new float[c];
                float[] shift = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double inv = 1 / Math.sqrt(var[ch] + eps);
                    double sc = w == null ? inv : inv * w[ch];
                    scale[ch] = (float) sc;
                    shift[ch] = (float) ((b == null ? 0 : b[ch]) - mean[ch] * sc);
                }
                t.write(scale, 2 * rows);
                t.write(shift, 2 * rows + c);
                DnnlNormKernels.affine(n, c, s, false, addr(x), t.at(2 * rows), t.at(2 * rows + c), addr(out));
            }
        } else if (training) {
            // oneDNN writes the mean and the biased variance; both land in the save tensors first
            DnnlNormKernels.batchForward(n, c, s, (float) eps, true, w != null, b != null, addr(x), addr(out),
                    addr(saveMean), addr(saveInvStd), addr(weight), addr(bias));
            float[] m = NnTensors.floatArray(saveMean);
            float[] v = NnTensors.floatArray(saveInvStd);
            for (int ch = 0; ch < c; ch++) {
                if (Math.abs(m[ch]) > BATCH_MAX_OFFSET * Math.sqrt(v[ch] + eps)) {
                    return false;
                }
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
        return true;
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
        int s = x.checkedNumel("batchNorm") / (n * c);
        float[] w = NnTensors.floatArray(weight);
        float[] mean = NnTensors.floatArray(saveMean);
        float[] inv = NnTensors.floatArray(saveInvStd);
        if (s < backwardRowMin) {
            batchBackwardShort(gradOut, x, weight, saveMean, inv, training, gradIn, gradWeight, gradBias, n, c, s);
            return true;
        }
        int rows = n * c;
        // [row sums | row products (or shifts) | k (c) | a (c) | b (c)]
        try (Scratch t = new Scratch(2 * rows + 3 * c)) {
            double[][] sums = rowGradSums(gradOut, x, gradIn, n, c, s, false, mean, inv, t);
            double[] sumG = new double[c];
            double[] sumGX = new double[c];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    sumG[ch] += sums[0][i * c + ch];
                    sumGX[ch] += sums[1][i * c + ch];
                }
            }
            float[] k = new float[c];
            float[] ca = new float[c];
            float[] cb = new float[c];
            double count = (double) n * s;
            for (int ch = 0; ch < c; ch++) {
                double iv = inv[ch];
                double kk = w == null ? iv : iv * w[ch];
                double aa = training ? -kk * iv * iv * sumGX[ch] / count : 0;
                k[ch] = (float) kk;
                ca[ch] = (float) aa;
                cb[ch] = (float) (training ? -kk * sumG[ch] / count - aa * mean[ch] : 0);
            }
            int at = 2 * rows;
            t.write(k, at);
            t.write(ca, at + c);
            t.write(cb, at + 2 * c);
            if (training) {
                // gx = x * a + b, then gx += g * k
                DnnlNormKernels.affine(n, c, s, false, addr(x), t.at(at + c), t.at(at + 2 * c), addr(gradIn));
                DnnlNormKernels.accumulate(n, c, s, false, addr(gradOut), t.at(at), addr(gradIn));
            } else {
                // constant statistics: gx = g * k (b is all zeros)
                DnnlNormKernels.affine(n, c, s, false, addr(gradOut), t.at(at), t.at(at + 2 * c), addr(gradIn));
            }
            storeParamGrads(sumG, sumGX, inv, gradWeight, gradBias);
        }
        return true;
    }

    /** Above this ratio of a shift (mean) to the std, row products are shifted before they are summed. */
    private static final double DOT_MAX_OFFSET = 8;

    /**
     * Per-row {@code sum(g)} and {@code sum(g * (x - shift))} over x and g seen as {@code n * c} rows
     * of s, with one shift per channel or per row (the means) and the matching inverse stds. Uses
     * {@code t[0, 2 * n * c)}.
     *
     * <p>Normally one row reduction of g and one batched dot product {@code sum(g * x)}, from which
     * {@code shift * sum(g)} is subtracted in double: two reads of each tensor. That subtraction loses
     * about {@code |mean| / std} times float precision to cancellation, so when some mean exceeds
     * {@link #DOT_MAX_OFFSET} stds, the products {@code (x - shift) * g} are formed first (staged in
     * gx, which the caller overwrites afterwards) and reduced like g: exact, one more pass.
     */
    private static double[][] rowGradSums(Tensor g, Tensor x, Tensor gx, int n, int c, int s, boolean perRow,
                                          float[] shift, float[] inv, Scratch t) {
        int rows = n * c;
        double offset = 0;
        for (int i = 0; i < shift.length; i++) {
            offset = Math.max(offset, Math.abs((double) shift[i] * inv[i]));
        }
        DnnlNormKernels.rowSums(rows, s, addr(g), t.at(0));
        double[] sumG = toDouble(t.read(0, rows));
        double[] sumGX;
        if (offset <= DOT_MAX_OFFSET) {
            DnnlNormKernels.rowDots(rows, s, addr(g), addr(x), t.at(rows));
            sumGX = toDouble(t.read(rows, rows));
            for (int r = 0; r < rows; r++) {
                sumGX[r] -= shift[perRow ? r : r % c] * sumG[r];
            }
        } else {
            t.write(shift, rows);
            DnnlNormKernels.shiftedProduct(n, c, s, perRow, addr(x), t.at(rows), addr(g), addr(gx));
            DnnlNormKernels.rowSums(rows, s, addr(gx), t.at(rows));
            sumGX = toDouble(t.read(rows, rows));
        }
        return new double[][] {sumG, sumGX};
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
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

    static boolean layerNorm(Tensor x, int k, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                             Tensor saveInvStd) {
        int rows = x.checkedNumel("layerNorm") / k;
        try (Scratch t = new Scratch(rows)) {
            DnnlNormKernels.layerForward(rows, k, (float) eps, weight != null, bias != null, addr(x), addr(out),
                    addr(saveMean), t.at(0), addr(weight), addr(bias));
            NnTensors.store(invStdFromVar(t.read(0, rows), eps), saveInvStd);
        }
        return true;
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
        int rows = x.checkedNumel("layerNormBackward") / k;
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

    /** False for rows shorter than {@link #forwardRowMin()}: the Java kernel is as fast there. */
    static boolean groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor out,
                             Tensor saveMean, Tensor saveInvStd) {
        int n = x.size(0);
        int c = x.size(1);
        int s = x.checkedNumel("batchNorm") / (n * c);
        if (s < forwardRowMin) {
            return false;
        }
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
                DnnlNormKernels.affine(n, c, s, true, addr(x), t.at(rows), t.at(rows + n * c), addr(out));
            }
            NnTensors.store(inv, saveInvStd);
        }
        return true;
    }

    /** False without an input gradient, or for rows shorter than {@link #backwardRowMin()}. */
    static boolean groupNormBackward(Tensor gradOut, Tensor x, int groups, Tensor weight, Tensor saveMean,
                                     Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        int n = x.size(0);
        int c = x.size(1);
        int s = x.checkedNumel("batchNorm") / (n * c);
        if (gradIn == null || s < backwardRowMin) {
            return false;
        }
        int cg = c / groups;
        int rows = n * c;
        float[] w = NnTensors.floatArray(weight);
        float[] mean = NnTensors.floatArray(saveMean);
        float[] inv = NnTensors.floatArray(saveInvStd);
        // [row sums | row products (or shifts) | k | a | b], each one value per (sample, channel)
        try (Scratch t = new Scratch(5 * rows)) {
            float[] shift = new float[rows];
            float[] shiftInv = new float[rows];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    shift[i * c + ch] = mean[i * groups + ch / cg];
                    shiftInv[i * c + ch] = inv[i * groups + ch / cg];
                }
            }
            double[][] sums = rowGradSums(gradOut, x, gradIn, n, c, s, true, shift, shiftInv, t);
            double[] sumG = sums[0];
            double[] sumGX = sums[1];
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
            t.write(k, 2 * rows);
            t.write(ca, 3 * rows);
            t.write(cb, 4 * rows);
            DnnlNormKernels.affine(n, c, s, true, addr(x), t.at(3 * rows), t.at(4 * rows), addr(gradIn));
            DnnlNormKernels.accumulate(n, c, s, true, addr(gradOut), t.at(2 * rows), addr(gradIn));
            if (gradWeight != null || gradBias != null) {
                float[] gw = new float[c];
                float[] gb = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double sw = 0;
                    double sb = 0;
                    for (int i = 0; i < n; i++) {
                        sw += sumGX[i * c + ch] * inv[i * groups + ch / cg];
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
        private final CpuStorage s;
        private final long base;

        Scratch(int floats) {
            t = Tensor.empty(DType.FLOAT32, Math.max(floats, 1));
            s = NnTensors.storage(t);
            base = addr(t);
        }

        long at(int index) {
            return base + 4L * index;
        }

        float[] read(int from, int len) {
            float[] a = new float[len];
            Access.load(s, t.offset() + from, 1, a, len);
            return a;
        }

        void write(float[] a, int at) {
            Access.store(a, a.length, s, t.offset() + at, 1);
        }

        void fill(int at, int len, float v) {
            float[] a = new float[len];
            java.util.Arrays.fill(a, v);
            write(a, at);
        }

        @Override
        public void close() {
            t.close();
        }
    }
}
