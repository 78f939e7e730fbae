package org.vesalius.nn;

import java.util.Arrays;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The stateless functional API, like {@code torch.nn.functional}: what the modules compute, as static
 * functions of tensors. Every layer and loss module calls the function here, so the two always agree.
 *
 * <p>Losses follow PyTorch's definitions and reductions exactly (values and gradients are checked
 * against PyTorch 1.13 fixtures). Where PyTorch would silently broadcast a target of another shape
 * (with only a warning), these functions throw: a {@code [N, 1]} prediction against an {@code [N]}
 * target is almost always a bug. Class-index targets are checked: an index out of range, a batch
 * size that does not match, or float labels where indices are expected give an
 * {@link IllegalArgumentException} naming the loss, the shapes and the value.
 */
public final class F {
    /** PyTorch's default {@code ignore_index}: class-index targets equal to it are skipped. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    private F() {
    }

    // =====================================================================================
    // Layers

    /**
     * {@code y = x W^T + b}: {@code input [*, in]}, {@code weight [out, in]}, {@code bias [out]} (or
     * null) to {@code [*, out]}.
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return Tensor.linear(input, weight, bias);
    }

    /**
     * The bilinear form {@code y[o] = x1^T W[o] x2 + b[o]}: {@code input1 [*, in1]},
     * {@code input2 [*, in2]} (same leading dims), {@code weight [out, in1, in2]}, {@code bias [out]}
     * (or null) to {@code [*, out]}.
     */
    public static Tensor bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor bias) {
        if (weight.dim() != 3) {
            throw new IllegalArgumentException("bilinear: weight must be [out, in1, in2], got shape "
                    + Arrays.toString(weight.shape()));
        }
        int out = weight.size(0);
        int in1 = weight.size(1);
        int in2 = weight.size(2);
        if (input1.dim() == 0 || input1.size(-1) != in1 || input2.dim() == 0 || input2.size(-1) != in2) {
            throw new IllegalArgumentException("bilinear: expected inputs [*, " + in1 + "] and [*, " + in2 + "], got "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()));
        }
        int[] lead = Arrays.copyOf(input1.shape(), input1.dim() - 1);
        if (!Arrays.equals(lead, Arrays.copyOf(input2.shape(), input2.dim() - 1))) {
            throw new IllegalArgumentException("bilinear: inputs must have the same leading dims, got "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()));
        }
        Tensor a = input1.reshape(-1, in1);
        Tensor b = input2.reshape(-1, in2);
        // x1 [M, in1] @ W as [in1, out*in2] gives, for each output, x1^T W[o]; then a dot with x2.
        Tensor t = a.matmul(weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2);
        Tensor y = t.mul(b.unsqueeze(1)).sum(2, false);
        if (bias != null) {
            y = y.add(bias);
        }
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = out;
        return y.reshape(shape);
    }

    /**
     * Looks up rows of {@code weight [numEmbeddings, dim]} for int64 (or int32) {@code indices} of any
     * shape, giving {@code [*indices.shape, dim]}.
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Tensor.embedding(indices, weight);
    }

    /** {@link #embedding(Tensor, Tensor)} where row {@code paddingIdx} receives no gradient. */
    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        return Tensor.embedding(indices, weight, paddingIdx);
    }

    /**
     * Batch norm of {@code [N, C, *]} (same shape out); see {@link Tensor#batchNorm(Tensor, Tensor,
     * Tensor, Tensor, boolean, double, double)}.
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return input.batchNorm(runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Layer norm over the trailing {@code normalizedShape} dims (same shape out); weight and bias may be null. */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return input.layerNorm(normalizedShape, weight, bias, eps);
    }

    /** Group norm of {@code [N, C, *]} (same shape out) with per-channel {@code weight [C]} and {@code bias [C]} (or null). */
    public static Tensor groupNorm(Tensor input, int numGroups, Tensor weight, Tensor bias, double eps) {
        return input.groupNorm(numGroups, weight, bias, eps);
    }

    /**
     * 1-D convolution: {@code [N, Cin, L]} with {@code weight [Cout, Cin/groups, k]} and {@code bias [Cout]}
     * (or null) to {@code [N, Cout, Lout]}; each array one value or one per dim.
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return input.conv1d(weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 2-D convolution: {@code [N, Cin, H, W]} with {@code weight [Cout, Cin/groups, kH, kW]} and
     * {@code bias [Cout]} (or null) to {@code [N, Cout, Hout, Wout]}.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return input.conv2d(weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 3-D convolution: {@code [N, Cin, D, H, W]} with {@code weight [Cout, Cin/groups, kD, kH, kW]} and
     * {@code bias [Cout]} (or null) to {@code [N, Cout, Dout, Hout, Wout]}.
     */
    public static Tensor conv3d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return input.conv3d(weight, bias, stride, padding, dilation, groups);
    }

    // =====================================================================================
    // Activations (elementwise: any shape in, the same shape out, unless a dim is named)

    /** {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    /** Leaky ReLU with PyTorch's default slope 0.01. */
    public static Tensor leakyRelu(Tensor x) {
        return x.leakyRelu(0.01);
    }

    /** {@code x} where positive, {@code alpha * (exp(x) - 1)} elsewhere. */
    public static Tensor elu(Tensor x, double alpha) {
        return x.elu(alpha);
    }

    /** ELU with alpha 1. */
    public static Tensor elu(Tensor x) {
        return x.elu(1.0);
    }

    /** Scaled ELU with the self-normalising constants. */
    public static Tensor selu(Tensor x) {
        return x.selu();
    }

    /** GELU with the exact erf form. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** GELU, {@code approximate} {@code "none"} (erf) or {@code "tanh"}. */
    public static Tensor gelu(Tensor x, String approximate) {
        return x.gelu(approximate);
    }

    /** {@code x * sigmoid(x)} (swish). */
    public static Tensor silu(Tensor x) {
        return x.silu();
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** Softmax along {@code dim} (same shape out). */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** Log-softmax along {@code dim} (same shape out), computed stably. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** {@code log(1 + exp(beta * x)) / beta}, and {@code x} where {@code beta * x > threshold}. */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        return x.softplus(beta, threshold);
    }

    /** Softplus with beta 1 and threshold 20. */
    public static Tensor softplus(Tensor x) {
        return x.softplus(1, 20);
    }

    /**
     * {@code log(sigmoid(x)) = -softplus(-x)} (same shape out), like {@code F.logsigmoid}: finite for
     * every finite x, where {@code log(sigmoid(x))} underflows to -inf below about -104 (float32).
     */
    public static Tensor logsigmoid(Tensor x) {
        return x.neg().softplus().neg();
    }

    // =====================================================================================
    // Dropout (same shape out; in eval, or with p = 0, the input itself)

    /** Zeroes elements with probability {@code p} and scales the rest by {@code 1/(1-p)} when training. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return x.dropout(p, training);
    }

    /** {@link #dropout(Tensor, double, boolean)} drawing from {@code generator}. */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        return x.dropout(p, training, generator);
    }

    /** Zeroes whole channels of {@code [N, C, L]} with probability p when training. */
    public static Tensor dropout1d(Tensor x, double p, boolean training, Generator generator) {
        return x.dropout1d(p, training, generator);
    }

    /** Zeroes whole channels of {@code [N, C, H, W]} with probability p when training. */
    public static Tensor dropout2d(Tensor x, double p, boolean training, Generator generator) {
        return x.dropout2d(p, training, generator);
    }

    /** Zeroes whole channels of {@code [N, C, D, H, W]} with probability p when training. */
    public static Tensor dropout3d(Tensor x, double p, boolean training, Generator generator) {
        return x.dropout3d(p, training, generator);
    }

    // =====================================================================================
    // Attention

    /**
     * Score matrices per batch entry ({@code L * S}) from which {@link AttentionPath#AUTO} takes the
     * blocked kernel: 2^20, a 4 MiB float32 matrix per head, a sequence of 1024 attending to itself.
     * Below it the composed path is the faster one (its matmuls run on oneDNN); above it the score
     * matrices would grow with the square of the length.
     */
    public static final long BLOCKED_ATTENTION_MIN_SCORES = 1L << 20;

    /**
     * {@code softmax(query key^T / sqrt(E)) value}: {@link #scaledDotProductAttention(Tensor, Tensor,
     * Tensor, Tensor, double, boolean, Double, Generator, AttentionPath)} without mask, dropout or
     * causal masking.
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return scaledDotProductAttention(query, key, value, null, 0, false, null, null, AttentionPath.AUTO);
    }

    /** {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double)} with scale 1/sqrt(E). */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask,
                                                   double dropoutP, boolean isCausal) {
        return scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, null, null, AttentionPath.AUTO);
    }

    /**
     * PyTorch 2's {@code scaled_dot_product_attention}; see the full overload. Dropout draws from the
     * calling thread's default generator; the path is chosen by {@link #attentionPath}.
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask,
                                                   double dropoutP, boolean isCausal, Double scale) {
        return scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, scale, null,
                AttentionPath.AUTO);
    }

    /**
     * Scaled dot-product attention with PyTorch 2's semantics
     * ({@code torch.nn.functional.scaled_dot_product_attention}):
     * {@code dropout(softmax(query key^T * scale + bias), dropoutP) value}.
     *
     * @param query    {@code [..., L, E]}
     * @param key      {@code [..., S, E]}
     * @param value    {@code [..., S, Ev]}; the batch dims {@code ...} of all three (and of the mask)
     *                 broadcast; the result is {@code [..., L, Ev]}
     * @param attnMask null; or bool, broadcastable to {@code [..., L, S]}, true where a query may attend
     *                 to a key (false gives the score -inf); or of the query's dtype, added to the scores.
     *                 A row with no key to attend to comes out NaN, as in PyTorch
     * @param dropoutP probability in [0, 1] of zeroing each attention weight (the rest scaled by
     *                 1/(1-p)); applied whenever it is positive, as in PyTorch, so pass 0 in evaluation
     * @param isCausal query i attends to keys {@code j <= i} (PyTorch's lower-triangular
     *                 {@code ones(L, S).tril()}, aligned at the top left when L differs from S); not
     *                 together with a mask
     * @param scale    the factor of the scores, null for {@code 1/sqrt(E)}
     * @param generator the dropout stream, null for the calling thread's default; both paths draw the
     *                 same mask from the same generator state
     * @param path     which computation; {@link AttentionPath#AUTO} follows {@link #attentionPath}
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask,
                                                   double dropoutP, boolean isCausal, Double scale,
                                                   Generator generator, AttentionPath path) {
        double s = scaleOf(query, scale);
        AttentionPath chosen = path == AttentionPath.AUTO ? attentionPath(query, key, attnMask) : path;
        if (chosen == AttentionPath.BLOCKED) {
            if (!query.backend().supportsAttention(query.dtype())) {
                throw new IllegalArgumentException("scaledDotProductAttention: the " + query.device()
                        + " backend has no blocked attention kernel for " + query.dtype());
            }
            return Tensor.blockedAttention(query, key, value, attnMask, dropoutP, isCausal, s, generator);
        }
        if (value.dim() < 2) {
            throw new IllegalArgumentException("scaledDotProductAttention: value must be [..., S, Ev], got shape "
                    + Arrays.toString(value.shape()));
        }
        return attentionWeights(query, key, attnMask, dropoutP, isCausal, scale, generator).matmul(value);
    }

    /**
     * Which path {@link AttentionPath#AUTO} takes, a fixed rule: {@link AttentionPath#BLOCKED} when
     * the backend has the kernel for the query's dtype, a float mask does not require grad, and each
     * score matrix holds at least {@link #BLOCKED_ATTENTION_MIN_SCORES} entries ({@code L * S}); else
     * {@link AttentionPath#UNFUSED}.
     */
    public static AttentionPath attentionPath(Tensor query, Tensor key, Tensor attnMask) {
        if (query.dim() < 2 || key.dim() < 2) {
            return AttentionPath.UNFUSED;
        }
        long scores = (long) query.size(-2) * key.size(-2);
        boolean ok = scores >= BLOCKED_ATTENTION_MIN_SCORES && query.backend().supportsAttention(query.dtype())
                && (attnMask == null || !attnMask.requiresGrad());
        return ok ? AttentionPath.BLOCKED : AttentionPath.UNFUSED;
    }

    /**
     * The attention weights of the unfused path, {@code dropout(softmax(query key^T * scale + bias))}
     * of shape {@code [..., L, S]}, with the arguments of {@link #scaledDotProductAttention(Tensor,
     * Tensor, Tensor, Tensor, double, boolean, Double, Generator, AttentionPath)}; the attention output
     * is these weights {@code @ value}. For layers that return the weights
     * ({@code MultiheadAttention} with {@code needWeights}).
     */
    public static Tensor attentionWeights(Tensor query, Tensor key, Tensor attnMask, double dropoutP,
                                          boolean isCausal, Double scale, Generator generator) {
        String op = "scaledDotProductAttention";
        if (query.dim() < 2 || key.dim() < 2 || key.size(-1) != query.size(-1)) {
            throw new IllegalArgumentException(op + ": expected query [..., L, E] and key [..., S, E], got "
                    + Arrays.toString(query.shape()) + " and " + Arrays.toString(key.shape()));
        }
        if (isCausal && attnMask != null) {
            throw new IllegalArgumentException(op + ": pass either a mask or isCausal, not both");
        }
        if (!(dropoutP >= 0 && dropoutP <= 1)) {
            throw new IllegalArgumentException(op + ": dropoutP must be in [0, 1], got " + dropoutP);
        }
        int l = query.size(-2);
        int s = key.size(-2);
        Tensor scores = query.matmul(key.transpose(-2, -1)).mul(scaleOf(query, scale));
        if (isCausal) {
            Tensor allowed = Tensor.arange(s).le(Tensor.arange(l).unsqueeze(1));
            scores = scores.maskedFill(allowed.logicalNot(), Double.NEGATIVE_INFINITY);
        } else if (attnMask != null) {
            if (attnMask.dtype() == DType.BOOL) {
                scores = scores.maskedFill(attnMask.logicalNot(), Double.NEGATIVE_INFINITY);
            } else if (attnMask.dtype() == query.dtype()) {
                scores = scores.add(attnMask);
            } else {
                throw new IllegalArgumentException(op + ": the mask must be bool (true = takes part) or the query's "
                        + "dtype " + query.dtype() + " (added to the scores), got " + attnMask.dtype());
            }
        }
        Tensor weights = scores.softmax(-1);
        if (dropoutP > 0) {
            weights = generator == null ? weights.dropout(dropoutP, true) : weights.dropout(dropoutP, true, generator);
        }
        return weights;
    }

    private static double scaleOf(Tensor query, Double scale) {
        if (scale != null) {
            return scale;
        }
        if (query.dim() < 1) {
            throw new IllegalArgumentException("scaledDotProductAttention: query must be [..., L, E], got a scalar");
        }
        return 1 / Math.sqrt(query.size(-1));
    }

    // =====================================================================================
    // Regression losses: input and target of the same shape; NONE gives that shape, MEAN/SUM a scalar

    /** Mean squared error, {@code mean((input - target)^2)}. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /** Squared error {@code (input - target)^2}, reduced. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        String op = "mseLoss";
        sameShape(op, input, target);
        return reduce(op, input.sub(target).square(), reduction);
    }

    /** Mean absolute error, {@code mean(|input - target|)}. */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        return l1Loss(input, target, Reduction.MEAN);
    }

    /** Absolute error {@code |input - target|}, reduced (its gradient at 0 is 0, as PyTorch's). */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        String op = "l1Loss";
        sameShape(op, input, target);
        return reduce(op, input.sub(target).abs(), reduction);
    }

    /** Smooth L1 with beta 1, mean. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target) {
        return smoothL1Loss(input, target, Reduction.MEAN, 1.0);
    }

    /**
     * Smooth L1: with {@code z = |input - target|}, {@code 0.5 z^2 / beta} where {@code z < beta} and
     * {@code z - 0.5 beta} elsewhere, reduced. {@code beta = 0} is the L1 loss.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        String op = "smoothL1Loss";
        sameShape(op, input, target);
        if (!(beta >= 0)) {
            throw new IllegalArgumentException(op + ": beta must be >= 0, got " + beta);
        }
        Tensor d = input.sub(target);
        Tensor z = d.abs();
        if (beta == 0) {
            // the quadratic branch would divide by zero, and its NaN would leak into the gradient
            return reduce(op, z, reduction);
        }
        return reduce(op, Tensor.where(z.lt(beta), d.square().mul(0.5 / beta), z.sub(0.5 * beta)), reduction);
    }

    /** Huber loss with delta 1, mean. */
    public static Tensor huberLoss(Tensor input, Tensor target) {
        return huberLoss(input, target, Reduction.MEAN, 1.0);
    }

    /**
     * Huber loss: with {@code z = |input - target|}, {@code 0.5 z^2} where {@code z < delta} and
     * {@code delta (z - 0.5 delta)} elsewhere, reduced ({@code delta} times smooth L1 with
     * {@code beta = delta}).
     */
    public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
        String op = "huberLoss";
        sameShape(op, input, target);
        if (!(delta > 0)) {
            throw new IllegalArgumentException(op + ": delta must be > 0, got " + delta);
        }
        Tensor d = input.sub(target);
        Tensor z = d.abs();
        return reduce(op, Tensor.where(z.lt(delta), d.square().mul(0.5), z.sub(0.5 * delta).mul(delta)), reduction);
    }

    // =====================================================================================
    // Classification losses

    /** Cross-entropy with PyTorch's defaults: no class weights, ignoreIndex -100, mean, no smoothing. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0);
    }

    /** Cross-entropy with the given reduction and otherwise PyTorch's defaults. */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, reduction, 0);
    }

    /**
     * Cross-entropy of unnormalised scores (logits), like {@code F.cross_entropy}: log-softmax over the
     * class dim, then the negative log-likelihood of the target.
     *
     * <p>Shapes: {@code input} is {@code [N, C]}, {@code [N, C, d1, ..., dk]} (segmentation) or
     * {@code [C]} (one sample). {@code target} is either class indices, an int64 (or int32) tensor of
     * the input's shape without the class dim ({@code [N]}, {@code [N, d1, ..., dk]}, {@code []}), or
     * class probabilities, a float tensor of the input's shape. {@link Reduction#NONE} gives the
     * target's shape without the class dim.
     *
     * <p>With indices, a target equal to {@code ignoreIndex} contributes nothing, and
     * {@link Reduction#MEAN} divides by the summed class weights of the counted targets (their number
     * without weights). With probabilities, {@code ignoreIndex} does not apply and the mean is over
     * the {@code N * d1 * ... * dk} positions. Label smoothing mixes the target with the uniform
     * distribution: {@code (1 - labelSmoothing) * target + labelSmoothing / C}.
     *
     * @param weight         class weights {@code [C]}, or null
     * @param ignoreIndex    a class-index target to skip (PyTorch's default is -100)
     * @param labelSmoothing in {@code [0, 1]}
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction,
                                      double labelSmoothing) {
        String op = "crossEntropy";
        checkFloat(op, "input", input);
        if (input.dim() == 0) {
            throw new IllegalArgumentException(op + ": input must be [N, C], [N, C, d1, ...] or [C], got a scalar");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        int classDim = input.dim() == 1 ? 0 : 1;
        int c = input.size(classDim);
        checkClassWeight(op, weight, c);
        Tensor logp = input.logSoftmax(classDim);
        if (target.dtype().isFloatingPoint()) {
            if (!Arrays.equals(target.shape(), input.shape())) {
                throw new IllegalArgumentException(op + ": target of dtype " + target.dtype() + " and shape "
                        + Arrays.toString(target.shape()) + " is neither class indices (an int64 tensor of shape "
                        + Arrays.toString(withoutDim(input.shape(), classDim)) + "; convert float labels with toLong()) "
                        + "nor class probabilities (a float tensor of the input's shape " + Arrays.toString(input.shape())
                        + ")");
            }
            return crossEntropyProbabilities(op, logp, target, weight, classDim, reduction, labelSmoothing);
        }
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException(op + ": reduction batchmean is for klDiv only; use none, mean or sum");
        }
        Nll nll = nll(op, logp, target, weight, ignoreIndex, reduction);
        if (labelSmoothing == 0) {
            return nll.loss;
        }
        // PyTorch's smoothing term: -sum_c w_c log p_c at each position, zero where the target is ignored,
        // reduced like the NLL term (mean divides by the same weight sum).
        Tensor weighted = weight == null ? logp : logp.mul(classView(weight, input.dim(), classDim));
        Tensor smooth = weighted.sum(classDim, false).neg().maskedFill(nll.ignored, 0);
        Tensor smoothReduced;
        switch (reduction) {
            case NONE: smoothReduced = smooth; break;
            case SUM: smoothReduced = smooth.sum(); break;
            default: smoothReduced = smooth.sum().div(nll.weightSum); break;
        }
        return nll.loss.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / c));
    }

    private static Tensor crossEntropyProbabilities(String op, Tensor logp, Tensor target, Tensor weight, int classDim,
                                                    Reduction reduction, double labelSmoothing) {
        int c = logp.size(classDim);
        Tensor t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / c) : target;
        Tensor term = logp.mul(t);
        if (weight != null) {
            term = term.mul(classView(weight, logp.dim(), classDim));
        }
        Tensor loss = term.sum(classDim, false).neg();
        switch (reduction) {
            case NONE: return loss;
            case SUM: return loss.sum();
            // PyTorch divides by the number of positions, input.numel() / C, whatever the weights
            case MEAN: return loss.sum().div(c == 0 ? 1 : logp.numel() / c);
            default:
                throw new IllegalArgumentException(op + ": reduction batchmean is for klDiv only; use none, mean or sum");
        }
    }

    /** NLL with PyTorch's defaults: no class weights, ignoreIndex -100, mean. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Negative log-likelihood of log-probabilities, like {@code F.nll_loss}: {@code -w[t] * input[t]}
     * per position. Shapes as {@link #crossEntropy(Tensor, Tensor, Tensor, long, Reduction, double)}
     * with class-index targets: {@code input [N, C]}, {@code [N, C, d1, ...]} or {@code [C]}, target
     * int64 (or int32) {@code [N]}, {@code [N, d1, ...]} or {@code []}. {@link Reduction#MEAN} divides
     * by the summed weights of the targets that are not ignored.
     *
     * @param weight      class weights {@code [C]}, or null
     * @param ignoreIndex a target value to skip
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction) {
        String op = "nllLoss";
        checkFloat(op, "input", input);
        if (input.dim() == 0) {
            throw new IllegalArgumentException(op + ": input must be [N, C], [N, C, d1, ...] or [C], got a scalar");
        }
        if (target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": target must hold class indices (int64), got " + target.dtype()
                    + " of shape " + Arrays.toString(target.shape()) + "; convert float labels with toLong()");
        }
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException(op + ": reduction batchmean is for klDiv only; use none, mean or sum");
        }
        checkClassWeight(op, weight, input.size(input.dim() == 1 ? 0 : 1));
        return nll(op, input, target, weight, ignoreIndex, reduction).loss;
    }

    /** The NLL loss, plus what the label-smoothing term of cross-entropy reuses. */
    private record Nll(Tensor loss, Tensor ignored, Tensor weightSum) {
    }

    private static Nll nll(String op, Tensor logp, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction) {
        int classDim = logp.dim() == 1 ? 0 : 1;
        int c = logp.size(classDim);
        int[] expected = withoutDim(logp.shape(), classDim);
        if (target.dtype() != DType.INT64 && target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": target must hold class indices as int64 (or int32), got "
                    + target.dtype());
        }
        if (!Arrays.equals(target.shape(), expected)) {
            if (logp.dim() >= 2 && target.dim() >= 1 && target.size(0) != logp.size(0)) {
                throw new IllegalArgumentException(op + ": input batch size " + logp.size(0)
                        + " does not match target batch size " + target.size(0) + " (input "
                        + Arrays.toString(logp.shape()) + ", target " + Arrays.toString(target.shape()) + ")");
            }
            throw new IllegalArgumentException(op + ": target of shape " + Arrays.toString(target.shape())
                    + " does not match input of shape " + Arrays.toString(logp.shape()) + ": class-index targets must be "
                    + "the input's shape without the class dim, " + Arrays.toString(expected));
        }
        Tensor t = target.to(DType.INT64);
        Tensor valid = t.ne(ignoreIndex);
        Tensor ignored = valid.logicalNot();
        // One host read for a clear error instead of an out-of-bounds gather.
        Tensor bad = t.lt(0).logicalOr(t.ge(c)).logicalAnd(valid);
        if (bad.any().item() != 0) {
            long v = t.maskedSelect(bad).toLongArray()[0];
            throw new IllegalArgumentException(op + ": target " + v + " is out of range for " + c + " classes"
                    + (v < 0 ? " (targets equal to ignoreIndex " + ignoreIndex + " are skipped)" : ""));
        }
        // Everything below keeps the target's shape: gathering along the class dim needs no copy of the
        // log-probabilities, even for [N, C, D, H, W] segmentation outputs.
        Tensor safe = t.maskedFill(ignored, 0);
        Tensor picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        Tensor validF = valid.to(logp.dtype());
        Tensor w = weight == null ? validF
                : weight.to(logp.dtype()).index(safe.reshape(-1)).reshape(safe.shape()).mul(validF);
        Tensor loss = picked.mul(w).neg();
        Tensor weightSum = w.sum();
        Tensor out;
        switch (reduction) {
            case NONE: out = loss; break;
            case SUM: out = loss.sum(); break;
            default: out = loss.sum().div(weightSum); break;
        }
        return new Nll(out, ignored, weightSum);
    }

    /** Binary cross-entropy with no weight, mean. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        return binaryCrossEntropy(input, target, null, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of probabilities, like {@code F.binary_cross_entropy}:
     * {@code -w (t log(x) + (1 - t) log(1 - x))} with each log clamped at -100 as PyTorch does, so
     * probabilities of exactly 0 or 1 give a finite loss. Input and target have the same shape; the
     * target is float (probabilities or 0/1 labels).
     *
     * <p>At probabilities of exactly 0 or 1 the gradient is finite, as the clamped loss's derivative (0 for
     * the clamped log term); PyTorch returns {@code (x - t) / 1e-12} there instead. Through a sigmoid
     * that saturated both give the logit a zero gradient.
     *
     * @param input  probabilities in [0, 1] (apply sigmoid first, or use
     *               {@link #binaryCrossEntropyWithLogits})
     * @param weight a per-element weight broadcastable to the input, or null
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        String op = "binaryCrossEntropy";
        checkFloat(op, "input", input);
        checkFloatTarget(op, target);
        sameShape(op, input, target);
        Tensor outside = input.lt(0).logicalOr(input.gt(1)).logicalOr(input.isNan());
        if (outside.any().item() != 0) {
            double v = input.maskedSelect(outside).toDoubleArray()[0];
            throw new IllegalArgumentException(op + ": input values must be probabilities in [0, 1], got " + v
                    + " (apply sigmoid first, or use binaryCrossEntropyWithLogits on the logits)");
        }
        // PyTorch's kernel: (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100). At x = 0 (or 1) the
        // log is -inf and clamped; the masks keep its backward (0 / 0) from turning the gradient into NaN.
        Tensor zero = input.le(0);
        Tensor one = input.ge(1);
        Tensor logX = input.maskedFill(zero, 1).log().clampMin(-100).maskedFill(zero, -100);
        Tensor log1mX = input.maskedFill(one, 0).neg().log1p().clampMin(-100).maskedFill(one, -100);
        Tensor loss = target.sub(1).mul(log1mX).sub(target.mul(logX));
        if (weight != null) {
            loss = weighted(op, loss, weight);
        }
        return reduce(op, loss, reduction);
    }

    /** Binary cross-entropy with logits, no weights, mean. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of logits, like {@code F.binary_cross_entropy_with_logits}: sigmoid and BCE
     * in one numerically stable expression,
     * {@code (1 - t) x + (1 + (posWeight - 1) t) softplus(-x)}, times {@code weight}. Input and target
     * have the same shape ({@code [N, C]} for multi-label); the target is float.
     *
     * @param weight    a per-element weight broadcastable to the input, or null
     * @param posWeight the weight of positive examples per class, broadcast along the last dim
     *                  ({@code [C]}), or null; above 1 raises recall, below 1 precision
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        checkFloat(op, "input", input);
        checkFloatTarget(op, target);
        sameShape(op, input, target);
        // softplus(-x) = log(1 + exp(-x)); past 40 it equals -x to double precision, so the threshold
        // only avoids exp overflow, and softplus's own gradient (sigmoid) is exact at every x.
        Tensor softplusNeg = input.neg().softplus(1, 40);
        Tensor loss;
        if (posWeight != null) {
            Tensor logWeight = weighted(op, target, posWeight.sub(1)).add(1);
            loss = target.rsub(1).mul(input).add(logWeight.mul(softplusNeg));
        } else {
            loss = target.rsub(1).mul(input).add(softplusNeg);
        }
        if (weight != null) {
            loss = weighted(op, loss, weight);
        }
        return reduce(op, loss, reduction);
    }

    /** KL divergence with probabilities as target and PyTorch's default reduction (mean over elements). */
    public static Tensor klDiv(Tensor input, Tensor target) {
        return klDiv(input, target, Reduction.MEAN, false);
    }

    /**
     * Kullback-Leibler divergence, like {@code F.kl_div}: {@code input} holds log-probabilities and
     * {@code target} probabilities ({@code target (log(target) - input)}, 0 where the target is 0) or,
     * with {@code logTarget}, log-probabilities ({@code exp(target) (target - input)}). Same shapes.
     * {@link Reduction#BATCHMEAN} (sum divided by the batch size) is the true KL divergence per
     * sample; {@link Reduction#MEAN} divides by the number of elements, as PyTorch's default does.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        String op = "klDiv";
        checkFloat(op, "input", input);
        checkFloatTarget(op, target);
        sameShape(op, input, target);
        Tensor loss;
        if (logTarget) {
            loss = target.exp().mul(target.sub(input));
        } else {
            // xlogy(t, t): t log t with 0 log 0 = 0; log of 1 where t = 0 keeps NaN out of the gradient
            Tensor safe = target.maskedFill(target.eq(0), 1);
            loss = target.mul(safe.log()).sub(target.mul(input));
        }
        if (reduction == Reduction.BATCHMEAN) {
            Tensor sum = loss.sum();
            return input.dim() == 0 ? sum : sum.div(input.size(0));
        }
        return reduce(op, loss, reduction);
    }

    // =====================================================================================
    // Helpers

    private static Tensor reduce(String op, Tensor loss, Reduction reduction) {
        switch (reduction) {
            case NONE: return loss;
            case MEAN: return loss.mean();
            case SUM: return loss.sum();
            default:
                throw new IllegalArgumentException(op + ": reduction batchmean is for klDiv only; use none, mean or sum");
        }
    }

    private static void sameShape(String op, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            String hint = input.dim() > 0 && target.dim() > 0 && input.size(0) != target.size(0)
                    ? " (batch sizes " + input.size(0) + " and " + target.size(0) + " differ)"
                    : " (PyTorch would broadcast them, which is rarely what was meant; reshape one of them)";
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(input.shape())
                    + " and target of shape " + Arrays.toString(target.shape()) + " must have the same shape" + hint);
        }
    }

    private static void checkFloat(String op, String what, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + what + " must be a floating point tensor, got " + t.dtype());
        }
    }

    private static void checkFloatTarget(String op, Tensor target) {
        if (!target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": target must be a floating point tensor (probabilities or 0/1 "
                    + "labels), got " + target.dtype() + "; convert labels with toFloat()");
        }
    }

    private static void checkClassWeight(String op, Tensor weight, int classes) {
        if (weight != null && (weight.dim() != 1 || weight.size(0) != classes)) {
            throw new IllegalArgumentException(op + ": class weight must have shape [" + classes + "] (one per class), got "
                    + Arrays.toString(weight.shape()));
        }
    }

    /** {@code loss * weight}, where the weight must broadcast to the loss's shape without enlarging it. */
    private static Tensor weighted(String op, Tensor loss, Tensor weight) {
        int[] w = weight.shape();
        int[] l = loss.shape();
        boolean fits = w.length <= l.length;
        for (int i = 1; fits && i <= w.length; i++) {
            fits = w[w.length - i] == 1 || w[w.length - i] == l[l.length - i];
        }
        if (!fits) {
            throw new IllegalArgumentException(op + ": weight of shape " + Arrays.toString(w)
                    + " does not broadcast to the input's shape " + Arrays.toString(l));
        }
        return loss.mul(weight);
    }

    /** A {@code [C]} class weight viewed as {@code [1, C, 1, ...]} to broadcast along the class dim. */
    private static Tensor classView(Tensor weight, int rank, int classDim) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[classDim] = weight.size(0);
        return weight.reshape(shape);
    }

    private static int[] withoutDim(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
