package org.vesalius.backend;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Tensor;

/**
 * The kernels a device offers, at the granularity native libraries offer them.
 *
 * <p>Core decides shapes, dtypes, broadcasting and autograd; a backend only computes. Every kernel
 * receives tensors whose shapes have been checked and whose outputs are allocated; inputs may be
 * strided views (permuted, sliced, expanded with zero strides), outputs are written through their
 * strides. A kernel never records autograd and never allocates a result the caller did not ask for.
 * Implementations are found with {@link java.util.ServiceLoader}; see {@link Backends}.
 */
public interface Backend {

    /** The kind of device this backend serves. */
    Device.Type deviceType();

    /** Whether this backend can run here (natives load, a device is present). */
    boolean isAvailable();

    /** Uninitialised memory for {@code numel} elements of {@code dtype} on {@code device}. */
    Storage allocate(DType dtype, long numel, Device device);

    /** Bytes of memory this backend holds for live tensors (excluding its cache of freed blocks). */
    long liveBytes();

    /** Bytes held in the allocator's cache of freed blocks, ready for reuse. */
    long cachedBytes();

    /** Returns cached blocks to the system. */
    void emptyCache();

    /** Threads the CPU kernels use (a GPU backend reports its host threads). */
    int threads();

    /** Sets the thread count for kernels started after this call. */
    void setThreads(int threads);

    // ---------------------------------------------------------------- host transfer, copies

    /**
     * Copies a Java array ({@code float[]}, {@code double[]}, {@code long[]}, {@code int[]},
     * {@code short[]} for the 16-bit types' raw bits, {@code byte[]}, {@code boolean[]}) into a
     * contiguous tensor whose dtype matches the array's storage type.
     */
    void write(Object array, Tensor dst);

    /** Copies a contiguous tensor into a Java array of its storage type (see {@link #write}). */
    void read(Tensor src, Object array);

    /**
     * A new Java array of {@code n} elements of {@code dtype}'s storage type, the kind {@link #write}
     * and {@link #read} take ({@code short[]} for float16 and bfloat16).
     */
    static Object newArray(DType dtype, int n) {
        switch (dtype) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case INT64: return new long[n];
            case INT32: return new int[n];
            case FLOAT16: case BFLOAT16: return new short[n];
            case UINT8: return new byte[n];
            case BOOL: return new boolean[n];
            default: throw new IllegalStateException("unknown dtype " + dtype);
        }
    }

    /** {@code dst[i] = (dst.dtype) src[i]} for every index; shapes equal, src may be expanded. */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of {@code dst} to {@code value} (cast to its dtype). */
    void fill(Tensor dst, double value);

    // ---------------------------------------------------------------- elementwise

    /** {@code out = op(x)}; same shape; out has x's dtype, or bool for predicates. */
    void unary(UnaryOp op, Tensor x, Tensor out, double p1, double p2);

    /** {@code out = op(a, b)}; a, b and out share a shape (a and b expanded), a and b one dtype. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out, double p1, double p2);

    /** {@code out = cond ? a : b}; all four share a shape; cond is bool, a and b are out's dtype. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---------------------------------------------------------------- reductions

    /**
     * Reduces {@code x} over {@code dims} into {@code out}, which has x's rank with size 1 in the
     * reduced dims. SUM/PROD write x's dtype, or int64 for an integral or bool x; MAX/MIN write x's
     * dtype, ALL/ANY write bool.
     */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /**
     * Max or min along one dim: {@code values} (x's dtype) and {@code indices} (int64), both with x's
     * rank and size 1 in {@code dim}. Ties resolve to the first index; NaN wins, as in PyTorch.
     */
    void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices);

    /**
     * Sorts each line of x along {@code dim} into {@code values} (x's shape and dtype) and writes where
     * each value came from into {@code indices} (int64, x's shape). Stable: equal values keep their order.
     * NaN compares greater than every number, as in PyTorch.
     */
    void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices);

    /** Inclusive prefix sum along {@code dim}; out has x's shape and dtype. */
    void cumsum(Tensor x, int dim, Tensor out);

    /** Softmax (or log-softmax) of x along {@code dim} into out (x's shape and dtype). */
    void softmax(Tensor x, int dim, boolean log, Tensor out);

    /**
     * Gradient of softmax / log-softmax: from the forward output {@code y} and the incoming gradient
     * {@code gy}, writes {@code gx}.
     */
    void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx);

    // ---------------------------------------------------------------- linear algebra

    /**
     * {@code out = a @ b} for {@code a [..., M, K]}, {@code b [..., K, N]}, {@code out [..., M, N]},
     * batch dims already broadcast to out's. Floating dtypes only.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    // ---------------------------------------------------------------- indexing

    /** {@code out = x.indexSelect(dim, index)}; index is a 1-D int64 tensor. */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** {@code out.narrow-select(dim, index[i]) += src.select(dim, i)}, accumulating repeats. */
    void indexAdd(Tensor out, int dim, Tensor index, Tensor src);

    /** {@code out[i][j] = x[i][index[i][j]]} along {@code dim}; index int64 with out's shape. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /**
     * {@code out[i][index[i][j]] = src[i][j]} along {@code dim} (or {@code +=} when
     * {@code accumulate}); index and src share a shape. Later writes win when not accumulating.
     */
    void scatter(Tensor out, int dim, Tensor index, Tensor src, boolean accumulate);

    /** Coordinates of the nonzero elements of {@code x} as a new int64 tensor {@code [count, rank]}. */
    Tensor nonzero(Tensor x);

    // ---------------------------------------------------------------- convolution

    /**
     * Convolution forward (cross-correlation, as PyTorch's {@code conv1d/2d/3d}):
     * {@code out[n, o] = bias[o] + sum over c in o's group and kernel taps of x * w}.
     *
     * @param x    input {@code [N, C, *in]} (1 to 3 spatial dims)
     * @param w    weight {@code [O, C / groups, *k]}
     * @param bias {@code [O]}, or null for none
     * @param out  {@code [N, O, *out]} with {@code out[d] = p.outputSize(d, in[d], k[d])}; written completely
     * @param p    stride, padding, dilation and groups
     */
    void convForward(Tensor x, Tensor w, Tensor bias, Tensor out, ConvParams p);

    /**
     * Gradient of the convolution input: {@code gx = d(sum(conv(x, w) * gy)) / dx}, which is also the
     * forward pass of the transposed convolution of {@code gy} with {@code w}.
     *
     * @param gy gradient of the output {@code [N, O, *out]}
     * @param w  weight {@code [O, C / groups, *k]}
     * @param gx {@code [N, C, *in]}, written completely; its sizes must give {@code out} under p (for a
     *           transposed convolution p's padEnd carries {@code padding - outputPadding})
     * @param p  the forward convolution's params
     */
    void convBackwardData(Tensor gy, Tensor w, Tensor gx, ConvParams p);

    /**
     * Gradients of the convolution weight and bias: {@code gw = d(sum(conv(x, w) * gy)) / dw} and
     * {@code gb[o] = sum of gy[:, o]}.
     *
     * @param x  input {@code [N, C, *in]}
     * @param gy gradient of the output {@code [N, O, *out]}
     * @param gw {@code [O, C / groups, *k]}, written completely
     * @param gb {@code [O]}, written completely, or null when no bias gradient is wanted
     * @param p  the forward convolution's params
     */
    void convBackwardWeights(Tensor x, Tensor gy, Tensor gw, Tensor gb, ConvParams p);

    // ---------------------------------------------------------------- pooling
    //
    // Pooling and resampling kernels see {@code [B, C, *spatial]} tensors with 1 to 3 spatial dims;
    // every input (x, gradOut, indices) is contiguous, every output is a fresh contiguous tensor
    // that the kernel overwrites completely. A "plane" is one (b, c) slice of the spatial dims.

    /**
     * Max pooling: {@code x [B, C, *in]} into {@code out [B, C, *outSize]}, padding counting as
     * -infinity. NaN wins over numbers, as in PyTorch.
     *
     * @param indices int64 with out's shape, receiving each maximum's flat position within its input
     *                plane (PyTorch's {@code return_indices}); {@code null} when not wanted
     */
    void maxPool(Tensor x, PoolParams params, Tensor out, Tensor indices);

    /**
     * Adaptive max pooling: output position {@code i} of a dim pools input
     * {@code [floor(i*in/out), ceil((i+1)*in/out))}. {@code indices} as for {@link #maxPool}, or null.
     */
    void adaptiveMaxPool(Tensor x, Tensor out, Tensor indices);

    /**
     * Gradient of {@link #maxPool} and {@link #adaptiveMaxPool}: {@code gradIn [B, C, *in]} is zero
     * except where {@code indices} point, where the matching {@code gradOut} values are summed.
     */
    void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn);

    /** Average pooling: {@code x [B, C, *in]} into {@code out [B, C, *outSize]}, padding counting as zero. */
    void avgPool(Tensor x, PoolParams params, Tensor out);

    /** Gradient of {@link #avgPool}: {@code gradOut [B, C, *outSize]} into {@code gradIn [B, C, *in]}. */
    void avgPoolBackward(Tensor gradOut, PoolParams params, Tensor gradIn);

    /** Adaptive average pooling with the windows of {@link #adaptiveMaxPool}. */
    void adaptiveAvgPool(Tensor x, Tensor out);

    /** Gradient of {@link #adaptiveAvgPool}: {@code gradOut [B, C, *outSize]} into {@code gradIn [B, C, *in]}. */
    void adaptiveAvgPoolBackward(Tensor gradOut, Tensor gradIn);

    /**
     * Resamples {@code x [B, C, *in]} to {@code out [B, C, *outSize]}; {@link InterpolationMode#BICUBIC}
     * takes 2 spatial dims only.
     *
     * @param alignCorners {@link InterpolationMode#LINEAR} and {@link InterpolationMode#BICUBIC} only:
     *                     map the corner pixels' centres onto each other
     * @param scaleFactors one per spatial dim: the user's scale factor (the kernel maps with its
     *                     inverse, as PyTorch), or 0 to use {@code in / out}; null when the output
     *                     size was given
     */
    void interpolate(Tensor x, InterpolationMode mode, boolean alignCorners, double[] scaleFactors, Tensor out);

    /** Gradient of {@link #interpolate}: {@code gradOut [B, C, *outSize]} into {@code gradIn [B, C, *in]}. */
    void interpolateBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double[] scaleFactors,
                             Tensor gradIn);

    // ---------------------------------------------------------------- normalization
    //
    // Inputs are contiguous; weight, bias and statistics are contiguous 1-D tensors (layer norm:
    // of the normalized numel) of x's dtype. Saved statistics are the mean and 1/sqrt(var + eps)
    // that the backward kernels take back. Gradient outputs that are null are not computed.

    /**
     * Batch norm over {@code x [N, C, *]} per channel into {@code out} (x's shape).
     *
     * @param weight      {@code [C]} or null (no scale)
     * @param bias        {@code [C]} or null (no shift)
     * @param runningMean {@code [C]} or null; in training it is updated in place to
     *                    {@code (1 - momentum) * runningMean + momentum * batchMean}
     * @param runningVar  {@code [C]} or null; updated likewise with the unbiased batch variance
     * @param training    normalize with the batch statistics; otherwise with the running ones
     * @param saveMean    {@code [C]}: receives the mean used (batch or running)
     * @param saveInvStd  {@code [C]}: receives the 1/sqrt(var + eps) used
     */
    void batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, boolean training,
                   double momentum, double eps, Tensor out, Tensor saveMean, Tensor saveInvStd);

    /**
     * Gradient of {@link #batchNorm} from its saved statistics. With {@code training} the statistics
     * depend on x and the full formula applies; otherwise they were constants.
     *
     * @param gradIn     x's shape, or null
     * @param gradWeight {@code [C]}, or null
     * @param gradBias   {@code [C]}, or null
     */
    void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                           boolean training, Tensor gradIn, Tensor gradWeight, Tensor gradBias);

    /**
     * Layer norm: x is {@code [M, K]} rows (any shape whose trailing dims hold K =
     * {@code normalizedNumel} elements); each row is normalized and scaled elementwise by
     * {@code weight [K]} and {@code bias [K]} (either may be null). {@code saveMean} and
     * {@code saveInvStd} are {@code [M]}.
     */
    void layerNorm(Tensor x, int normalizedNumel, Tensor weight, Tensor bias, double eps, Tensor out,
                   Tensor saveMean, Tensor saveInvStd);

    /** Gradient of {@link #layerNorm}; gradWeight and gradBias are {@code [K]}. */
    void layerNormBackward(Tensor gradOut, Tensor x, int normalizedNumel, Tensor weight, Tensor saveMean,
                           Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias);

    /**
     * Group norm over {@code x [N, C, *]}: the channels form {@code groups} equal groups, each
     * (sample, group) is normalized on its own, then scaled per channel by {@code weight [C]} and
     * {@code bias [C]} (either may be null). {@code saveMean} and {@code saveInvStd} are
     * {@code [N, groups]}. Instance norm is the case {@code groups == C}.
     */
    void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                   Tensor saveInvStd);

    /** Gradient of {@link #groupNorm}; gradWeight and gradBias are {@code [C]}. */
    void groupNormBackward(Tensor gradOut, Tensor x, int groups, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                           Tensor gradIn, Tensor gradWeight, Tensor gradBias);

    // ---------------------------------------------------------------- random numbers

    /**
     * Fills {@code out} with uniform values in [lo, hi) (floats) or integers in [lo, hi) (integral
     * dtypes), from a counter-based stream: element {@code i} depends only on (seed, offset + i), so
     * results do not depend on the thread count.
     */
    void uniform(Tensor out, double lo, double hi, long seed, long offset);

    /** Fills {@code out} with normal values, counter-based as {@link #uniform}. */
    void normal(Tensor out, double mean, double std, long seed, long offset);

    // ---------------------------------------------------------------- fused optimizer steps

    /**
     * One SGD step on one parameter, in place and in one pass, with PyTorch's formula:
     * {@code d = grad + weightDecay * param}; with momentum, {@code buf = d} on the first step, else
     * {@code buf = momentum * buf + (1 - dampening) * d}, then {@code d = nesterov ? d + momentum * buf : buf};
     * finally {@code param -= lr * d}. The optimizers call it with autograd off.
     *
     * @param param          the parameter, updated
     * @param grad           its gradient, same shape and dtype, read only
     * @param momentumBuffer written (and read unless {@code firstStep}); null when {@code momentum == 0}
     * @return false when this backend has no fused kernel for these tensors (for example strided
     *         ones): the caller then composes the step from tensor ops, with the same result
     */
    default boolean sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, double lr, double momentum,
                            double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        return false;
    }

    /**
     * One Adam or AdamW step on one parameter, in place and in one pass, with PyTorch's formula:
     * AdamW first scales {@code param *= 1 - lr * weightDecay}, Adam instead adds
     * {@code weightDecay * param} to the gradient; then {@code m = beta1 m + (1 - beta1) g},
     * {@code v = beta2 v + (1 - beta2) g^2}, (AMSGrad: {@code vmax = max(vmax, v)}, used for v),
     * {@code param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)}.
     *
     * @param expAvg      first moment {@code m}, same shape and dtype as the parameter, updated
     * @param expAvgSq    second moment {@code v}, updated
     * @param maxExpAvgSq AMSGrad's running maximum of {@code v}, updated; null without AMSGrad
     * @param decoupledWeightDecay true for AdamW's decay of the parameter, false for Adam's L2 term
     * @param step        the step number, from 1
     * @return false when this backend has no fused kernel for these tensors, as {@link #sgdStep}
     */
    default boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double lr,
                             double beta1, double beta2, double eps, double weightDecay, boolean decoupledWeightDecay,
                             long step) {
        return false;
    }

    // ---------------------------------------------------------------- recurrent layers

    /**
     * Whether {@link #rnnForward} runs this recurrence on tensors of {@code dtype}; when it does not,
     * the layers compose tensor ops instead.
     */
    default boolean supportsRnn(RnnMode mode, DType dtype) {
        return false;
    }

    /**
     * One recurrent layer over whole sequences, both directions when {@code w.directions() == 2}.
     * The weights are PyTorch's per direction, in PyTorch's gate order; a backend may keep its own
     * layout of them in {@code w} between calls ({@link RnnWeights#acquire}).
     *
     * @param x   input {@code [T, N, I]}, read only (may be strided)
     * @param hx  initial hidden states {@code [D, N, H]}
     * @param cx  initial cell states {@code [D, N, H]} (LSTM), else null
     * @param w   the layer's parameters; its mode is the recurrence
     * @param y   output {@code [T, N, D*H]} (directions concatenated), written
     * @param hy  final hidden states {@code [D, N, H]}, written; {@code cy} final cell states (LSTM) or null
     * @param training keep what {@link #rnnBackward} needs
     * @return the workspace for {@link #rnnBackward} when training (an opaque tensor), else null
     */
    default Tensor rnnForward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy,
                              boolean training) {
        throw new UnsupportedOperationException("rnnForward: this backend has no recurrent kernels");
    }

    /**
     * The gradients of one {@link #rnnForward} call: from the forward's tensors and workspace and the
     * gradients of its outputs ({@code dy}, {@code dhy}, {@code dcy}; zero tensors where an output got
     * none), writes the gradients of the input, the initial states and every weight (same shapes as
     * they, one per direction; {@code dcx} null unless LSTM; {@code dBIh}, {@code dBHh} null without bias).
     */
    default void rnnBackward(Tensor x, Tensor hx, Tensor cx, RnnWeights w, Tensor y, Tensor hy, Tensor cy,
                             Tensor workspace, Tensor dy, Tensor dhy, Tensor dcy, Tensor dx, Tensor dhx, Tensor dcx,
                             Tensor[] dWIh, Tensor[] dWHh, Tensor[] dBIh, Tensor[] dBHh) {
        throw new UnsupportedOperationException("rnnBackward: this backend has no recurrent kernels");
    }

    // ---------------------------------------------------------------- attention

    /**
     * Whether {@link #attentionForward} runs on tensors of {@code dtype}; when it does not, attention
     * is composed of matmul and softmax.
     */
    default boolean supportsAttention(DType dtype) {
        return false;
    }

    /**
     * Scaled dot-product attention in blocks, without the {@code [L, S]} score matrix: for every batch
     * entry b and query row i, {@code out[b, i] = sum_j softmax_j(s[b, i, j]) * drop[b, i, j] * v[b, j]}
     * with {@code s = scale * q[b, i] . k[b, j]}, plus the mask where it is a float tensor, and
     * {@code -inf} where a bool mask is false or (causal) {@code j > i}. A row whose scores are all
     * {@code -inf} gives NaN, as the formula does.
     *
     * <p>Dropout keeps element {@code (b, i, j)} when the uniform number that {@code Tensor.rand} of
     * shape {@code [*batch, L, S]} would put there from {@code (seed, offset)} is below
     * {@code 1 - dropoutP}, and scales the kept ones by {@code 1 / (1 - dropoutP)}: the same mask the
     * composed path draws from the same generator state.
     *
     * @param q    {@code [*batch, L, E]}, contiguous
     * @param k    {@code [*batch, S, E]}, contiguous
     * @param v    {@code [*batch, S, Ev]}, contiguous; q, k and v share a floating dtype
     * @param mask null, or {@code [*batch, L, S]} with any strides (zero where broadcast): bool (true =
     *             takes part) or q's dtype (added to the scores)
     * @param out  {@code [*batch, L, Ev]}, contiguous, written
     * @param lse  {@code [*batch, L]}, contiguous, written: each row's log-sum-exp of the scores, which
     *             {@link #attentionBackward} takes back
     */
    default void attentionForward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale,
                                  double dropoutP, long seed, long offset, Tensor out, Tensor lse) {
        throw new UnsupportedOperationException("attentionForward: this backend has no attention kernel");
    }

    /**
     * The gradients of one {@link #attentionForward} call, recomputing the scores block by block from
     * the saved {@code lse}: from {@code gradOut} ({@code out}'s shape, contiguous) writes
     * {@code gradQ}, {@code gradK} and {@code gradV} (contiguous, q's, k's and v's shapes). Every other
     * argument is what the forward call was given.
     */
    default void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale,
                                   double dropoutP, long seed, long offset, Tensor out, Tensor lse, Tensor gradOut,
                                   Tensor gradQ, Tensor gradK, Tensor gradV) {
        throw new UnsupportedOperationException("attentionBackward: this backend has no attention kernel");
    }
}
