package org.vesalius.backend.cpu;

import java.lang.ref.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.backend.Backend;
import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.ConvParams;
import org.vesalius.backend.InterpolationMode;
import org.vesalius.backend.PoolParams;
import org.vesalius.backend.ReduceOp;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.RnnWeights;
import org.vesalius.backend.Storage;
import org.vesalius.backend.UnaryOp;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Tensor;

/**
 * The CPU backend: OpenBLAS for matrix products, multi-threaded Java kernels for elementwise ops,
 * reductions and indexing, native memory from a caching allocator. Found through
 * {@link java.util.ServiceLoader}; thread count from {@code -Dvesalius.threads=N} (default: all cores)
 * or {@link #setThreads}.
 *
 * <p><b>Reachability.</b> Kernels hand native addresses and buffers of the tensors' storage to
 * OpenBLAS, oneDNN and the Java loops, and those outlive the last use of the tensors themselves: a
 * compiled frame stops holding a tensor once its address is read, and a tensor nobody else refers to
 * (the input of {@code Tensor.full(...).toFloatArray()}, a temporary in an expression) could then be
 * collected, its storage released by the cleaner and reused, while the kernel still reads or writes
 * it. Every entry point here therefore ends with a reachability fence on all the tensors it was
 * given, so their storage lives until the kernel has returned. Temporaries a kernel makes itself are
 * closed explicitly after their last native use, which keeps them reachable as long.
 */
public final class CpuBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBackend.class);

    private final CpuAllocator allocator = new CpuAllocator();
    private final boolean available;

    public CpuBackend() {
        boolean ok;
        try {
            CpuMatmul.init(Parallel.threads());
            CpuConvolution.setThreads(Parallel.threads());
            LOG.debug("CPU backend: {} threads, OpenBLAS core {}", Parallel.threads(), CpuMatmul.config());
            ok = true;
        } catch (LinkageError e) {
            LOG.error("CPU backend unavailable: JavaCPP natives for this platform did not load ({}). "
                    + "Add the natives for your platform, e.g. -Djavacpp.platform=linux-x86_64", e.toString());
            ok = false;
        }
        available = ok;
    }

    @Override
    public Device.Type deviceType() {
        return Device.Type.CPU;
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public Storage allocate(DType dtype, long numel, Device device) {
        return new CpuStorage(this, allocator, dtype, numel);
    }

    @Override
    public long liveBytes() {
        return allocator.liveBytes();
    }

    @Override
    public long cachedBytes() {
        return allocator.cachedBytes();
    }

    @Override
    public void emptyCache() {
        allocator.emptyCache();
    }

    /**
     * The most bytes held for live tensors at any time since the last {@link #resetPeakLiveBytes()}
     * (or since the backend started): what a computation's peak memory was, for tests and measurements.
     */
    public long peakLiveBytes() {
        return allocator.peakLiveBytes();
    }

    /** Starts a new peak at the bytes live now. */
    public void resetPeakLiveBytes() {
        allocator.resetPeakLiveBytes();
    }

    @Override
    public int threads() {
        return Parallel.threads();
    }

    @Override
    public void setThreads(int threads) {
        Parallel.setThreads(threads);
        CpuMatmul.init(threads);
        CpuConvolution.setThreads(threads);
    }

    // ---------------------------------------------------------------- host transfer, copies

    @Override
    public void write(Object array, Tensor dst) {
        try {
            writeHost(array, dst);
        } finally {
            fence(dst);
        }
    }

    private static void writeHost(Object array, Tensor dst) {
        int n = dst.checkedNumel("write");
        if (!matches(array, dst.dtype())) {
            throw new IllegalArgumentException("write: a " + array.getClass().getSimpleName()
                    + " cannot fill a tensor of dtype " + dst.dtype());
        }
        Access.write(array, CpuElementwise.st(dst), dst.offset(), n);
    }

    @Override
    public void read(Tensor src, Object array) {
        try {
            readHost(src, array);
        } finally {
            fence(src);
        }
    }

    private static void readHost(Tensor src, Object array) {
        int n = src.checkedNumel("read");
        if (!matches(array, src.dtype())) {
            throw new IllegalArgumentException("read: a tensor of dtype " + src.dtype() + " cannot be read into a "
                    + array.getClass().getSimpleName());
        }
        Access.read(CpuElementwise.st(src), src.offset(), array, n);
    }

    /** Whether a Java array holds a dtype's elements bit for bit (boolean[]: bool as 0 and 1). */
    private static boolean matches(Object array, DType t) {
        return array instanceof float[] && t == DType.FLOAT32
                || array instanceof double[] && t == DType.FLOAT64
                || array instanceof long[] && t == DType.INT64
                || array instanceof int[] && t == DType.INT32
                || array instanceof short[] && t.byteSize() == 2
                || array instanceof byte[] && t == DType.UINT8
                || array instanceof boolean[] && t == DType.BOOL;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!src.device().equals(Device.CPU) || !dst.device().equals(Device.CPU)) {
            throw new IllegalArgumentException("copy: the CPU backend copies between CPU tensors only, got "
                    + src.device() + " -> " + dst.device());
        }
        try {
            CpuElementwise.copy(src, dst);
        } finally {
            fence(src, dst);
        }
    }

    @Override
    public void fill(Tensor dst, double value) {
        try {
            CpuElementwise.fill(dst, value);
        } finally {
            fence(dst);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out, double p1, double p2) {
        try {
            CpuElementwise.unary(op, x, out, p1, p2);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out, double p1, double p2) {
        try {
            CpuElementwise.binary(op, a, b, out, p1, p2);
        } finally {
            fence(a, b, out);
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        try {
            CpuElementwise.where(cond, a, b, out);
        } finally {
            fence(cond, a, b, out);
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        try {
            CpuReduce.reduce(op, x, dims, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices) {
        try {
            CpuReduce.argReduce(max, x, dim, values, indices);
        } finally {
            fence(x, values, indices);
        }
    }

    @Override
    public void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        try {
            CpuSort.sort(x, dim, descending, values, indices);
        } finally {
            fence(x, values, indices);
        }
    }

    @Override
    public void cumsum(Tensor x, int dim, Tensor out) {
        try {
            CpuReduce.cumsum(x, dim, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void softmax(Tensor x, int dim, boolean log, Tensor out) {
        try {
            CpuReduce.softmax(x, dim, log, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        try {
            CpuReduce.softmaxBackward(y, gy, dim, log, gx);
        } finally {
            fence(y, gy, gx);
        }
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        try {
            CpuMatmul.matmul(a, b, out);
        } finally {
            fence(a, b, out);
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void convForward(Tensor x, Tensor w, Tensor bias, Tensor out, ConvParams p) {
        try {
            CpuConvolution.forward(x, w, bias, out, p);
        } finally {
            fence(x, w, bias, out);
        }
    }

    @Override
    public void convBackwardData(Tensor gy, Tensor w, Tensor gx, ConvParams p) {
        try {
            CpuConvolution.backwardData(gy, w, gx, p);
        } finally {
            fence(gy, w, gx);
        }
    }

    @Override
    public void convBackwardWeights(Tensor x, Tensor gy, Tensor gw, Tensor gb, ConvParams p) {
        try {
            CpuConvolution.backwardWeights(x, gy, gw, gb, p);
        } finally {
            fence(x, gy, gw, gb);
        }
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        try {
            CpuIndexing.indexSelect(x, dim, index, out);
        } finally {
            fence(x, index, out);
        }
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        try {
            CpuIndexing.indexAdd(out, dim, index, src);
        } finally {
            fence(out, index, src);
        }
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        try {
            CpuIndexing.gather(x, dim, index, out);
        } finally {
            fence(x, index, out);
        }
    }

    @Override
    public void scatter(Tensor out, int dim, Tensor index, Tensor src, boolean accumulate) {
        try {
            CpuIndexing.scatter(out, dim, index, src, accumulate);
        } finally {
            fence(out, index, src);
        }
    }

    @Override
    public Tensor nonzero(Tensor x) {
        try {
            return CpuIndexing.nonzero(x);
        } finally {
            fence(x);
        }
    }

    // ---------------------------------------------------------------- pooling (see CpuPooling, CpuInterpolation)

    @Override
    public void maxPool(Tensor x, PoolParams params, Tensor out, Tensor indices) {
        try {
            CpuPooling.maxPool(x, params, out, indices);
        } finally {
            fence(x, out, indices);
        }
    }

    @Override
    public void adaptiveMaxPool(Tensor x, Tensor out, Tensor indices) {
        try {
            CpuPooling.adaptiveMaxPool(x, out, indices);
        } finally {
            fence(x, out, indices);
        }
    }

    @Override
    public void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        try {
            CpuPooling.maxPoolBackward(gradOut, indices, gradIn);
        } finally {
            fence(gradOut, indices, gradIn);
        }
    }

    @Override
    public void avgPool(Tensor x, PoolParams params, Tensor out) {
        try {
            CpuPooling.avgPool(x, params, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void avgPoolBackward(Tensor gradOut, PoolParams params, Tensor gradIn) {
        try {
            CpuPooling.avgPoolBackward(gradOut, params, gradIn);
        } finally {
            fence(gradOut, gradIn);
        }
    }

    @Override
    public void adaptiveAvgPool(Tensor x, Tensor out) {
        try {
            CpuPooling.adaptiveAvgPool(x, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void adaptiveAvgPoolBackward(Tensor gradOut, Tensor gradIn) {
        try {
            CpuPooling.adaptiveAvgPoolBackward(gradOut, gradIn);
        } finally {
            fence(gradOut, gradIn);
        }
    }

    @Override
    public void interpolate(Tensor x, InterpolationMode mode, boolean alignCorners, double[] scaleFactors, Tensor out) {
        try {
            CpuInterpolation.interpolate(x, mode, alignCorners, scaleFactors, out);
        } finally {
            fence(x, out);
        }
    }

    @Override
    public void interpolateBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double[] scaleFactors,
                                    Tensor gradIn) {
        try {
            CpuInterpolation.interpolateBackward(gradOut, mode, alignCorners, scaleFactors, gradIn);
        } finally {
            fence(gradOut, gradIn);
        }
    }

    // ---------------------------------------------------------------- normalization (see CpuNormalization)

    @Override
    public void batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, boolean training,
                          double momentum, double eps, Tensor out, Tensor saveMean, Tensor saveInvStd) {
        try {
            CpuNormalization.batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, out, saveMean,
                    saveInvStd);
        } finally {
            fence(x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        }
    }

    @Override
    public void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                                  boolean training, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        try {
            CpuNormalization.batchNormBackward(gradOut, x, weight, saveMean, saveInvStd, training, gradIn, gradWeight,
                    gradBias);
        } finally {
            fence(gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        }
    }

    @Override
    public void layerNorm(Tensor x, int normalizedNumel, Tensor weight, Tensor bias, double eps, Tensor out,
                          Tensor saveMean, Tensor saveInvStd) {
        try {
            CpuNormalization.layerNorm(x, normalizedNumel, weight, bias, eps, out, saveMean, saveInvStd);
        } finally {
            fence(x, weight, bias, out, saveMean, saveInvStd);
        }
    }

    @Override
    public void layerNormBackward(Tensor gradOut, Tensor x, int normalizedNumel, Tensor weight, Tensor saveMean,
                                  Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        try {
            CpuNormalization.layerNormBackward(gradOut, x, normalizedNumel, weight, saveMean, saveInvStd, gradIn,
                    gradWeight, gradBias);
        } finally {
            fence(gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        }
    }

    @Override
    public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        try {
            CpuNormalization.groupNorm(x, groups, weight, bias, eps, out, saveMean, saveInvStd);
        } finally {
            fence(x, weight, bias, out, saveMean, saveInvStd);
        }
    }

    @Override
    public void groupNormBackward(Tensor gradOut, Tensor x, int groups, Tensor weight, Tensor saveMean,
                                  Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        try {
            CpuNormalization.groupNormBackward(gradOut, x, groups, weight, saveMean, saveInvStd, gradIn, gradWeight,
                    gradBias);
        } finally {
            fence(gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        }
    }

    // ---------------------------------------------------------------- random numbers

    @Override
    public boolean sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, double lr, double momentum,
                           double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        try {
            return CpuOptimizers.sgdStep(param, grad, momentumBuffer, lr, momentum, dampening, weightDecay, nesterov,
                    firstStep);
        } finally {
            fence(param, grad, momentumBuffer);
        }
    }

    @Override
    public boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double lr,
                            double beta1, double beta2, double eps, double weightDecay, boolean decoupledWeightDecay,
                            long step) {
        try {
            return CpuOptimizers.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, lr, beta1, beta2, eps, weightDecay,
                    decoupledWeightDecay, step);
        } finally {
            fence(param, grad, expAvg, expAvgSq, maxExpAvgSq);
        }
    }

    @Override
    public void uniform(Tensor out, double lo, double hi, long seed, long offset) {
        try {
            CpuRandom.uniform(out, lo, hi, seed, offset);
        } finally {
            fence(out);
        }
    }

    @Override
    public void normal(Tensor out, double mean, double std, long seed, long offset) {
        try {
            CpuRandom.normal(out, mean, std, seed, offset);
        } finally {
            fence(out);
        }
    }

    /** Keeps the tensors (and so their storage) reachable up to this point; see the class comment. */
    private static void fence(Tensor... tensors) {
        for (Tensor t : tensors) {
            Reference.reachabilityFence(t);
        }
    }

    @Override
    public boolean supportsRnn(RnnMode mode, DType dtype) {
        return CpuRnn.supports(mode, dtype);
    }

    @Override
    public Tensor rnnForward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy,
                             boolean training) {
        try {
            return CpuRnn.forward(x, hx, cx, w, y, hy, cy, training);
        } finally {
            fence(x, hx, cx, y, hy, cy);
            fence(w.tensors());
        }
    }

    @Override
    public void rnnBackward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy,
                            Tensor workspace, Tensor dy, Tensor dhy, Tensor dcy, Tensor dx, Tensor dhx, Tensor dcx,
                            Tensor[] dWIh, Tensor[] dWHh, Tensor[] dBIh, Tensor[] dBHh) {
        try {
            CpuRnn.backward(x, hx, cx, w, y, hy, cy, workspace, dy, dhy, dcy, dx, dhx, dcx, dWIh, dWHh, dBIh, dBHh);
        } finally {
            fence(x, hx, cx, y, hy, cy, workspace, dy, dhy, dcy, dx, dhx, dcx);
            fence(w.tensors());
            fence(dWIh);
            fence(dWHh);
            if (dBIh != null) {
                fence(dBIh);
                fence(dBHh);
            }
        }
    }

    @Override
    public boolean supportsAttention(DType dtype) {
        return CpuAttention.supports(dtype);
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale,
                                 double dropoutP, long seed, long offset, Tensor out, Tensor lse) {
        try {
            CpuAttention.forward(q, k, v, mask, causal, scale, dropoutP, seed, offset, out, lse);
        } finally {
            fence(q, k, v, mask, out, lse);
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale,
                                  double dropoutP, long seed, long offset, Tensor out, Tensor lse, Tensor gradOut,
                                  Tensor gradQ, Tensor gradK, Tensor gradV) {
        try {
            CpuAttention.backward(q, k, v, mask, causal, scale, dropoutP, seed, offset, out, lse, gradOut, gradQ, gradK,
                    gradV);
        } finally {
            fence(q, k, v, mask, out, lse, gradOut, gradQ, gradK, gradV);
        }
    }
}
