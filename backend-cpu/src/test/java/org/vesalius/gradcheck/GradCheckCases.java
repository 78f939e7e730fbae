package org.vesalius.gradcheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.vesalius.autograd.NoGrad;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The float64 central-difference gradient checks, one or more per differentiable public Tensor op:
 * contiguous inputs, broadcast or expanded inputs, and non-contiguous leaves (permuted, or sliced
 * with a stride and an offset). {@code OpCoverageTest} reads {@link #ops()} and
 * {@link #NOT_DIFFERENTIABLE}, so a new differentiable op without an entry here fails the build.
 */
public final class GradCheckCases {

    /** One check: inputs are built fresh per run (the check perturbs them in place). */
    public record Case(String op, String label, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f,
                       double eps, double atol, double rtol) {
        public String name() {
            return op + "/" + label;
        }
    }

    /**
     * Public ops with no gradient: comparisons, predicates, index results, integer casts, factories
     * and in-place ops (which are not recorded: they refuse inputs that require grad).
     */
    public static final Set<String> NOT_DIFFERENTIABLE = Collections.unmodifiableSet(new TreeSet<>(Set.of(
            "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor", "logicalNot",
            "isNan", "isInf", "equal", "allclose", "argmax", "argmin", "argsort", "all", "any", "floorDivide", "toLong",
            "linspace", "arange", "eye", "nonzero", "oneHot",
            "add_", "sub_", "mul_", "div_", "clamp_", "fill_", "zero_", "copy_")));

    private static final List<Case> CASES = new ArrayList<>();
    private static final ThreadLocal<Random> RNG = ThreadLocal.withInitial(() -> new Random(1));

    private GradCheckCases() {
    }

    /** Every case, in registration order. */
    public static List<Case> all() {
        return Collections.unmodifiableList(CASES);
    }

    /** The op (method) names that have at least one case. */
    public static Set<String> ops() {
        Set<String> s = new LinkedHashSet<>();
        for (Case c : CASES) {
            s.add(c.op());
        }
        return s;
    }

    /** Seeds the value generator for one case, so a failure reproduces with the same inputs. */
    static void seed(Case c) {
        seed(c.name());
    }

    static void seed(String name) {
        RNG.get().setSeed(name.hashCode());
    }

    // ------------------------------------------------------------------------------ inputs

    /** How values are drawn: where the op is smooth, away from its kinks by more than eps. */
    @FunctionalInterface
    interface Domain {
        double draw(Random r);
    }

    static final Domain ANY = r -> away(r.nextDouble() * 4 - 2, 0, 0.1);
    static final Domain POS = r -> 0.3 + r.nextDouble() * 1.7;
    /** Away from multiples of 0.5 (floor, ceil, round, trunc and sign change only there). */
    static final Domain OFF_GRID = r -> {
        double v = r.nextDouble() * 6 - 3;
        return away(v, Math.rint(v * 2) / 2, 0.05);
    };

    /**
     * Moves v out of (p - margin, p + margin) by adding the margin to its distance: the result stays
     * random, so no two elements tie (a tie makes max-like ops non-differentiable).
     */
    private static double away(double v, double p, double margin) {
        double d = v - p;
        return Math.abs(d) < margin ? p + Math.copySign(margin + Math.abs(d), d) : v;
    }

    static Domain awayFrom(Domain d, double... points) {
        return r -> {
            double v = d.draw(r);
            for (double p : points) {
                v = away(v, p, 0.05);
            }
            return v;
        };
    }

    private static Tensor values(Domain d, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = d.draw(RNG.get());
        }
        try (NoGrad ng = NoGrad.open()) {
            return shape.length == 0 ? Tensor.of(v, 1).reshape() : Tensor.of(v, shape);
        }
    }

    /** A contiguous float64 leaf that requires grad. */
    static Tensor leaf(Domain d, int... shape) {
        return values(d, shape).requiresGrad_(true);
    }

    /** A leaf with reversed strides (a transposed buffer). */
    static Tensor permuted(Domain d, int... shape) {
        return FixtureTensors.withLayout(values(d, shape), "permuted").requiresGrad_(true);
    }

    /** A leaf that is every other element of a wider buffer, starting at offset 1. */
    static Tensor sliced(Domain d, int... shape) {
        return FixtureTensors.withLayout(values(d, shape), "strided").requiresGrad_(true);
    }

    /** A float64 tensor that does not require grad. */
    static Tensor constant(Domain d, int... shape) {
        return values(d, shape);
    }

    static Tensor mask(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
            b[i] = RNG.get().nextBoolean();
        }
        try (NoGrad ng = NoGrad.open()) {
            return Tensor.of(b, shape);
        }
    }

    static Tensor bools(boolean... v) {
        try (NoGrad ng = NoGrad.open()) {
            return Tensor.of(v, v.length);
        }
    }

    static Tensor longs(long[] v, int... shape) {
        try (NoGrad ng = NoGrad.open()) {
            return Tensor.of(v, shape);
        }
    }

    static Tensor exact(double[] v, int... shape) {
        try (NoGrad ng = NoGrad.open()) {
            return Tensor.of(v, shape).requiresGrad_(true);
        }
    }

    // ------------------------------------------------------------------------------ registration

    private static void add(String op, String label, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f) {
        add(op, label, inputs, f, 1e-6, 1e-5, 1e-3);
    }

    private static void add(String op, String label, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f,
                            double eps, double atol, double rtol) {
        for (Case c : CASES) {
            if (c.name().equals(op + "/" + label)) {
                throw new IllegalStateException("duplicate gradcheck case " + op + "/" + label);
            }
        }
        CASES.add(new Case(op, label, inputs, f, eps, atol, rtol));
    }

    private static Supplier<Tensor[]> in(Supplier<Tensor> a) {
        return () -> new Tensor[] {a.get()};
    }

    private static Supplier<Tensor[]> in(Supplier<Tensor> a, Supplier<Tensor> b) {
        return () -> new Tensor[] {a.get(), b.get()};
    }

    private static Supplier<Tensor[]> in(Supplier<Tensor> a, Supplier<Tensor> b, Supplier<Tensor> c) {
        return () -> new Tensor[] {a.get(), b.get(), c.get()};
    }

    private static Supplier<Tensor[]> in(Supplier<Tensor> a, Supplier<Tensor> b, Supplier<Tensor> c, Supplier<Tensor> d) {
        return () -> new Tensor[] {a.get(), b.get(), c.get(), d.get()};
    }

    /** Contiguous, permuted, sliced and expanded-inside-the-function cases of a unary op. */
    private static void unary(String op, Domain d, Function<Tensor, Tensor> f) {
        add(op, "contiguous", in(() -> leaf(d, 3, 4)), x -> f.apply(x[0]));
        add(op, "permuted", in(() -> permuted(d, 3, 4)), x -> f.apply(x[0]));
        add(op, "sliced", in(() -> sliced(d, 2, 3)), x -> f.apply(x[0]));
        add(op, "expanded", in(() -> leaf(d, 1, 4)), x -> f.apply(x[0].expand(3, 4)));
    }

    /** Same-shape, broadcast (two ways), 0-dim, non-contiguous and expanded cases of a binary op. */
    private static void binary(String op, Domain da, Domain db, java.util.function.BinaryOperator<Tensor> f) {
        add(op, "same_shape", in(() -> leaf(da, 3, 4), () -> leaf(db, 3, 4)), x -> f.apply(x[0], x[1]));
        add(op, "broadcast_row_col", in(() -> leaf(da, 3, 1), () -> leaf(db, 4)), x -> f.apply(x[0], x[1]));
        add(op, "broadcast_3d", in(() -> leaf(da, 2, 1, 4), () -> leaf(db, 3, 1)), x -> f.apply(x[0], x[1]));
        add(op, "zero_dim", in(() -> leaf(da, 2, 3), () -> leaf(db)), x -> f.apply(x[0], x[1]));
        add(op, "permuted_sliced", in(() -> permuted(da, 3, 4), () -> sliced(db, 3, 4)), x -> f.apply(x[0], x[1]));
        add(op, "expanded", in(() -> leaf(da, 3, 4), () -> leaf(db, 4)), x -> f.apply(x[0], x[1].expand(3, 4)));
    }

    /** Contiguous, permuted and sliced inputs for a reduction-like op on a [2, 3, 4] tensor. */
    private static void shaped(String op, String label, Domain d, Function<Tensor, Tensor> f) {
        add(op, label, in(() -> leaf(d, 2, 3, 4)), x -> f.apply(x[0]));
        add(op, label + "_permuted", in(() -> permuted(d, 2, 3, 4)), x -> f.apply(x[0]));
        add(op, label + "_sliced", in(() -> sliced(d, 2, 3, 4)), x -> f.apply(x[0]));
    }

    static {
        // ---- unary
        unary("neg", ANY, Tensor::neg);
        unary("abs", ANY, Tensor::abs);
        unary("exp", ANY, Tensor::exp);
        unary("log", POS, Tensor::log);
        unary("log1p", r -> r.nextDouble() * 3 - 0.7, Tensor::log1p);
        unary("expm1", ANY, Tensor::expm1);
        unary("sqrt", POS, Tensor::sqrt);
        unary("rsqrt", POS, Tensor::rsqrt);
        unary("sin", ANY, Tensor::sin);
        unary("cos", ANY, Tensor::cos);
        unary("tanh", ANY, Tensor::tanh);
        unary("sigmoid", ANY, Tensor::sigmoid);
        unary("erf", ANY, Tensor::erf);
        unary("reciprocal", r -> away(r.nextDouble() * 4 - 2, 0, 0.3), Tensor::reciprocal);
        unary("square", ANY, Tensor::square);
        unary("sign", OFF_GRID, Tensor::sign);
        unary("floor", OFF_GRID, Tensor::floor);
        unary("ceil", OFF_GRID, Tensor::ceil);
        unary("round", OFF_GRID, Tensor::round);
        unary("trunc", OFF_GRID, Tensor::trunc);
        unary("relu", ANY, Tensor::relu);
        unary("leakyRelu", ANY, x -> x.leakyRelu(0.1));
        unary("elu", ANY, x -> x.elu(1.3));
        unary("selu", ANY, Tensor::selu);
        unary("gelu", ANY, Tensor::gelu);
        add("gelu", "tanh_approximation", in(() -> leaf(ANY, 3, 4)), x -> x[0].gelu("tanh"));
        add("gelu", "tanh_approximation_permuted", in(() -> permuted(ANY, 3, 4)), x -> x[0].gelu("tanh"));
        unary("silu", ANY, Tensor::silu);
        unary("softplus", ANY, Tensor::softplus);
        // beta * x crosses the threshold 3 at x = 1.5, where softplus switches to linear
        add("softplus", "beta_threshold", in(() -> leaf(awayFrom(ANY, 1.5), 3, 4)), x -> x[0].softplus(2, 3));
        unary("clamp", awayFrom(ANY, -0.5, 0.8), x -> x.clamp(-0.5, 0.8));
        add("clamp", "max_only", in(() -> leaf(awayFrom(ANY, 0.3), 3, 4)), x -> x[0].clamp(Double.NaN, 0.3));
        unary("clampMin", awayFrom(ANY, 0.2), x -> x.clampMin(0.2));
        unary("clampMax", awayFrom(ANY, 0.2), x -> x.clampMax(0.2));

        // ---- binary; scalar overloads share the method's name
        binary("add", ANY, ANY, Tensor::add);
        add("add", "alpha", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 4)), x -> x[0].add(x[1], -2.5));
        add("add", "scalar", in(() -> permuted(ANY, 3, 4)), x -> x[0].add(1.5));
        binary("sub", ANY, ANY, Tensor::sub);
        add("sub", "scalar", in(() -> sliced(ANY, 3, 4)), x -> x[0].sub(1.5));
        add("rsub", "scalar", in(() -> leaf(ANY, 3, 4)), x -> x[0].rsub(1.5));
        add("rsub", "scalar_permuted", in(() -> permuted(ANY, 3, 4)), x -> x[0].rsub(-0.5));
        binary("mul", ANY, ANY, Tensor::mul);
        add("mul", "scalar", in(() -> permuted(ANY, 3, 4)), x -> x[0].mul(-3.0));
        add("mul", "self", in(() -> leaf(ANY, 3, 4)), x -> x[0].mul(x[0]));
        binary("div", ANY, r -> away(r.nextDouble() * 4 - 2, 0, 0.3), Tensor::div);
        add("div", "scalar", in(() -> sliced(ANY, 3, 4)), x -> x[0].div(4.0));
        binary("pow", POS, ANY, Tensor::pow);
        add("pow", "scalar_cube", in(() -> leaf(ANY, 3, 4)), x -> x[0].pow(3));
        add("pow", "scalar_fraction", in(() -> permuted(POS, 3, 4)), x -> x[0].pow(-1.5));
        add("pow", "scalar_half", in(() -> leaf(POS, 3, 4)), x -> x[0].pow(0.5));
        add("pow", "scalar_zero", in(() -> leaf(ANY, 3, 4)), x -> x[0].pow(0));
        binary("remainder", r -> r.nextDouble() * 10 - 5, r -> away(r.nextDouble() * 4 - 2, 0, 0.4), Tensor::remainder);
        binary("atan2", ANY, ANY, Tensor::atan2);
        binary("maximum", ANY, ANY, Tensor::maximum);
        binary("minimum", ANY, ANY, Tensor::minimum);

        // ---- selection
        add("where", "same_shape", in(() -> mask(3, 4), () -> leaf(ANY, 3, 4), () -> leaf(ANY, 3, 4)),
                x -> Tensor.where(x[0], x[1], x[2]));
        add("where", "broadcast", in(() -> mask(3, 1), () -> leaf(ANY, 1, 4), () -> permuted(ANY, 3, 4)),
                x -> Tensor.where(x[0], x[1], x[2]));
        add("where", "method_sliced", in(() -> mask(3, 4), () -> sliced(ANY, 3, 4), () -> leaf(ANY, 4)),
                x -> x[1].where(x[0], x[2]));
        add("maskedFill", "same_shape", in(() -> leaf(ANY, 3, 4), () -> mask(3, 4)), x -> x[0].maskedFill(x[1], 2.0));
        add("maskedFill", "broadcast_mask_permuted", in(() -> permuted(ANY, 2, 3, 4), () -> mask(3, 1)),
                x -> x[0].maskedFill(x[1], -1.0));

        // ---- reductions
        shaped("sum", "all", ANY, Tensor::sum);
        shaped("sum", "dim", ANY, x -> x.sum(1, false));
        shaped("sum", "dims_keep", ANY, x -> x.sum(new int[] {0, 2}, true));
        add("sum", "expanded", in(() -> leaf(ANY, 3, 1)), x -> x[0].expand(2, 3, 4).sum(new int[] {2}, false));
        shaped("mean", "all", ANY, Tensor::mean);
        shaped("mean", "dim_keep", ANY, x -> x.mean(-1, true));
        shaped("mean", "dims", ANY, x -> x.mean(new int[] {0, 1}, false));
        shaped("var", "unbiased", ANY, x -> x.var(true));
        shaped("var", "dims_biased_keep", ANY, x -> x.var(new int[] {1, 2}, false, true));
        shaped("std", "unbiased", ANY, x -> x.std(true));
        shaped("std", "dim", ANY, x -> x.std(new int[] {0}, true, false));
        add("prod", "all", in(() -> leaf(r -> 0.5 + r.nextDouble(), 2, 3)), x -> x[0].prod());
        shaped("prod", "dim", ANY, x -> x.prod(1, false));
        // zeros: the gradient of a product is the product of the others, which the x-division trick gets wrong
        add("prod", "one_zero", in(() -> exact(new double[] {1.5, 0.0, 2.0, -1.0, 0.5, 3.0}, 2, 3)), x -> x[0].prod(1, true));
        add("prod", "two_zeros", in(() -> exact(new double[] {0.0, 0.0, 2.0, -1.0, 0.5, 3.0}, 2, 3)), x -> x[0].prod());
        shaped("max", "all", ANY, Tensor::max);
        shaped("max", "dim", ANY, x -> x.max(1, false).values());
        shaped("min", "all", ANY, Tensor::min);
        shaped("min", "dim_keep", ANY, x -> x.min(-1, true).values());
        shaped("amax", "dims", ANY, x -> x.amax(new int[] {0, 2}, false));
        shaped("amin", "dims_keep", ANY, x -> x.amin(new int[] {1}, true));
        shaped("logsumexp", "dim", ANY, x -> x.logsumexp(1, false));
        shaped("logsumexp", "dims_keep", ANY, x -> x.logsumexp(new int[] {0, 2}, true));
        shaped("norm", "fro", ANY, Tensor::norm);
        shaped("norm", "p1", ANY, x -> x.norm(1));
        shaped("norm", "p3_dim", ANY, x -> x.norm(3, new int[] {1}, false));
        shaped("norm", "inf_dims", ANY, x -> x.norm(Double.POSITIVE_INFINITY, new int[] {0, 2}, true));
        shaped("norm", "p2_dim", ANY, x -> x.norm(2, new int[] {2}, false));
        shaped("cumsum", "dim1", ANY, x -> x.cumsum(1));
        shaped("cumsum", "last", ANY, x -> x.cumsum(-1));
        shaped("sort", "dim1", ANY, x -> x.sort(1, false).values());
        shaped("sort", "last_desc", ANY, x -> x.sort(-1, true).values());
        shaped("topk", "dim1", ANY, x -> x.topk(2, 1, true, true).values());
        shaped("topk", "last_smallest", ANY, x -> x.topk(1, -1, false, true).values());
        shaped("softmax", "last", ANY, x -> x.softmax(-1));
        shaped("softmax", "first", ANY, x -> x.softmax(0));
        shaped("logSoftmax", "last", ANY, x -> x.logSoftmax(-1));
        shaped("logSoftmax", "middle", ANY, x -> x.logSoftmax(1));

        // ---- linear algebra
        add("linear", "bias", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 2, 4), () -> leaf(ANY, 2)),
                x -> Tensor.linear(x[0], x[1], x[2]));
        add("linear", "batched_permuted_no_bias", in(() -> leaf(ANY, 2, 3, 4), () -> permuted(ANY, 2, 4)),
                x -> Tensor.linear(x[0], x[1], null));
        add("linear", "vector", in(() -> leaf(ANY, 4), () -> leaf(ANY, 3, 4), () -> leaf(ANY, 3)),
                x -> Tensor.linear(x[0], x[1], x[2]));
        add("matmul", "mm", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "dot", in(() -> leaf(ANY, 4), () -> leaf(ANY, 4)), x -> x[0].matmul(x[1]));
        add("matmul", "mv", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 4)), x -> x[0].matmul(x[1]));
        add("matmul", "vm", in(() -> leaf(ANY, 4), () -> leaf(ANY, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "batched", in(() -> leaf(ANY, 2, 3, 4), () -> leaf(ANY, 2, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "batch_broadcast", in(() -> leaf(ANY, 2, 1, 3, 4), () -> leaf(ANY, 3, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "batch_times_matrix", in(() -> leaf(ANY, 2, 3, 4), () -> leaf(ANY, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "permuted_sliced", in(() -> permuted(ANY, 3, 4), () -> sliced(ANY, 4, 2)), x -> x[0].matmul(x[1]));
        add("matmul", "expanded", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 1, 4, 2)),
                x -> x[0].matmul(x[1].expand(2, 4, 2)));
        add("mm", "contiguous", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 4, 2)), x -> x[0].mm(x[1]));
        add("mm", "permuted", in(() -> permuted(ANY, 3, 4), () -> permuted(ANY, 4, 2)), x -> x[0].mm(x[1]));
        add("bmm", "contiguous", in(() -> leaf(ANY, 2, 3, 4), () -> leaf(ANY, 2, 4, 2)), x -> x[0].bmm(x[1]));
        add("bmm", "permuted_sliced", in(() -> permuted(ANY, 2, 3, 4), () -> sliced(ANY, 2, 4, 2)), x -> x[0].bmm(x[1]));
        add("mv", "contiguous", in(() -> leaf(ANY, 3, 4), () -> leaf(ANY, 4)), x -> x[0].mv(x[1]));
        add("mv", "permuted_sliced", in(() -> permuted(ANY, 3, 4), () -> sliced(ANY, 4)), x -> x[0].mv(x[1]));
        add("outer", "contiguous", in(() -> leaf(ANY, 3), () -> leaf(ANY, 4)), x -> x[0].outer(x[1]));
        add("outer", "sliced", in(() -> sliced(ANY, 3), () -> sliced(ANY, 2)), x -> x[0].outer(x[1]));
        add("dot", "contiguous", in(() -> leaf(ANY, 5), () -> leaf(ANY, 5)), x -> x[0].dot(x[1]));
        add("dot", "sliced", in(() -> sliced(ANY, 5), () -> leaf(ANY, 5)), x -> x[0].dot(x[1]));

        // ---- views and layout
        shaped("view", "merge", ANY, x -> x.contiguous().view(6, 4));
        shaped("reshape", "split", ANY, x -> x.reshape(4, -1));
        shaped("permute", "cycle", ANY, x -> x.permute(2, 0, 1));
        shaped("transpose", "outer", ANY, x -> x.transpose(0, 2));
        add("t", "matrix", in(() -> leaf(ANY, 3, 4)), x -> x[0].t());
        add("t", "permuted", in(() -> permuted(ANY, 3, 4)), x -> x[0].t());
        shaped("mT", "batch", ANY, Tensor::mT);
        add("squeeze", "all", in(() -> leaf(ANY, 1, 3, 1, 2)), x -> x[0].squeeze());
        add("squeeze", "dim_sliced", in(() -> sliced(ANY, 3, 1, 2)), x -> x[0].squeeze(1));
        shaped("unsqueeze", "middle", ANY, x -> x.unsqueeze(1));
        add("expand", "new_and_singleton", in(() -> leaf(ANY, 3, 1)), x -> x[0].expand(2, 3, 4));
        add("expand", "sliced", in(() -> sliced(ANY, 3, 1)), x -> x[0].expand(-1, 5));
        add("expandAs", "contiguous", in(() -> leaf(ANY, 1, 4), () -> constant(ANY, 3, 4)), x -> x[0].expandAs(x[1]));
        shaped("flatten", "all", ANY, Tensor::flatten);
        shaped("flatten", "range", ANY, x -> x.flatten(1, 2));
        shaped("flatten", "start", ANY, x -> x.flatten(1));
        shaped("narrow", "middle", ANY, x -> x.narrow(2, 1, 2));
        shaped("slice", "step2", ANY, x -> x.slice(2, 0, 4, 2));
        shaped("slice", "clamped", ANY, x -> x.slice(1, -2, 100, 1));
        shaped("select", "negative", ANY, x -> x.select(1, -1));
        shaped("unfold", "overlapping", ANY, x -> x.unfold(2, 2, 1));
        shaped("unfold", "strided", ANY, x -> x.unfold(1, 2, 2));
        shaped("contiguous", "copy", ANY, Tensor::contiguous);
        shaped("clone", "copy", ANY, Tensor::clone);

        // ---- indexing
        add("gather", "repeats", in(() -> leaf(ANY, 3, 4), () -> longs(new long[] {0, 0, 3, 1, 2, 2, 3, 3, 1}, 3, 3)),
                x -> x[0].gather(1, x[1]));
        add("gather", "permuted", in(() -> permuted(ANY, 3, 4), () -> longs(new long[] {2, 0, 1, 1, 0, 2, 2, 1}, 2, 4)),
                x -> x[0].gather(0, x[1]));
        add("scatter", "src_and_self", in(() -> leaf(ANY, 3, 4), () -> longs(new long[] {3, 0, 1, 2, 0, 3}, 3, 2),
                () -> leaf(ANY, 3, 2)), x -> x[0].scatter(1, x[1], x[2]));
        add("scatter", "larger_src_sliced", in(() -> sliced(ANY, 4, 3), () -> longs(new long[] {1, 3, 0, 2, 0, 3}, 2, 3),
                () -> leaf(ANY, 3, 3)), x -> x[0].scatter(0, x[1], x[2]));
        add("scatter", "value", in(() -> leaf(ANY, 3, 4), () -> longs(new long[] {3, 0, 1, 2, 0, 3}, 3, 2)),
                x -> x[0].scatter(1, x[1], 2.5));
        add("scatterAdd", "repeats", in(() -> leaf(ANY, 3, 4), () -> longs(new long[] {0, 0, 3, 1, 1, 1, 2, 3, 2}, 3, 3),
                () -> leaf(ANY, 3, 3)), x -> x[0].scatterAdd(1, x[1], x[2]));
        add("scatterAdd", "permuted_src", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {3, 3, 0, 1, 3, 2}, 2, 3),
                () -> permuted(ANY, 2, 3)), x -> x[0].scatterAdd(0, x[1], x[2]));
        add("indexSelect", "repeats", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {3, 0, 3, 1}, 4)),
                x -> x[0].indexSelect(0, x[1]));
        add("indexSelect", "permuted_last", in(() -> permuted(ANY, 2, 4, 3), () -> longs(new long[] {2, 2, 0}, 3)),
                x -> x[0].indexSelect(-1, x[1]));

        // ---- casts between floats: float32 rounding of the perturbed input is ~1e-7 relative, so the
        // central difference needs eps 1e-3 (error ~1e-4) to see the slope rather than the rounding
        add("to", "float32_and_back", in(() -> leaf(ANY, 3, 4)), x -> x[0].to(DType.FLOAT32), 1e-3, 1e-3, 1e-3);
        add("to", "permuted", in(() -> permuted(ANY, 3, 4)), x -> x[0].to(DType.FLOAT32).mul(x[0].to(DType.FLOAT32)),
                1e-3, 1e-3, 1e-3);
        add("toFloat", "contiguous", in(() -> leaf(ANY, 3, 4)), x -> x[0].toFloat(), 1e-3, 1e-3, 1e-3);
        add("toDouble", "from_float32", in(() -> leaf(ANY, 3, 4)), x -> x[0].toFloat().toDouble().square(),
                1e-3, 1e-3, 1e-3);

        // ---- convolution: input, weight and bias; strides, padding, dilation, groups, non-contiguous operands
        add("conv1d", "stride_pad_dilation", in(() -> leaf(ANY, 2, 3, 9), () -> leaf(ANY, 4, 3, 3), () -> leaf(ANY, 4)),
                x -> x[0].conv1d(x[1], x[2], new int[] {2}, new int[] {1}, new int[] {2}, 1));
        add("conv1d", "same_even_kernel_permuted", in(() -> permuted(ANY, 2, 2, 7), () -> leaf(ANY, 3, 2, 4)),
                x -> x[0].conv1d(x[1], null, new int[] {1}, "same", new int[] {1}, 1));
        add("conv2d", "basic", in(() -> leaf(ANY, 2, 3, 5, 4), () -> leaf(ANY, 4, 3, 3, 2), () -> leaf(ANY, 4)),
                x -> x[0].conv2d(x[1], x[2], new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
        add("conv2d", "stride_pad_groups_sliced", in(() -> sliced(ANY, 1, 4, 5, 5), () -> permuted(ANY, 4, 2, 3, 3),
                () -> leaf(ANY, 4)), x -> x[0].conv2d(x[1], x[2], new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 1}, 2));
        add("conv2d", "dilation_same", in(() -> leaf(ANY, 1, 2, 5, 6), () -> leaf(ANY, 2, 2, 3, 2)),
                x -> x[0].conv2d(x[1], null, new int[] {1, 1}, "same", new int[] {2, 1}, 1));
        add("conv2d", "expanded_bias", in(() -> leaf(ANY, 1, 2, 4, 4), () -> leaf(ANY, 3, 2, 2, 2), () -> leaf(ANY, 1)),
                x -> x[0].conv2d(x[1], x[2].expand(3), new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
        add("conv3d", "stride_pad", in(() -> leaf(ANY, 1, 2, 4, 4, 3), () -> leaf(ANY, 3, 2, 2, 3, 2), () -> leaf(ANY, 3)),
                x -> x[0].conv3d(x[1], x[2], new int[] {2, 1, 1}, new int[] {1, 1, 0}, new int[] {1, 1, 1}, 1));
        add("conv3d", "groups_dilation_permuted", in(() -> permuted(ANY, 1, 4, 4, 4, 3), () -> leaf(ANY, 2, 2, 2, 2, 2)),
                x -> x[0].conv3d(x[1], null, new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {2, 2, 1}, 2));
        add("convTranspose1d", "stride_pad_outpad", in(() -> leaf(ANY, 2, 2, 4), () -> leaf(ANY, 2, 3, 3), () -> leaf(ANY, 3)),
                x -> x[0].convTranspose1d(x[1], x[2], new int[] {2}, new int[] {1}, new int[] {1}, 1, new int[] {1}));
        add("convTranspose1d", "groups_dilation_sliced", in(() -> sliced(ANY, 1, 4, 5), () -> leaf(ANY, 4, 1, 2)),
                x -> x[0].convTranspose1d(x[1], null, new int[] {1}, new int[] {0}, new int[] {0}, 2, new int[] {2}));
        add("convTranspose2d", "stride_pad_outpad", in(() -> leaf(ANY, 1, 2, 3, 3), () -> leaf(ANY, 2, 3, 3, 2),
                () -> leaf(ANY, 3)), x -> x[0].convTranspose2d(x[1], x[2], new int[] {2, 2}, new int[] {1, 0},
                new int[] {1, 1}, 1, new int[] {1, 1}));
        add("convTranspose2d", "groups_permuted", in(() -> permuted(ANY, 2, 4, 3, 2), () -> permuted(ANY, 4, 1, 2, 2),
                () -> leaf(ANY, 2)), x -> x[0].convTranspose2d(x[1], x[2], new int[] {1, 2}, new int[] {0, 1},
                new int[] {0, 1}, 2, new int[] {1, 1}));
        add("convTranspose3d", "stride", in(() -> leaf(ANY, 1, 2, 2, 3, 2), () -> leaf(ANY, 2, 2, 2, 2, 2), () -> leaf(ANY, 2)),
                x -> x[0].convTranspose3d(x[1], x[2], new int[] {2, 1, 2}, new int[] {0, 1, 0}, new int[] {1, 0, 0}, 1,
                        new int[] {1, 1, 1}));

        // ---- pooling
        add("maxPool1d", "k3s2p1", in(() -> leaf(ANY, 2, 2, 9)), x -> x[0].maxPool1d(3, 2, 1, 1, false));
        add("maxPool1d", "dilated_ceil_permuted", in(() -> permuted(ANY, 2, 2, 9)), x -> x[0].maxPool1d(2, 2, 0, 2, true));
        add("maxPool2d", "k2s2", in(() -> leaf(ANY, 1, 2, 6, 5)),
                x -> x[0].maxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false));
        add("maxPool2d", "overlapping_padded_sliced", in(() -> sliced(ANY, 1, 2, 5, 5)),
                x -> x[0].maxPool2d(new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 1}, new int[] {1, 1}, true));
        add("maxPool3d", "k2", in(() -> leaf(ANY, 1, 2, 4, 4, 3)),
                x -> x[0].maxPool3d(new int[] {2, 2, 2}, new int[] {2, 2, 1}, new int[] {0, 0, 0}, new int[] {1, 1, 1}, false));
        add("maxPool1dWithIndices", "values", in(() -> leaf(ANY, 2, 2, 7)),
                x -> x[0].maxPool1dWithIndices(3, 2, 1, 1, false).values());
        add("maxPool2dWithIndices", "values_permuted", in(() -> permuted(ANY, 1, 2, 4, 6)),
                x -> x[0].maxPool2dWithIndices(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false)
                        .values());
        add("maxPool3dWithIndices", "values", in(() -> leaf(ANY, 1, 1, 4, 4, 3)),
                x -> x[0].maxPool3dWithIndices(new int[] {2, 2, 2}, new int[] {1, 2, 1}, new int[] {1, 0, 0},
                        new int[] {1, 1, 1}, false).values());
        add("avgPool1d", "k3s2p1_exclude_pad", in(() -> leaf(ANY, 2, 2, 9)), x -> x[0].avgPool1d(3, 2, 1, true, false));
        add("avgPool2d", "k2s2", in(() -> leaf(ANY, 1, 2, 6, 5)),
                x -> x[0].avgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false, true, 0));
        add("avgPool2d", "k3s1p1_permuted", in(() -> permuted(ANY, 1, 2, 5, 4)),
                x -> x[0].avgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false, true, 0));
        add("avgPool2d", "divisor_override_sliced", in(() -> sliced(ANY, 1, 2, 4, 4)),
                x -> x[0].avgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false, true, 3));
        add("avgPool3d", "k2_ceil", in(() -> leaf(ANY, 1, 2, 3, 4, 3)),
                x -> x[0].avgPool3d(new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {0, 1, 0}, true, false, 0));
        add("adaptiveAvgPool1d", "uneven", in(() -> leaf(ANY, 2, 2, 7)), x -> x[0].adaptiveAvgPool1d(3));
        add("adaptiveAvgPool2d", "uneven_permuted", in(() -> permuted(ANY, 1, 2, 5, 7)), x -> x[0].adaptiveAvgPool2d(2, 3));
        add("adaptiveAvgPool3d", "uneven", in(() -> leaf(ANY, 1, 1, 4, 5, 3)), x -> x[0].adaptiveAvgPool3d(2, 3, 2));
        add("adaptiveMaxPool1d", "uneven", in(() -> leaf(ANY, 2, 2, 7)), x -> x[0].adaptiveMaxPool1d(3));
        add("adaptiveMaxPool2d", "uneven_sliced", in(() -> sliced(ANY, 1, 2, 5, 7)), x -> x[0].adaptiveMaxPool2d(2, 3));
        add("adaptiveMaxPool3d", "uneven", in(() -> leaf(ANY, 1, 1, 4, 5, 3)), x -> x[0].adaptiveMaxPool3d(2, 2, 2));
        add("adaptiveMaxPool1dWithIndices", "values", in(() -> leaf(ANY, 2, 2, 7)),
                x -> x[0].adaptiveMaxPool1dWithIndices(3).values());
        add("adaptiveMaxPool2dWithIndices", "values", in(() -> leaf(ANY, 1, 2, 5, 7)),
                x -> x[0].adaptiveMaxPool2dWithIndices(2, 3).values());
        add("adaptiveMaxPool3dWithIndices", "values", in(() -> leaf(ANY, 1, 1, 4, 5, 3)),
                x -> x[0].adaptiveMaxPool3dWithIndices(2, 2, 2).values());

        // ---- normalization: input, weight and bias are all checked; running statistics are constants
        add("batchNorm", "training_2d", in(() -> leaf(ANY, 3, 2, 3, 2), () -> leaf(ANY, 2), () -> leaf(ANY, 2)),
                x -> x[0].batchNorm(constant(ANY, 2), constant(POS, 2), x[1], x[2], true, 0.1, 1e-5));
        add("batchNorm", "training_1d_permuted", in(() -> permuted(ANY, 4, 3, 5), () -> leaf(ANY, 3), () -> leaf(ANY, 3)),
                x -> x[0].batchNorm(constant(ANY, 3), constant(POS, 3), x[1], x[2], true, 0.1, 1e-5));
        add("batchNorm", "eval", in(() -> leaf(ANY, 3, 2, 4), () -> leaf(ANY, 2), () -> leaf(ANY, 2)),
                x -> x[0].batchNorm(Tensor.of(new double[] {0.3, -0.2}, 2), Tensor.of(new double[] {1.5, 0.7}, 2),
                        x[1], x[2], false, 0.1, 1e-5));
        add("layerNorm", "last", in(() -> leaf(ANY, 2, 3, 4), () -> leaf(ANY, 4), () -> leaf(ANY, 4)),
                x -> x[0].layerNorm(new int[] {4}, x[1], x[2], 1e-5));
        add("layerNorm", "last2_sliced", in(() -> sliced(ANY, 2, 3, 4), () -> leaf(ANY, 3, 4), () -> leaf(ANY, 3, 4)),
                x -> x[0].layerNorm(new int[] {3, 4}, x[1], x[2], 1e-5));
        add("layerNorm", "no_affine_permuted", in(() -> permuted(ANY, 2, 3, 4)), x -> x[0].layerNorm(4));
        add("groupNorm", "g2", in(() -> leaf(ANY, 2, 4, 3, 2), () -> leaf(ANY, 4), () -> leaf(ANY, 4)),
                x -> x[0].groupNorm(2, x[1], x[2], 1e-5));
        add("groupNorm", "g3_no_affine_permuted", in(() -> permuted(ANY, 2, 6, 5)), x -> x[0].groupNorm(3));
        add("instanceNorm", "2d", in(() -> leaf(ANY, 2, 3, 3, 3), () -> leaf(ANY, 3), () -> leaf(ANY, 3)),
                x -> x[0].instanceNorm(x[1], x[2], 1e-5));
        add("instanceNorm", "1d_no_affine_sliced", in(() -> sliced(ANY, 2, 2, 6)), x -> x[0].instanceNorm());
        add("instanceNorm", "running_stats", in(() -> leaf(ANY, 2, 3, 5), () -> leaf(ANY, 3), () -> leaf(ANY, 3)),
                x -> x[0].instanceNorm(Tensor.of(new double[] {0.1, 0.2, -0.3}, 3), Tensor.of(new double[] {1.2, 0.8, 2.0}, 3),
                        x[1], x[2], false, 0.1, 1e-5));

        // ---- dropout: reseeding inside the function fixes the mask, so finite differences see one function
        add("dropout", "training_fixed_mask", in(() -> leaf(ANY, 3, 4)), x -> {
            Tensor.manualSeed(3);
            return x[0].dropout(0.4, true);
        });
        add("dropout", "eval_identity", in(() -> permuted(ANY, 3, 4)), x -> x[0].dropout(0.4, false));
        add("dropout1d", "training_fixed_mask", in(() -> leaf(ANY, 2, 3, 4)), x -> {
            Tensor.manualSeed(4);
            return x[0].dropout1d(0.5, true);
        });
        add("dropout2d", "training_fixed_mask", in(() -> leaf(ANY, 2, 3, 2, 2)), x -> {
            Tensor.manualSeed(5);
            return x[0].dropout2d(0.5, true);
        });
        add("dropout3d", "training_fixed_mask", in(() -> leaf(ANY, 1, 3, 2, 2, 2)), x -> {
            Tensor.manualSeed(6);
            return x[0].dropout3d(0.5, true);
        });

        // ---- embedding (gradient to the weight, repeats accumulate) and interpolation
        add("embedding", "repeats", in(() -> longs(new long[] {0, 2, 0, 4, 2, 1}, 2, 3), () -> leaf(ANY, 5, 3)),
                x -> Tensor.embedding(x[0], x[1]));
        // the padding row gets no gradient by definition (its forward values still flow), so finite
        // differences only apply when no index hits it; the parity fixtures check the padding row
        add("embedding", "padding_idx_permuted", in(() -> longs(new long[] {1, 2, 1, 0}, 4), () -> permuted(ANY, 4, 3)),
                x -> Tensor.embedding(x[0], x[1], 3));
        add("interpolate", "nearest_2d", in(() -> leaf(ANY, 1, 2, 3, 4)), x -> x[0].interpolate(new int[] {5, 7}, "nearest"));
        add("interpolate", "linear_1d", in(() -> leaf(ANY, 2, 2, 5)), x -> x[0].interpolate(new int[] {8}, "linear", false));
        add("interpolate", "bilinear_align_corners_permuted", in(() -> permuted(ANY, 1, 2, 3, 4)),
                x -> x[0].interpolate(new int[] {5, 6}, "bilinear", true));
        add("interpolate", "bilinear_downsample", in(() -> leaf(ANY, 1, 1, 6, 6)),
                x -> x[0].interpolate(new int[] {4, 3}, "bilinear", false));
        add("interpolate", "trilinear_sliced", in(() -> sliced(ANY, 1, 1, 3, 3, 2)),
                x -> x[0].interpolate(new int[] {4, 5, 3}, "trilinear", false));
        add("interpolate", "scale_factor", in(() -> leaf(ANY, 1, 2, 3, 3)), x -> x[0].interpolate(2.0, "bilinear"));
        add("interpolate", "bicubic_up", in(() -> leaf(ANY, 2, 1, 4, 3)),
                x -> x[0].interpolate(new int[] {7, 5}, "bicubic", false));
        add("interpolate", "bicubic_up_align_corners_permuted", in(() -> permuted(ANY, 1, 2, 4, 3)),
                x -> x[0].interpolate(new int[] {6, 7}, "bicubic", true));
        // downsampling by more than 2 skips inputs; edge taps clamp and repeat rows and columns
        add("interpolate", "bicubic_down_sliced", in(() -> sliced(ANY, 1, 2, 7, 6)),
                x -> x[0].interpolate(new int[] {3, 2}, "bicubic", false));
        add("interpolate", "bicubic_down_align_corners", in(() -> leaf(ANY, 1, 1, 6, 5)),
                x -> x[0].interpolate(new int[] {4, 2}, "bicubic", true));
        add("interpolate", "bicubic_scale_factor_permuted", in(() -> permuted(ANY, 1, 1, 3, 4)),
                x -> x[0].interpolate(new double[] {1.7, 0.6}, "bicubic", false));
        add("interpolate", "bicubic_one_row", in(() -> leaf(ANY, 1, 1, 1, 3)),
                x -> x[0].interpolate(new int[] {2, 5}, "bicubic", true));

        // ---- joining and rearranging
        add("cat", "dim0", in(() -> leaf(ANY, 2, 3), () -> leaf(ANY, 1, 3), () -> permuted(ANY, 3, 3)),
                x -> Tensor.cat(0, x[0], x[1], x[2]));
        add("cat", "last_sliced", in(() -> sliced(ANY, 2, 3), () -> leaf(ANY, 2, 1)), x -> Tensor.cat(-1, x[0], x[1]));
        add("stack", "new_middle", in(() -> leaf(ANY, 2, 3), () -> permuted(ANY, 2, 3)), x -> Tensor.stack(1, x[0], x[1]));
        add("split", "uneven_piece", in(() -> leaf(ANY, 5, 3)), x -> x[0].split(2, 0).get(2));
        add("split", "sizes_two_pieces_permuted", in(() -> permuted(ANY, 3, 6)), x -> {
            java.util.List<Tensor> p = x[0].split(new int[] {1, 3, 2}, 1);
            return p.get(0).square().sum().add(p.get(2).exp().sum());
        });
        add("chunk", "pieces", in(() -> leaf(ANY, 7, 2)), x -> {
            java.util.List<Tensor> p = x[0].chunk(3, 0);
            return p.get(0).sum(0, false).mul(p.get(2).sum(0, false));
        });
        add("unbind", "rows_sliced", in(() -> sliced(ANY, 3, 4)), x -> {
            java.util.List<Tensor> r = x[0].unbind(0);
            return r.get(0).mul(r.get(2)).add(r.get(1));
        });
        add("pad", "constant", in(() -> leaf(ANY, 1, 2, 3, 4)), x -> x[0].pad(new int[] {1, 0, 2, 1}, "constant", 0.5));
        add("pad", "reflect_permuted", in(() -> permuted(ANY, 1, 2, 3, 4)), x -> x[0].pad(new int[] {2, 1, 1, 2}, "reflect"));
        add("pad", "replicate_3d", in(() -> leaf(ANY, 1, 1, 2, 3, 3)),
                x -> x[0].pad(new int[] {1, 1, 0, 1, 1, 0}, "replicate"));
        add("pad", "circular", in(() -> leaf(ANY, 1, 2, 4)), x -> x[0].pad(new int[] {2, 1}, "circular"));
        shaped("flip", "two_dims", ANY, x -> x.flip(0, 2));
        shaped("roll", "two_dims", ANY, x -> x.roll(new int[] {1, -2}, new int[] {1, 2}));
        add("roll", "flat", in(() -> leaf(ANY, 3, 4)), x -> x[0].roll(5));
        add("repeat", "new_dim", in(() -> leaf(ANY, 2, 3)), x -> x[0].repeat(2, 1, 3));
        add("repeat", "sliced", in(() -> sliced(ANY, 2, 3)), x -> x[0].repeat(1, 2));
        add("tile", "fewer_reps", in(() -> permuted(ANY, 2, 3)), x -> x[0].tile(2));

        // ---- indexing extras
        add("index", "rows_repeat", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {3, 0, 3, -1}, 2, 2)),
                x -> x[0].index(x[1]));
        add("index", "bool_mask_permuted", in(() -> permuted(ANY, 4, 3), () -> bools(true, false, true, true)),
                x -> x[0].index(x[1]));
        add("index", "multi_broadcast_permuted", in(() -> permuted(ANY, 3, 4, 2), () -> longs(new long[] {2, -1, 0}, 3, 1),
                () -> longs(new long[] {0, 3, -4, 3}, 4)), x -> x[0].index(x[1], x[2]));
        add("indexPut", "self_and_values", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {2, 0}, 2), () -> leaf(ANY, 2, 3)),
                x -> x[0].indexPut(x[1], x[2], false));
        add("indexPut", "accumulate_broadcast", in(() -> permuted(ANY, 4, 3), () -> longs(new long[] {2, 0, 2}, 3),
                () -> leaf(ANY, 3)), x -> x[0].indexPut(x[1], x[2], true));
        add("indexPut", "scalar", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {3, 1}, 2)), x -> x[0].indexPut(x[1], -2.5));
        add("indexPut", "multi_repeats_accumulate", in(() -> permuted(ANY, 3, 4, 2), () -> longs(new long[] {2, 0, 2}, 3, 1),
                () -> longs(new long[] {1, 1, -1}, 3), () -> leaf(ANY, 3, 3, 2)),
                x -> x[0].indexPut(new Tensor[] {x[1], x[2]}, x[3], true));
        add("indexPut", "multi_values_broadcast", in(() -> leaf(ANY, 4, 3), () -> longs(new long[] {0, 3}, 2),
                () -> longs(new long[] {2, 0}, 2), () -> leaf(ANY, 1)),
                x -> x[0].indexPut(new Tensor[] {x[1], x[2]}, x[3], false));
        add("maskedSelect", "broadcast_mask", in(() -> leaf(ANY, 3, 4), () -> bools(true, false, false, true)),
                x -> x[0].maskedSelect(x[1]));
        add("maskedSelect", "sliced", in(() -> sliced(ANY, 2, 3), () -> bools(false, true, true, true, false, true)),
                x -> x[0].maskedSelect(x[1].reshape(2, 3)));
        add("maskedScatter", "self_and_source", in(() -> leaf(ANY, 3, 4), () -> bools(true, false, true, true),
                () -> leaf(ANY, 3, 5)), x -> x[0].maskedScatter(x[1], x[2]));
    }
}
