package org.vesalius.backend.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_div;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_gt;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_max;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_min;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_mul;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_sub;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_abs;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_clip_v2;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_elu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_exp;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_gelu_erf;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_gelu_tanh;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_linear;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_logistic;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_logistic_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_pow;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_soft_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_sqrt;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_square;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_swish;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_max;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_min;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_mul;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reduction_sum;

import java.util.concurrent.atomic.LongAdder;
import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.ReduceOp;
import org.vesalius.backend.UnaryOp;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlBinary;
import org.vesalius.backend.cpu.dnnl.DnnlBinary.PostOps;
import org.vesalius.backend.cpu.dnnl.DnnlEltwise;
import org.vesalius.backend.cpu.dnnl.DnnlReduction;
import org.vesalius.backend.cpu.dnnl.DnnlReorder;
import org.vesalius.backend.cpu.dnnl.DnnlSoftmax;
import org.vesalius.backend.cpu.dnnl.StridedView;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Routes large float32 elementwise ops, reductions, softmax and copies to oneDNN's JIT kernels.
 *
 * <p>Each entry point returns true when it computed the result, and false, having touched nothing,
 * when the Java kernel should: for float64 (the gradient checks' reference), integers, bool and the
 * 16-bit floats; below the size where a oneDNN call (about 5 us of fixed cost: the primitive
 * lookup, memory objects, an OpenMP fork/join) beats the Java loop; for layouts oneDNN has no JIT
 * kernel for (slices, a permuted input written to a contiguous output, a broadcast first operand
 * of a non-commutative op, reductions over outer dims); and for ops whose NaN or infinity behaviour
 * oneDNN cannot be made to share with PyTorch ({@code maximum}/{@code minimum}, comparisons).
 * The measurements behind the thresholds are in backend-cpu/README.md.
 *
 * <p>Results match the Java kernels within float32 rounding (oneDNN's exp, tanh, erf are polynomial
 * approximations within a few ulp) and in NaN and infinity propagation. Where oneDNN's kernel would
 * differ on NaN or infinities, either a post-op restores PyTorch's result in the same pass (relu,
 * exp, clamp: {@link DnnlBinary}), or the operands are checked to be numbers first, with one
 * oneDNN sum per operand (GELU, the activation gradients, max/min/prod) or the result afterwards
 * (softmax), and the Java kernel computes the rare rest. Ops whose oneDNN kernel is less accurate
 * than 1e-5 relative stay in Java: log (off by up to 2e-6 near 1) and with it softplus, and the
 * tanh-GELU gradient; log-softmax is composed from accurate pieces instead.
 *
 * <p>{@code -Dvesalius.dnnl.ops=false} keeps everything here on the Java kernels.
 */
final class CpuDnnl {
    /** Elements from which a cheap op (add, relu, copy, ...) goes to oneDNN. */
    static final int MIN_ELEMENTS = Integer.getInteger("vesalius.dnnl.minElements", 16384);
    /**
     * Elements from which a transcendental op (exp, tanh, gelu, softmax, ...) goes to oneDNN: its Java
     * loop computes each element in double through scalar {@code Math} calls, 10-20 ns each.
     */
    static final int MIN_ELEMENTS_TRANSCENDENTAL = Integer.getInteger("vesalius.dnnl.minElementsTranscendental", 512);
    /**
     * Elements from which a permuted, expanded or converting copy goes to oneDNN's reorder (a
     * transpose of 256x256 is 2.8x faster there). A plain contiguous copy is a bulk copy in Java too
     * and goes from twice this size (crossover between 32K and 64K; both at memory speed from ~1M).
     */
    static final int MIN_COPY = Integer.getInteger("vesalius.dnnl.minCopy", 32768);
    /** Shortest innermost reduction oneDNN's reduction kernel is faster for than the Java loop. */
    static final int MIN_REDUCED = Integer.getInteger("vesalius.dnnl.minReduced", 1024);
    /**
     * Longest product oneDNN reduces: it multiplies in float32 per vector lane, so longer products
     * lose more than the 1e-5 relative PyTorch-level accuracy the Java loop (double) keeps.
     */
    static final int MAX_PRODUCT = 4096;
    /**
     * Longest run oneDNN's reduction sums in one piece (pieces add up in double). Its kernel adds in
     * float32 per vector lane, and once a lane's sum is large the small addends after it round
     * away: 0.5s after a run of values near 64000 lost 0.7% of a 100M-element sum as one piece.
     */
    static final long MAX_PIECE = 1 << 16;
    /**
     * PyTorch's softplus gradient is g above {@code threshold} and g * sigmoid(beta x) below; oneDNN's
     * soft_relu gradient is the sigmoid throughout, which from a threshold of 17 on rounds to 1
     * within an ulp. (The forward stays in Java: oneDNN computes log(1 + e^x) with a log that is off
     * by up to 2e-6 near 1, and goes negative for x below -15.)
     */
    static final double SOFTPLUS_MIN_THRESHOLD = 17;

    private static volatile boolean enabled = !"false".equals(System.getProperty("vesalius.dnnl.ops"));
    private static final LongAdder CALLS = new LongAdder();

    /** relu that keeps NaN: max(x, x), then relu, then max with x (see DnnlBinary). */
    private static final PostOps RELU_KEEP_NAN = PostOps.NONE.eltwise(dnnl_eltwise_relu, 0, 0)
            .binaryWithSrc0(dnnl_binary_max);
    /** exp that keeps NaN: exp(x) >= x for every number, so max(exp(x), x) only differs for NaN. */
    private static final PostOps EXP_KEEP_NAN = PostOps.NONE.eltwise(dnnl_eltwise_exp, 0, 0)
            .binaryWithSrc0(dnnl_binary_max);
    /** exp of a binary op's result (log-softmax's exp(x - max)). */
    private static final PostOps EXP_AFTER = PostOps.NONE.eltwise(dnnl_eltwise_exp, 0, 0);

    private CpuDnnl() {
    }

    /** Turns the routing on or off (tests compare the two paths); on by default. */
    static void setEnabled(boolean on) {
        enabled = on;
    }

    static boolean isEnabled() {
        return enabled;
    }

    /** Ops computed here so far (tests check that a case really reached oneDNN). */
    static long calls() {
        return CALLS.sum();
    }

    private static boolean done(boolean ran) {
        if (ran) {
            CALLS.increment();
        }
        return ran;
    }

    private static boolean f32(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }

    /** Enough elements to pay off, and no more than a storage holds (a larger view goes to the Java kernels). */
    private static boolean usable(long numel, int min) {
        return numel >= min && numel <= Integer.MAX_VALUE && enabled && Dnnl.isAvailable();
    }

    // ================================================================== elementwise

    /** {@code out = op(x)}; see the class comment for when this declines. */
    static boolean unary(UnaryOp op, Tensor x, Tensor out, double p1, double p2) {
        long n = out.numel();
        if (n < MIN_ELEMENTS_TRANSCENDENTAL || !f32(x) || !f32(out) || !usable(n, minElements(op))) {
            return false;
        }
        Dense l = Dense.of(out, x);
        if (l == null || l.broadcast(1)) {
            return false;
        }
        StridedView xv = l.view(1);
        StridedView ov = l.view(0);
        float a = (float) p1;
        float b = (float) p2;
        switch (op) {
            case ABS: return done(DnnlEltwise.forward(dnnl_eltwise_abs, 0, 0, xv, ov));
            case NEG: return done(DnnlEltwise.forward(dnnl_eltwise_linear, -1, 0, xv, ov));
            case SQUARE: return done(DnnlEltwise.forward(dnnl_eltwise_square, 0, 0, xv, ov));
            case SQRT: return done(DnnlEltwise.forward(dnnl_eltwise_sqrt, 0, 0, xv, ov));
            case TANH: return done(DnnlEltwise.forward(dnnl_eltwise_tanh, 0, 0, xv, ov));
            case SIGMOID: return done(DnnlEltwise.forward(dnnl_eltwise_logistic, 0, 0, xv, ov));
            case GELU:
                // oneDNN's GELU (erf) is NaN at +inf (PyTorch: +inf): numbers only
                return allFinite(x, l.extent(1)) && done(DnnlEltwise.forward(dnnl_eltwise_gelu_erf, 0, 0, xv, ov));
            case GELU_TANH: return done(DnnlEltwise.forward(dnnl_eltwise_gelu_tanh, 0, 0, xv, ov));
            case SILU: return done(DnnlEltwise.forward(dnnl_eltwise_swish, 1, 0, xv, ov));
            case ELU: return done(DnnlEltwise.forward(dnnl_eltwise_elu, a, 0, xv, ov));
            case AFFINE: return done(DnnlEltwise.forward(dnnl_eltwise_linear, a, b, xv, ov));
            case EXP: return done(DnnlBinary.run(dnnl_binary_max, xv, xv, ov, EXP_KEEP_NAN));
            case RELU: return done(DnnlBinary.run(dnnl_binary_max, xv, xv, ov, RELU_KEEP_NAN));
            case LEAKY_RELU:
                // a zero slope takes oneDNN's max(x, 0) path, which drops NaN and gives 0, not NaN, for -inf
                return a != 0 && done(DnnlEltwise.forward(dnnl_eltwise_relu, a, 0, xv, ov));
            case POW_SCALAR:
                return Double.isFinite(p1) && done(DnnlEltwise.forward(dnnl_eltwise_pow, 1, a, xv, ov));
            case CLAMP: return done(clamp(xv, ov, p1, p2));
            default: return false;
        }
    }

    private static int minElements(UnaryOp op) {
        switch (op) {
            case EXP: case TANH: case SIGMOID: case GELU: case GELU_TANH: case SILU: case ELU: case POW_SCALAR:
                return MIN_ELEMENTS_TRANSCENDENTAL;
            default:
                return MIN_ELEMENTS;
        }
    }

    /** Softplus's backward is a sigmoid; its forward stays in Java, see {@link #SOFTPLUS_MIN_THRESHOLD}. */
    private static boolean softplusOk(double beta, double threshold) {
        return beta > 0 && Double.isFinite(beta) && threshold >= SOFTPLUS_MIN_THRESHOLD;
    }

    /**
     * {@code min(max(x, lo), hi)} with NaN kept, bounds NaN meaning none (as {@link UnaryOp#CLAMP}).
     * Each bound is one pass: clip to it, then restore NaN with max (lower bound: the clipped value
     * is >= x) or min (upper bound). The two cannot share a pass, since after the lower clip the
     * upper one needs the clipped value, not x, to restore NaN from.
     */
    private static boolean clamp(StridedView x, StridedView out, double lo, double hi) {
        boolean hasLo = !Double.isNaN(lo);
        boolean hasHi = !Double.isNaN(hi);
        float inf = Float.POSITIVE_INFINITY;
        StridedView src = x;
        if (hasLo) {
            PostOps lower = PostOps.NONE.eltwise(dnnl_eltwise_clip_v2, (float) lo, inf).binaryWithSrc0(dnnl_binary_max);
            if (!DnnlBinary.run(dnnl_binary_max, x, x, out, lower)) {
                return false;
            }
            src = out;
        }
        if (hasHi || !hasLo) {
            float h = hasHi ? (float) hi : inf;
            PostOps upper = PostOps.NONE.eltwise(dnnl_eltwise_clip_v2, -inf, h).binaryWithSrc0(dnnl_binary_min);
            if (!DnnlBinary.run(dnnl_binary_max, src, src, out, upper)) {
                if (hasLo) {
                    throw new IllegalStateException("clamp: oneDNN ran the lower bound but refused the upper on " + out);
                }
                return false;
            }
        }
        return true;
    }

    /** {@code out = a op b} (a, b broadcast to out's shape by zero strides). */
    static boolean binary(BinaryOp op, Tensor a, Tensor b, Tensor out, double p1, double p2) {
        long n = out.numel();
        if (n < MIN_ELEMENTS_TRANSCENDENTAL || !f32(a) || !f32(b) || !f32(out)) {
            return false;
        }
        switch (op) {
            case ADD: return usable(n, MIN_ELEMENTS) && done(arithmetic(dnnl_binary_add, true, a, b, out));
            case SUB: return usable(n, MIN_ELEMENTS) && done(arithmetic(dnnl_binary_sub, false, a, b, out));
            case MUL: return usable(n, MIN_ELEMENTS) && done(arithmetic(dnnl_binary_mul, true, a, b, out));
            case DIV: return usable(n, MIN_ELEMENTS) && done(arithmetic(dnnl_binary_div, false, a, b, out));
            case RELU_BACKWARD: return usable(n, MIN_ELEMENTS) && done(reluBackward(a, b, out, 0));
            case LEAKY_RELU_BACKWARD:
                return usable(n, MIN_ELEMENTS) && (float) p1 != 0 && done(reluBackward(a, b, out, (float) p1));
            // g * (1 - y^2) and g * y * (1 - y): plain arithmetic, NaN and infinities as in Java
            case TANH_BACKWARD:
                return usable(n, MIN_ELEMENTS)
                        && done(backward(dnnl_eltwise_tanh_use_dst_for_bwd, 0, 0, a, b, out, false));
            case SIGMOID_BACKWARD:
                return usable(n, MIN_ELEMENTS)
                        && done(backward(dnnl_eltwise_logistic_use_dst_for_bwd, 0, 0, a, b, out, false));
            case ELU_BACKWARD:
                return usable(n, MIN_ELEMENTS_TRANSCENDENTAL)
                        && done(backward(dnnl_eltwise_elu, (float) p1, 0, a, b, out, true));
            case GELU_BACKWARD:
                return usable(n, MIN_ELEMENTS_TRANSCENDENTAL)
                        && done(backward(dnnl_eltwise_gelu_erf, 0, 0, a, b, out, true));
            case SILU_BACKWARD:
                return usable(n, MIN_ELEMENTS_TRANSCENDENTAL) && done(backward(dnnl_eltwise_swish, 1, 0, a, b, out, true));
            case SOFTPLUS_BACKWARD:
                return usable(n, MIN_ELEMENTS_TRANSCENDENTAL) && softplusOk(p1, p2)
                        && done(backward(dnnl_eltwise_soft_relu, (float) p1, 0, a, b, out, true));
            default:
                return false;
        }
    }

    /**
     * add, sub, mul, div: exact IEEE operations in both oneDNN and Java. oneDNN broadcasts only its
     * second operand, so a broadcast first operand is swapped in for the commutative ones.
     */
    private static boolean arithmetic(int alg, boolean commutative, Tensor a, Tensor b, Tensor out) {
        Dense l = Dense.of(out, a, b);
        if (l == null) {
            return false;
        }
        if (l.broadcast(1)) {
            if (!commutative || l.broadcast(2)) {
                return false;
            }
            return DnnlBinary.run(alg, l.view(2), l.view(1), l.view(0), PostOps.NONE);
        }
        return DnnlBinary.run(alg, l.view(1), l.view(2), l.view(0), PostOps.NONE);
    }

    /**
     * The fused activation gradients: {@code out = alg'(saved) * g}, every operand in one layout.
     * Where oneDNN's gradient differs from the Java kernel's (and PyTorch's) on operands that are not
     * numbers ({@code checkOperands}: elu's treats a NaN input as positive, GELU's and SiLU's mix
     * NaN and infinities differently), both operands are summed first (two reads, a fraction of the
     * Java kernel's time) and anything but numbers goes to Java.
     */
    private static boolean backward(int alg, float alpha, float beta, Tensor g, Tensor saved, Tensor out,
                                    boolean checkOperands) {
        Dense l = Dense.of(out, g, saved);
        if (l == null || l.broadcast(1) || l.broadcast(2)) {
            return false;
        }
        if (checkOperands && (!allFinite(g, l.extent(1)) || !allFinite(saved, l.extent(2)))) {
            return false;
        }
        return DnnlEltwise.backward(alg, alpha, beta, l.view(1), l.view(2), l.view(0));
    }

    /**
     * relu's and leaky relu's gradient, {@code g * (x > 0 ? 1 : slope)}, as one binary primitive
     * with post-ops: {@code m = max(x, 0)} (oneDNN's max gives 0 for a NaN x), {@code s = (m > 0)},
     * for a slope {@code s * (1 - slope) + slope}, then times g. (oneDNN's own relu gradient, and its
     * {@code x > 0}, take a NaN x as positive; the Java kernel does not.) With slope 0 an infinite or
     * NaN g at {@code x <= 0} gives NaN where the Java kernel gives 0, so then the result is summed
     * and a non-finite one recomputed in Java (so the output must not alias an input).
     */
    private static boolean reluBackward(Tensor g, Tensor x, Tensor out, float slope) {
        Dense l = Dense.of(out, g, x);
        if (l == null || l.broadcast(1) || l.broadcast(2)) {
            return false;
        }
        if (slope == 0 && (st(out) == st(g) || st(out) == st(x))) {
            return false;
        }
        StridedView xv = l.view(2);
        long[] ones = new long[xv.rank()];
        java.util.Arrays.fill(ones, 1);
        StridedView zero = new StridedView(Constants.ZERO.address(), ones, ones);
        PostOps post = PostOps.NONE.binaryWith(dnnl_binary_gt, 0);
        if (slope != 0) {
            post = post.eltwise(dnnl_eltwise_linear, 1 - slope, slope);
        }
        post = post.binaryWith(dnnl_binary_mul, 1);
        if (!DnnlBinary.run(dnnl_binary_max, xv, zero, l.view(0), post, zero, l.view(1))) {
            return false;
        }
        return slope != 0 || allFinite(out, l.extent(0));
    }

    /** Scalars oneDNN reads from memory (a binary primitive's broadcast operand). */
    private static final class Constants {
        static final org.bytedeco.javacpp.FloatPointer ZERO = new org.bytedeco.javacpp.FloatPointer(0f);
    }

    // ================================================================== copies

    /**
     * {@code dst = src} for tensors of one shape, any strides (a transpose, an expand), between
     * float32, float16 and bfloat16 (at least one float32). The Java kernel converts the 16-bit floats
     * element by element; oneDNN's conversions round to nearest even as it does (bfloat16: oneDNN
     * flushes float32 subnormals, below 1.2e-38, to zero).
     */
    static boolean copy(Tensor src, Tensor dst) {
        long n = dst.numel();
        if (n < MIN_COPY || !usable(n, MIN_COPY)) {
            return false;
        }
        int from = copyType(src.dtype());
        int to = copyType(dst.dtype());
        if (from < 0 || to < 0 || (from != dnnl_f32 && to != dnnl_f32)) {
            return false;
        }
        if (st(src) == st(dst)) {
            return false; // overlapping copies keep the Java kernel's element order
        }
        if (n < 2 * MIN_COPY && from == to && src.isContiguous() && dst.isContiguous()) {
            return false;
        }
        Dense l = Dense.ofCopy(dst, src);
        if (l == null) {
            return false;
        }
        return done(DnnlReorder.copy(from, l.stridedView(1), to, l.view(0)));
    }

    private static int copyType(DType t) {
        switch (t) {
            case FLOAT32: return dnnl_f32;
            case FLOAT16: return dnnl_f16;
            case BFLOAT16: return dnnl_bf16;
            default: return -1;
        }
    }

    // ================================================================== reductions

    /**
     * sum, prod, max and min over {@code dims} of a contiguous float32 tensor into a contiguous
     * {@code out}: directly when the reduced dims are innermost, else after a reorder moves them
     * there (oneDNN's reduction kernel has no fast path for outer dims; a transposing copy plus an
     * inner reduction still beats the Java loop's strided walk: see the README). max, min and prod
     * first sum x to see NaN and infinities (oneDNN's max drops NaN, its prod turns inf into NaN);
     * when that sum is not a number the Java kernel computes the result.
     */
    static boolean reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        if (!f32(x) || !f32(out) || !usable(x.numel(), MIN_ELEMENTS) || st(x) == st(out)) {
            return false;
        }
        int n = (int) x.numel(); // usable: at most 2^31-1
        int alg;
        switch (op) {
            case SUM: alg = dnnl_reduction_sum; break;
            case PROD: alg = dnnl_reduction_mul; break;
            case MAX: alg = dnnl_reduction_max; break;
            case MIN: alg = dnnl_reduction_min; break;
            default: return false;
        }
        Inner r = Inner.of(x, dims, out);
        if (r == null || r.reduced < MIN_REDUCED || (op == ReduceOp.PROD && r.reduced > MAX_PRODUCT)) {
            return false;
        }
        if (op != ReduceOp.SUM && !allFinite(x, n)) {
            return false; // max and min drop NaN, prod turns inf into NaN: the Java kernel propagates both
        }
        Tensor rows = x;
        try {
            if (r.movedDims != null) {
                // reduced dims outside: oneDNN reduces inner dims only, so a reorder moves them inside
                rows = Tensor.empty(DType.FLOAT32, n);
                StridedView from = new StridedView(address(x), r.movedDims, r.movedStrides);
                StridedView to = new StridedView(address(rows), r.movedDims,
                        org.vesalius.backend.cpu.dnnl.MemoryDescs.contiguousStrides(r.movedDims));
                if (!DnnlReorder.copy(dnnl_f32, from, dnnl_f32, to)) {
                    return false;
                }
            }
            if (!reduceRows(op, alg, rows, r, out)) {
                return false;
            }
        } finally {
            if (rows != x) {
                rows.close();
            }
        }
        if (op == ReduceOp.PROD && !allFinite(out, (int) r.outputs)) {
            return false; // a float32 partial product overflowed where the Java kernel's double does not
        }
        return done(true);
    }

    /** Reduces contiguous [outputs, reduced] rows of {@code rows} into contiguous {@code out}. */
    private static boolean reduceRows(ReduceOp op, int alg, Tensor rows, Inner r, Tensor out) {
        int parts = parts(r);
        if (parts == 0) {
            return false;
        }
        if (parts == 1) {
            StridedView src = StridedView.contiguous(address(rows), (int) r.outputs, (int) r.reduced);
            StridedView dst = StridedView.contiguous(address(out), (int) r.outputs, 1);
            return DnnlReduction.run(alg, src, dst);
        }
        return reduceInParts(op, alg, rows, r, parts, out);
    }

    /**
     * How many pieces each reduced row is cut into, or 0 when the rows should be reduced in Java.
     * oneDNN's reduction kernel splits its work over outputs only, so a full reduction runs on one
     * thread (4M floats: 650 us, against 330 us for the same data as 4 rows); fewer outputs than
     * OpenMP threads get their rows cut into pieces of at least 32K elements (below that the extra
     * rows cost more than the second thread gains). Pieces are also at most {@link #MAX_PIECE} long,
     * since the kernel accumulates float32 per vector lane. Several outputs can only be cut where
     * every row splits evenly; a long row with no such cut goes to Java.
     */
    private static int parts(Inner r) {
        int threads = org.vesalius.backend.cpu.dnnl.OpenMp.maxThreads();
        long want = r.outputs >= threads ? 1 : (2L * threads + r.outputs - 1) / r.outputs;
        long least = (r.reduced + MAX_PIECE - 1) / MAX_PIECE;
        long parts = Math.max(least, Math.min(want, r.reduced / 32768));
        if (r.outputs == 1) {
            return (int) parts; // the last reduced % parts elements are added in Java
        }
        // the smallest even cut into at least that many pieces, if one is near
        for (long p = parts; p <= 2 * parts; p++) {
            if (r.reduced % p == 0) {
                return (int) p;
            }
        }
        return least == 1 ? 1 : 0;
    }

    /**
     * The reduction as [outputs * parts, chunk] partial results in float32, combined per output in
     * double (as the Java kernel accumulates), plus, for a single output, the last
     * {@code reduced % parts} elements.
     */
    private static boolean reduceInParts(ReduceOp op, int alg, Tensor x, Inner r, int parts, Tensor out) {
        int outputs = (int) r.outputs;
        long chunk = r.reduced / parts;
        int tail = (int) (r.reduced - chunk * parts);
        Tensor partial = Tensor.empty(DType.FLOAT32, outputs * parts);
        try {
            StridedView src = StridedView.contiguous(address(x), outputs * parts, (int) chunk);
            StridedView dst = StridedView.contiguous(address(partial), outputs * parts, 1);
            if (!DnnlReduction.run(alg, src, dst)) {
                return false;
            }
            // x and out may lie in a storage past 2^31-1 bytes: read and write them through Access
            float[] pf = new float[outputs * parts];
            Access.load(st(partial), partial.offset(), 1, pf, pf.length);
            float[] xf = new float[tail];
            Access.load(st(x), x.offset() + (int) (chunk * parts), 1, xf, tail);
            float[] of = new float[outputs];
            for (int k = 0; k < outputs; k++) {
                double acc = pf[k * parts];
                for (int p = 1; p < parts; p++) {
                    acc = combine(op, acc, pf[k * parts + p]);
                }
                for (int i = 0; i < tail; i++) {
                    acc = combine(op, acc, xf[i]);
                }
                of[k] = (float) acc;
            }
            Access.store(of, outputs, st(out), out.offset(), 1);
            return true;
        } finally {
            partial.close();
        }
    }

    private static double combine(ReduceOp op, double acc, double v) {
        switch (op) {
            case SUM: return acc + v;
            case PROD: return acc * v;
            case MAX: return Math.max(acc, v);
            default: return Math.min(acc, v);
        }
    }

    /**
     * Whether the {@code n} floats stored from t's first element on are all numbers: their sum is
     * finite. (A sum can also overflow, which only sends the caller to Java for nothing.) Long runs
     * are summed by oneDNN, at memory speed; short ones in Java.
     */
    static boolean allFinite(Tensor t, int n) {
        if (n < MIN_REDUCED) {
            float[] f = new float[n];
            Access.load(st(t), t.offset(), 1, f, n);
            float sum = 0;
            for (int i = 0; i < n; i++) {
                sum += f[i] * 0f;
            }
            return sum == 0;
        }
        Tensor total = Tensor.empty(DType.FLOAT32, 1);
        try {
            // as a full sum, cut into pieces for all threads (the partials add up in double)
            return reduceRows(ReduceOp.SUM, dnnl_reduction_sum, t, new Inner(1, n, null, null), total)
                    && Float.isFinite((float) Access.getDouble(st(total), total.offset()));
        } finally {
            total.close();
        }
    }

    // ================================================================== softmax

    /**
     * softmax along {@code dim} when x and out share one dense layout. oneDNN's result for a row
     * holding NaN or +inf is partly finite where PyTorch's is NaN, so the result is summed (one more
     * read): a non-finite sum sends the whole call back to the Java kernel. log-softmax: see
     * {@link #logSoftmax}.
     */
    static boolean softmax(Tensor x, int dim, boolean log, Tensor out) {
        if (x.dim() == 0 || !f32(x) || !f32(out) || !usable(x.numel(), MIN_ELEMENTS_TRANSCENDENTAL) || st(x) == st(out)) {
            return false; // (in place, a declined result could not be recomputed from x)
        }
        Axis ax = Axis.of(dim, out, x);
        if (ax == null) {
            return false;
        }
        if (log) {
            return done(logSoftmax(x, ax, out));
        }
        if (!DnnlSoftmax.forward(false, 1, ax.view(x), ax.view(out))) {
            return false;
        }
        return done(allFinite(out, (int) out.numel()));
    }

    /**
     * log-softmax over rows that are innermost in memory, in four oneDNN passes around an accurate
     * log: {@code m = max(row)}, {@code e = exp(x - m)} (into out), {@code s = sum(e)}, then
     * {@code out = x - (m + log(s))} with the shift computed per row in double, as the Java kernel
     * does. oneDNN's own log-softmax is one pass, but its log is off by up to 2e-6 near 1, which
     * puts errors of 3e-5 relative into results near 0. A row holding NaN or +inf, or only -inf,
     * makes its shift non-finite (oneDNN's exp maps NaN to +inf), and the Java kernel recomputes.
     * Short rows stay in Java: oneDNN's reduction is slow over many short rows.
     */
    private static boolean logSoftmax(Tensor x, Axis ax, Tensor out) {
        if (ax.inner != 1 || ax.n < MIN_REDUCED) {
            return false;
        }
        int rows = (int) ax.outer;
        int len = (int) ax.n;
        StridedView xv = StridedView.contiguous(address(x), rows, len);
        StridedView ov = StridedView.contiguous(address(out), rows, len);
        Tensor shift = Tensor.empty(DType.FLOAT32, rows);
        Tensor sums = Tensor.empty(DType.FLOAT32, rows);
        try {
            StridedView sv = StridedView.contiguous(address(shift), rows, 1);
            StridedView total = StridedView.contiguous(address(sums), rows, 1);
            if (!DnnlReduction.run(dnnl_reduction_max, xv, sv)
                    || !DnnlBinary.run(dnnl_binary_sub, xv, sv, ov, EXP_AFTER)
                    || !DnnlReduction.run(dnnl_reduction_sum, ov, total)) {
                return false;
            }
            float[] m = new float[rows];
            float[] sum = new float[rows];
            Access.load(st(shift), shift.offset(), 1, m, rows);
            Access.load(st(sums), sums.offset(), 1, sum, rows);
            for (int r = 0; r < rows; r++) {
                float c = (float) (m[r] + Math.log(sum[r]));
                if (!Float.isFinite(c)) {
                    return false;
                }
                m[r] = c;
            }
            Access.store(m, rows, st(shift), shift.offset(), 1);
            return DnnlBinary.run(dnnl_binary_sub, xv, sv, ov, PostOps.NONE);
        } finally {
            shift.close();
            sums.close();
        }
    }

    /**
     * The softmax and log-softmax gradients (these need no log), with the same check as
     * {@link #softmax}.
     */
    static boolean softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        if (y.dim() == 0 || !f32(y) || !f32(gy) || !f32(gx) || !usable(y.numel(), MIN_ELEMENTS_TRANSCENDENTAL)
                || st(gx) == st(y) || st(gx) == st(gy)) {
            return false;
        }
        Axis ax = Axis.of(dim, gx, y, gy);
        if (ax == null) {
            return false;
        }
        if (!DnnlSoftmax.backward(log, 1, ax.view(y), ax.view(gy), ax.view(gx))) {
            return false;
        }
        return done(allFinite(gx, (int) gx.numel()));
    }

    // ================================================================== layouts

    static CpuStorage st(Tensor t) {
        return (CpuStorage) t.storage();
    }

    static long address(Tensor t) {
        return st(t).address() + (long) t.offset() * t.dtype().byteSize();
    }

    /**
     * Operands of an elementwise op in the output's memory order, with dims merged where every
     * operand allows: an output that is dense in some order (contiguous, or a permutation of it),
     * inputs each either in that same layout or broadcast (zero strides) and dense in the rest. A
     * contiguous op on contiguous tensors becomes one dim of numel elements, so tensors of any shape
     * with that many elements share one primitive.
     */
    static final class Dense {
        final Tensor[] ops;
        final int[] dims;
        final int[][] strides;

        private Dense(Tensor[] ops, int[] dims, int[][] strides) {
            this.ops = ops;
            this.dims = dims;
            this.strides = strides;
        }

        /** Just the output's layout. */
        static Dense ofOutput(Tensor out) {
            return of(new Tensor[] {out}, true);
        }

        /** A copy's destination, dense, and its source with whatever strides (a transpose, an expand). */
        static Dense ofCopy(Tensor dst, Tensor src) {
            return of(new Tensor[] {dst, src}, true);
        }

        /** {@code ops[0]} is the output; null when some operand's layout is not one oneDNN runs fast. */
        static Dense of(Tensor... ops) {
            return of(ops, false);
        }

        private static Dense of(Tensor[] ops, boolean outputOnly) {
            if (allContiguous(ops)) {
                // the common case, without sorting and merging: one dim of numel elements
                int[][] unit = new int[ops.length][];
                java.util.Arrays.fill(unit, UNIT);
                Dense d = new Dense(ops, new int[] {(int) ops[0].numel()}, unit); // contiguous: fits an int
                return outputOnly || d.inPlaceOk() ? d : null;
            }
            int[] shape = ops[0].shape();
            int[] order = memoryOrder(shape, ops[0].strides());
            if (order == null) {
                return null;
            }
            int[] sh = new int[Math.max(order.length, 1)];
            int[][] st = new int[ops.length][sh.length];
            if (order.length == 0) {
                sh[0] = 1;
            }
            for (int k = 0; k < ops.length; k++) {
                int[] s = ops[k].strides();
                for (int i = 0; i < order.length; i++) {
                    st[k][i] = s[order[i]];
                    sh[i] = shape[order[i]];
                }
            }
            Strided merged = Strided.raw(sh, st, new int[ops.length]);
            Dense d = new Dense(ops, merged.shape, merged.strides);
            if (!d.compact(0, false)) {
                return null;
            }
            if (!outputOnly) {
                for (int k = 1; k < ops.length; k++) {
                    if (!d.compact(k, true)) {
                        return null;
                    }
                }
                if (!d.inPlaceOk()) {
                    return null;
                }
            }
            return d;
        }

        private static final int[] UNIT = {1};

        private static boolean allContiguous(Tensor[] ops) {
            long n = ops[0].numel();
            for (Tensor t : ops) {
                if (!t.isContiguous() || t.numel() != n) {
                    return false;
                }
            }
            return true;
        }

        /** An input in the output's memory must be the output itself (an in-place op), nothing else. */
        private boolean inPlaceOk() {
            for (int k = 1; k < ops.length; k++) {
                if (st(ops[k]) == st(ops[0]) && (ops[k].offset() != ops[0].offset() || broadcast(k)
                        || !java.util.Arrays.equals(strides[k], strides[0]))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Whether operand k is row-major over its non-broadcast dims (zero strides allowed only for
         * inputs), i.e. oneDNN can see it as a plain tensor with those dims of size 1.
         */
        private boolean compact(int k, boolean allowBroadcast) {
            long expected = 1;
            for (int i = dims.length - 1; i >= 0; i--) {
                int s = strides[k][i];
                if (s == 0 && dims[i] > 1) {
                    if (!allowBroadcast) {
                        return false;
                    }
                    continue;
                }
                if (dims[i] > 1 && s != expected) {
                    return false;
                }
                expected *= dims[i];
            }
            return true;
        }

        /** Whether operand k is broadcast in some dim. */
        boolean broadcast(int k) {
            for (int i = 0; i < dims.length; i++) {
                if (strides[k][i] == 0 && dims[i] > 1) {
                    return true;
                }
            }
            return false;
        }

        /** Operand k as oneDNN sees it: broadcast dims of size 1, row-major strides. */
        StridedView view(int k) {
            long[] d = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                d[i] = strides[k][i] == 0 && dims[i] > 1 ? 1 : dims[i];
            }
            return new StridedView(address(ops[k]), d, org.vesalius.backend.cpu.dnnl.MemoryDescs.contiguousStrides(d));
        }

        /** Elements operand k holds (its broadcast dims count once), stored densely from its first. */
        int extent(int k) {
            int e = 1;
            for (int i = 0; i < dims.length; i++) {
                if (strides[k][i] != 0) {
                    e *= dims[i];
                }
            }
            return e;
        }

        /** Operand k with its own strides in the merged dims (for a copy's source). */
        StridedView stridedView(int k) {
            long[] d = new long[dims.length];
            long[] s = new long[dims.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = dims[i];
                s[i] = strides[k][i];
            }
            return new StridedView(address(ops[k]), d, s);
        }
    }

    /**
     * The dims of size > 1 ordered by decreasing stride (a dense tensor's memory order), or null when
     * two of them have equal strides (overlapping elements, as an expanded output would).
     */
    static int[] memoryOrder(int[] shape, int[] strides) {
        int count = 0;
        for (int s : shape) {
            if (s != 1) {
                count++;
            }
        }
        int[] order = new int[count];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                order[j++] = d;
            }
        }
        // insertion sort, stable: ranks are small
        for (int i = 1; i < order.length; i++) {
            int v = order[i];
            int k = i - 1;
            while (k >= 0 && strides[order[k]] < strides[v]) {
                order[k + 1] = order[k];
                k--;
            }
            order[k + 1] = v;
        }
        for (int i = 1; i < order.length; i++) {
            if (strides[order[i]] == strides[order[i - 1]]) {
                return null;
            }
        }
        return order;
    }

    /** A dense tensor seen as [outputs, reduced], the reduced dims innermost in memory. */
    static final class Inner {
        final long outputs;
        final long reduced;
        /**
         * When the reduced dims are not innermost: x's dims of size > 1, kept ones first, reduced
         * ones last (each group in x's order), and x's strides for them; null otherwise.
         */
        final long[] movedDims;
        final long[] movedStrides;

        private Inner(long outputs, long reduced, long[] movedDims, long[] movedStrides) {
            this.outputs = outputs;
            this.reduced = reduced;
            this.movedDims = movedDims;
            this.movedStrides = movedStrides;
        }

        /**
         * x (contiguous) as [outputs, reduced] rows, directly when the reduced dims are its innermost,
         * else after moving them there; null unless x and out are contiguous.
         */
        static Inner of(Tensor x, int[] dims, Tensor out) {
            if (!x.isContiguous() || !out.isContiguous()) {
                return null;
            }
            int[] shape = x.shape();
            int[] strides = x.strides();
            boolean[] red = new boolean[shape.length];
            for (int d : dims) {
                red[d] = true;
            }
            long outputs = 1;
            long reduced = 1;
            boolean inReduced = false;
            boolean inner = true;
            int count = 0;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] == 1) {
                    continue;
                }
                count++;
                if (red[d]) {
                    inReduced = true;
                    reduced *= shape[d];
                } else {
                    inner &= !inReduced; // a kept dim after a reduced one
                    outputs *= shape[d];
                }
            }
            if (inner) {
                return new Inner(outputs, reduced, null, null);
            }
            long[] md = new long[count];
            long[] ms = new long[count];
            int j = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (int d = 0; d < shape.length; d++) {
                    if (shape[d] != 1 && red[d] == (pass == 1)) {
                        md[j] = shape[d];
                        ms[j++] = strides[d];
                    }
                }
            }
            return new Inner(outputs, reduced, md, ms);
        }
    }

    /**
     * Tensors of one dense layout seen as [outer, n, inner] around the softmax dim, contiguous in
     * the order of their strides (so a transposed pair works as well as a contiguous one).
     */
    static final class Axis {
        final long outer;
        final long n;
        final long inner;

        private Axis(long outer, long n, long inner) {
            this.outer = outer;
            this.n = n;
            this.inner = inner;
        }

        static Axis of(int dim, Tensor... ts) {
            int[] shape = ts[0].shape();
            int[] strides = ts[0].strides();
            for (Tensor t : ts) {
                if (!java.util.Arrays.equals(t.strides(), strides) && !(t.isContiguous() && ts[0].isContiguous())) {
                    return null;
                }
            }
            Dense d = Dense.ofOutput(ts[0]);
            if (d == null) {
                return null;
            }
            int[] order = memoryOrder(shape, strides);
            long outer = 1;
            long inner = 1;
            boolean after = false;
            for (int o : order) {
                if (o == dim) {
                    after = true;
                } else if (after) {
                    inner *= shape[o];
                } else {
                    outer *= shape[o];
                }
            }
            // all tensors must also agree on which dims are size 1: they share the shape
            return new Axis(outer, shape[dim], inner);
        }

        StridedView view(Tensor t) {
            return StridedView.contiguous(address(t), (int) outer, (int) n, (int) inner);
        }
    }
}
