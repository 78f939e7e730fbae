package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.ReduceOp;
import org.vesalius.backend.UnaryOp;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The oneDNN routes of {@link CpuDnnl} against the Java kernels they stand in for: the same inputs
 * (numbers, NaN, infinities, signed zeros, huge and tiny values) through both paths, above the size
 * thresholds (checking that oneDNN really ran) and just below them (checking that it did not), on
 * contiguous, permuted, broadcast and in-place operands; and the primitive cache staying bounded
 * when shapes keep changing.
 */
class CpuDnnlTest {
    /** Above every threshold, and not a multiple of a vector length. */
    static final int N = 3 * CpuDnnl.MIN_ELEMENTS + 123;
    /** float32 rounding plus oneDNN's polynomial approximations (a few ulp), as the parity fixtures allow. */
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;

    @BeforeAll
    static void needsDnnl() {
        assumeTrue(Dnnl.isAvailable(), "oneDNN does not load on this platform");
    }

    @AfterEach
    void restore() {
        CpuDnnl.setEnabled(true);
    }

    /** Mostly N(0, 3^2), with ~2% special values: NaN, +-inf, +-0, +-1e30, +-1e-30, +-1, 88, -104, +-20. */
    static float[] data(int n, long seed) {
        return data(n, seed, true);
    }

    /** {@link #data} without NaN and infinities when {@code nonFinite} is false. */
    static float[] data(int n, long seed, boolean nonFinite) {
        Random r = new Random(seed);
        float[] specials = nonFinite ? new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            1e30f, -1e30f, 1e-30f, -1e-30f, 1f, -1f, 88f, -104f, 20f, -20f}
            : new float[] {0f, -0f, 1e30f, -1e30f, 1e-30f, -1e-30f, 1f, -1f, 88f, -104f, 20f, -20f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(50) == 0 ? specials[r.nextInt(specials.length)] : (float) (3 * r.nextGaussian());
        }
        return x;
    }

    /** Positive values, for ops like log and sqrt whose NaN for negative input is checked elsewhere. */
    static float[] positive(int n, long seed) {
        float[] x = data(n, seed);
        for (int i = 0; i < n; i++) {
            x[i] = Math.abs(x[i]);
        }
        return x;
    }

    /**
     * Runs {@code op} (which computes into a fresh output and returns it) through oneDNN and through
     * Java and compares. {@code viaDnnl} says whether the first run must have been routed to oneDNN
     * (true), must not have been (false), or may go either way (null: operands that are not numbers,
     * which some routes check for and hand to Java).
     */
    static void compare(String what, Boolean viaDnnl, Supplier<Tensor> op) {
        compare(what, viaDnnl, op, RTOL, null);
    }

    /** An absolute tolerance per element (a gradient's scales with the incoming gradient). */
    interface Atol {
        double at(int i);
    }

    static void compare(String what, Boolean viaDnnl, Supplier<Tensor> op, double rtol, Atol atol) {
        float[] dnnl;
        float[] java;
        try (Scope s = Scope.open()) {
            CpuDnnl.setEnabled(true);
            long before = CpuDnnl.calls();
            dnnl = op.get().toFloatArray();
            long routed = CpuDnnl.calls() - before;
            if (Boolean.TRUE.equals(viaDnnl)) {
                assertTrue(routed > 0, what + ": expected the oneDNN path, but the Java kernel ran");
            } else if (Boolean.FALSE.equals(viaDnnl)) {
                assertEquals(0, routed, what + ": expected the Java kernel, but oneDNN ran");
            }
            CpuDnnl.setEnabled(false);
            java = op.get().toFloatArray();
        } finally {
            CpuDnnl.setEnabled(true);
        }
        assertClose(what, java, dnnl, rtol, atol);
    }

    static void assertClose(String what, float[] expected, float[] actual, double rtol, Atol atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        int bad = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            boolean ok;
            if (Float.isNaN(e) || Float.isNaN(a) || Float.isInfinite(e) || Float.isInfinite(a)) {
                ok = Float.compare(e, a) == 0;
            } else {
                ok = Math.abs(a - e) <= (atol == null ? ATOL : atol.at(i)) + rtol * Math.abs(e);
            }
            if (!ok) {
                if (bad++ < 8) {
                    sb.append(String.format("%n  [%d] java %s, oneDNN %s", i, e, a));
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements differ" + sb);
        }
    }

    static Tensor empty(int... shape) {
        return Tensor.empty(DType.FLOAT32, shape);
    }

    // ================================================================== unary

    /** An op with its parameters, for the tables below. */
    static final class U {
        final UnaryOp op;
        final double p1;
        final double p2;
        final boolean positiveInput;

        U(UnaryOp op, double p1, double p2, boolean positiveInput) {
            this.op = op;
            this.p1 = p1;
            this.p2 = p2;
            this.positiveInput = positiveInput;
        }

        @Override
        public String toString() {
            return op + "(" + p1 + ", " + p2 + ")" + (positiveInput ? " on positive input" : "");
        }
    }

    static List<U> routedUnary() {
        List<U> u = new ArrayList<>();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.ABS, UnaryOp.NEG, UnaryOp.SQUARE, UnaryOp.SQRT, UnaryOp.TANH,
            UnaryOp.SIGMOID, UnaryOp.GELU, UnaryOp.GELU_TANH, UnaryOp.SILU, UnaryOp.EXP, UnaryOp.RELU}) {
            u.add(new U(op, 0, 0, false));
        }
        u.add(new U(UnaryOp.SQRT, 0, 0, true));
        u.add(new U(UnaryOp.ELU, 1, 0, false));
        u.add(new U(UnaryOp.ELU, 0.5, 0, false));
        u.add(new U(UnaryOp.LEAKY_RELU, 0.01, 0, false));
        u.add(new U(UnaryOp.LEAKY_RELU, -0.2, 0, false));
        u.add(new U(UnaryOp.AFFINE, 2.5, -1, false));
        u.add(new U(UnaryOp.AFFINE, 1, 0.5, false));
        u.add(new U(UnaryOp.AFFINE, 0.1, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, 3, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, -2, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, 2.5, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, -1.5, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, 0, 0, false));
        u.add(new U(UnaryOp.POW_SCALAR, 1.7, 0, true));
        u.add(new U(UnaryOp.CLAMP, -1, 1, false));
        u.add(new U(UnaryOp.CLAMP, Double.NaN, 0.5, false));
        u.add(new U(UnaryOp.CLAMP, -0.5, Double.NaN, false));
        u.add(new U(UnaryOp.CLAMP, 1, -1, false));
        return u;
    }

    /** Above the threshold: numbers go to oneDNN; with NaN and infinities too, either path must agree. */
    @TestFactory
    Stream<DynamicTest> unaryMatchesJavaAboveThreshold() {
        return routedUnary().stream().map(u -> DynamicTest.dynamicTest(u.toString(), () -> {
            float[] numbers = u.positiveInput ? positive(N, 1) : data(N, 1, false);
            compare(u + " on numbers", true, () -> {
                Tensor out = empty(N);
                CpuElementwise.unary(u.op, Tensor.of(numbers), out, u.p1, u.p2);
                return out;
            });
            float[] any = data(N, 1);
            compare(u + " with NaN and infinities", u.op == UnaryOp.GELU ? null : true, () -> {
                Tensor out = empty(N);
                CpuElementwise.unary(u.op, Tensor.of(any), out, u.p1, u.p2);
                return out;
            });
        }));
    }

    @TestFactory
    Stream<DynamicTest> unaryStaysInJavaBelowThreshold() {
        return routedUnary().stream().map(u -> DynamicTest.dynamicTest(u.toString(), () -> {
            int n = CpuDnnl.MIN_ELEMENTS_TRANSCENDENTAL - 1;
            float[] x = data(n, 2);
            compare(u.toString(), false, () -> {
                Tensor out = empty(n);
                CpuElementwise.unary(u.op, Tensor.of(x), out, u.p1, u.p2);
                return out;
            });
        }));
    }

    /**
     * The same op just above its threshold (oneDNN) and just below (Java), on the same leading
     * elements: they agree, and only the larger ran on oneDNN.
     */
    @Test
    void bothSidesOfTheThresholdAgree() {
        UnaryOp[] ops = {UnaryOp.RELU, UnaryOp.AFFINE, UnaryOp.EXP, UnaryOp.TANH, UnaryOp.GELU};
        int[] thresholds = {CpuDnnl.MIN_ELEMENTS, CpuDnnl.MIN_ELEMENTS, CpuDnnl.MIN_ELEMENTS_TRANSCENDENTAL,
            CpuDnnl.MIN_ELEMENTS_TRANSCENDENTAL, CpuDnnl.MIN_ELEMENTS_TRANSCENDENTAL};
        for (int k = 0; k < ops.length; k++) {
            UnaryOp op = ops[k];
            int t = thresholds[k];
            float[] x = data(t, 3, false);
            try (Scope s = Scope.open()) {
                Tensor big = Tensor.of(x);
                Tensor small = big.narrow(0, 0, t - 1).contiguous();
                Tensor outBig = empty(t);
                Tensor outSmall = empty(t - 1);
                long before = CpuDnnl.calls();
                CpuElementwise.unary(op, small, outSmall, 0.5, 0.25);
                assertEquals(before, CpuDnnl.calls(), op + " below the threshold ran on oneDNN");
                CpuElementwise.unary(op, big, outBig, 0.5, 0.25);
                assertEquals(before + 1, CpuDnnl.calls(), op + " at the threshold did not run on oneDNN");
                float[] a = outBig.narrow(0, 0, t - 1).toFloatArray();
                assertClose(op + " at " + t, outSmall.toFloatArray(), a, RTOL, null);
            }
        }
        // binary and reduction thresholds the same way
        float[] a = data(CpuDnnl.MIN_ELEMENTS, 4, false);
        float[] b = data(CpuDnnl.MIN_ELEMENTS, 5, false);
        float[] g = new float[CpuDnnl.MIN_ELEMENTS];
        Random r = new Random(6);
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        try (Scope s = Scope.open()) {
            int t = CpuDnnl.MIN_ELEMENTS;
            long before = CpuDnnl.calls();
            Tensor small = bin(BinaryOp.MUL, Tensor.of(a).narrow(0, 0, t - 1), Tensor.of(b).narrow(0, 0, t - 1));
            Tensor smallSum = red(ReduceOp.SUM, Tensor.of(g).narrow(0, 0, t - 1).contiguous(), 0);
            assertEquals(before, CpuDnnl.calls());
            Tensor big = bin(BinaryOp.MUL, Tensor.of(a), Tensor.of(b));
            Tensor bigSum = red(ReduceOp.SUM, Tensor.of(g), 0);
            assertEquals(before + 2, CpuDnnl.calls());
            assertClose("mul at " + t, small.toFloatArray(), big.narrow(0, 0, t - 1).toFloatArray(), 0, i -> 0);
            assertEquals(smallSum.item() + g[t - 1], bigSum.item(), 1e-4);
        }
    }

    /** Ops oneDNN computes less accurately (log, softplus) or has no kernel for. */
    @Test
    void unaryOpsOneDnnCannotMatchStayInJava() {
        float[] x = data(N, 4);
        compare("softplus", false, () -> {
            Tensor out = empty(N);
            CpuElementwise.unary(UnaryOp.SOFTPLUS, Tensor.of(x), out, 1, 20);
            return out;
        });
        compare("leaky relu with slope 0", false, () -> {
            Tensor out = empty(N);
            CpuElementwise.unary(UnaryOp.LEAKY_RELU, Tensor.of(x), out, 0, 0);
            return out;
        });
        for (UnaryOp op : new UnaryOp[] {UnaryOp.LOG, UnaryOp.SIN, UnaryOp.ERF, UnaryOp.SIGN, UnaryOp.RSQRT,
            UnaryOp.SELU}) {
            compare(op.toString(), false, () -> {
                Tensor out = empty(N);
                CpuElementwise.unary(op, Tensor.of(x), out, 0, 0);
                return out;
            });
        }
    }

    @Test
    void unaryOnPermutedAndInPlaceTensors() {
        float[] x = data(N - 123, 5); // 3 * MIN_ELEMENTS
        int cols = 128;
        int rows = x.length / cols;
        // both permuted the same way (dense, in place): oneDNN
        compare("tanh in place on a transposed tensor", true, () -> {
            Tensor t = Tensor.of(x, rows, cols).t();
            CpuElementwise.unary(UnaryOp.TANH, t, t, 0, 0);
            return t;
        });
        compare("relu in place", true, () -> {
            Tensor t = Tensor.of(x);
            CpuElementwise.unary(UnaryOp.RELU, t, t, 0, 0);
            return t;
        });
        // a transposed input into a contiguous output: Java
        compare("tanh of a transposed tensor into a contiguous one", false, () -> {
            Tensor t = Tensor.of(x, rows, cols).t();
            Tensor out = empty(cols, rows);
            CpuElementwise.unary(UnaryOp.TANH, t, out, 0, 0);
            return out;
        });
        // a slice: Java
        compare("exp of a slice", false, () -> {
            Tensor t = Tensor.of(x, rows, cols).narrow(1, 1, cols - 2);
            Tensor out = empty(rows, cols - 2);
            CpuElementwise.unary(UnaryOp.EXP, t, out, 0, 0);
            return out;
        });
        // a 4-d contiguous tensor flattens to one dim
        compare("gelu of a 4-d tensor", true, () -> {
            Tensor t = Tensor.of(x, 3, 4, rows / 12, cols);
            Tensor out = empty(3, 4, rows / 12, cols);
            CpuElementwise.unary(UnaryOp.GELU_TANH, t, out, 0, 0);
            return out;
        });
    }

    /** An output overlapping its input other than exactly (a shifted view) keeps the Java kernel's order. */
    @Test
    void partiallyOverlappingOperandsStayInJava() {
        float[] x = data(N + 1, 27, false);
        compare("relu from x[0:N] into x[1:N+1]", false, () -> {
            Tensor t = Tensor.of(x);
            CpuElementwise.unary(UnaryOp.RELU, t.narrow(0, 0, N), t.narrow(0, 1, N), 0, 0);
            return t;
        });
        compare("add of x[0:N] and x[1:N+1] into x[0:N]", false, () -> {
            Tensor t = Tensor.of(x);
            CpuElementwise.binary(BinaryOp.ADD, t.narrow(0, 0, N), t.narrow(0, 1, N), t.narrow(0, 0, N), 0, 0);
            return t;
        });
    }

    @Test
    void otherDtypesStayInJava() {
        try (Scope s = Scope.open()) {
            Tensor d = Tensor.randn(N).to(DType.FLOAT64);
            Tensor h = Tensor.randn(N).to(DType.BFLOAT16);
            Tensor i = Tensor.randn(N).to(DType.INT64);
            long before = CpuDnnl.calls();
            CpuElementwise.unary(UnaryOp.RELU, d, Tensor.empty(DType.FLOAT64, N), 0, 0);
            CpuElementwise.unary(UnaryOp.RELU, h, Tensor.empty(DType.BFLOAT16, N), 0, 0);
            CpuElementwise.unary(UnaryOp.ABS, i, Tensor.empty(DType.INT64, N), 0, 0);
            CpuElementwise.copy(d, Tensor.empty(DType.FLOAT32, N)); // float64 -> float32 converts in Java
            CpuReduce.reduce(ReduceOp.SUM, d, new int[] {0}, Tensor.empty(DType.FLOAT64, 1));
            assertEquals(before, CpuDnnl.calls());
        }
    }

    // ================================================================== binary

    static final BinaryOp[] ARITHMETIC = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV};

    @TestFactory
    Stream<DynamicTest> arithmeticMatchesJava() {
        int rows = 96;
        int cols = 513;
        float[] a = data(rows * cols, 6);
        float[] b = data(rows * cols, 7);
        float[] row = data(cols, 8);
        float[] col = data(rows, 9);
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryOp op : ARITHMETIC) {
            boolean commutative = op == BinaryOp.ADD || op == BinaryOp.MUL;
            tests.add(DynamicTest.dynamicTest(op + " same shape", () -> compare(op + " same shape", true,
                    () -> bin(op, Tensor.of(a, rows, cols), Tensor.of(b, rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " row broadcast", () -> compare(op + " [N,M] op [M]", true,
                    () -> bin(op, Tensor.of(a, rows, cols), Tensor.of(row, 1, cols).expand(rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " column broadcast", () -> compare(op + " [N,M] op [N,1]", true,
                    () -> bin(op, Tensor.of(a, rows, cols), Tensor.of(col, rows, 1).expand(rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " scalar", () -> compare(op + " [N,M] op scalar", true,
                    () -> bin(op, Tensor.of(a, rows, cols), Tensor.of(new float[] {1.5f}).reshape(1, 1).expand(rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " first operand broadcast", () -> compare(op + " [M] op [N,M]",
                    commutative, () -> bin(op, Tensor.of(row, 1, cols).expand(rows, cols), Tensor.of(a, rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " outer", () -> compare(op + " [N,1] op [1,M]", false,
                    () -> bin(op, Tensor.of(col, rows, 1).expand(rows, cols), Tensor.of(row, 1, cols).expand(rows, cols)))));
            tests.add(DynamicTest.dynamicTest(op + " in place", () -> compare(op + " in place", true, () -> {
                Tensor t = Tensor.of(a, rows, cols);
                CpuElementwise.binary(op, t, Tensor.of(row, 1, cols).expand(rows, cols), t, 0, 0);
                return t;
            })));
            tests.add(DynamicTest.dynamicTest(op + " transposed operand", () -> compare(op + " transposed", false,
                    () -> bin(op, Tensor.of(a, rows, cols), Tensor.of(b, cols, rows).t()))));
            tests.add(DynamicTest.dynamicTest(op + " channel broadcast", () -> compare(op + " [N,C,H,W] op [C,1,1]", true,
                    () -> bin(op, Tensor.of(a, 8, 12, 9, 57), Tensor.of(java.util.Arrays.copyOf(col, 12), 12, 1, 1)
                            .expand(8, 12, 9, 57)))));
        }
        return tests.stream();
    }

    static Tensor bin(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = empty(a.shape());
        CpuElementwise.binary(op, a, b, out, 0, 0);
        return out;
    }

    @Test
    void maximumMinimumAndComparisonsStayInJava() {
        float[] a = data(N, 10);
        float[] b = data(N, 11);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.POW, BinaryOp.ATAN2}) {
            compare(op.toString(), false, () -> bin(op, Tensor.of(a), Tensor.of(b)));
        }
        try (Scope s = Scope.open()) {
            long before = CpuDnnl.calls();
            CpuElementwise.binary(BinaryOp.LT, Tensor.of(a), Tensor.of(b), Tensor.empty(DType.BOOL, N), 0, 0);
            assertEquals(before, CpuDnnl.calls());
        }
    }

    // ================================================================== activation gradients

    static final class G {
        final BinaryOp op;
        final double p1;
        final double p2;
        final boolean savedIsOutput;
        /** Whether non-numbers send it to Java (oneDNN's gradient would differ there). */
        final boolean javaForNonNumbers;

        G(BinaryOp op, double p1, double p2, boolean savedIsOutput, boolean javaForNonNumbers) {
            this.op = op;
            this.p1 = p1;
            this.p2 = p2;
            this.savedIsOutput = savedIsOutput;
            this.javaForNonNumbers = javaForNonNumbers;
        }

        @Override
        public String toString() {
            return op + "(" + p1 + ", " + p2 + ")";
        }
    }

    /**
     * The gradients f'(x) * g: numbers go to oneDNN, NaN and infinities to Java. f' is compared with
     * an absolute tolerance scaled by |g| (the Java kernel computes 1 - y^2 in float, for one).
     */
    @TestFactory
    Stream<DynamicTest> activationGradientsMatchJava() {
        G[] cases = {new G(BinaryOp.RELU_BACKWARD, 0, 0, false, true),
            new G(BinaryOp.LEAKY_RELU_BACKWARD, 0.01, 0, false, false),
            new G(BinaryOp.LEAKY_RELU_BACKWARD, -0.3, 0, false, false),
            new G(BinaryOp.ELU_BACKWARD, 1, 0, false, true), new G(BinaryOp.ELU_BACKWARD, 0.7, 0, false, true),
            new G(BinaryOp.TANH_BACKWARD, 0, 0, true, false), new G(BinaryOp.SIGMOID_BACKWARD, 0, 0, true, false),
            new G(BinaryOp.GELU_BACKWARD, 0, 0, false, true), new G(BinaryOp.SILU_BACKWARD, 0, 0, false, true),
            new G(BinaryOp.SOFTPLUS_BACKWARD, 1, 20, false, true), new G(BinaryOp.SOFTPLUS_BACKWARD, 2, 20, false, true)};
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean nonFinite : new boolean[] {false, true}) {
            float[] g = data(N, 12, nonFinite);
            float[] x = data(N, 13, nonFinite);
            float[] y = new float[N];
            for (int i = 0; i < N; i++) {
                y[i] = (float) Math.tanh(x[i]); // saved outputs of tanh/sigmoid lie in [-1, 1]
            }
            Atol scaled = i -> Float.isFinite(g[i]) ? ATOL * Math.max(1, Math.abs(g[i])) : ATOL;
            for (G c : cases) {
                String name = c + (nonFinite ? " with NaN and infinities" : " on numbers");
                Boolean routed = !nonFinite || !c.javaForNonNumbers;
                tests.add(DynamicTest.dynamicTest(name, () -> compare(name, routed, () -> {
                    Tensor out = empty(N);
                    CpuElementwise.binary(c.op, Tensor.of(g), Tensor.of(c.savedIsOutput ? y : x), out, c.p1, c.p2);
                    return out;
                }, RTOL, scaled)));
            }
        }
        return tests.stream();
    }

    /** A NaN input with a finite gradient: relu's and leaky relu's gradient still run on oneDNN, as Java. */
    @Test
    void reluGradientAtNanInputs() {
        float[] g = data(N, 22, false);
        float[] x = data(N, 23, true);
        for (double slope : new double[] {0, 0.2}) {
            BinaryOp op = slope == 0 ? BinaryOp.RELU_BACKWARD : BinaryOp.LEAKY_RELU_BACKWARD;
            compare(op + " at NaN inputs", true, () -> {
                Tensor out = empty(N);
                CpuElementwise.binary(op, Tensor.of(g), Tensor.of(x), out, slope, 0);
                return out;
            });
        }
    }

    @Test
    void gradientsOneDnnCannotMatchStayInJava() {
        float[] g = data(N, 20, false);
        float[] x = data(N, 21, false);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.GELU_TANH_BACKWARD, BinaryOp.SELU_BACKWARD,
            BinaryOp.LEAKY_RELU_BACKWARD}) {
            compare(op.toString(), false, () -> {
                Tensor out = empty(N);
                CpuElementwise.binary(op, Tensor.of(g), Tensor.of(x), out, 0, 0);
                return out;
            });
        }
        compare("softplus backward, threshold 5", false, () -> {
            Tensor out = empty(N);
            CpuElementwise.binary(BinaryOp.SOFTPLUS_BACKWARD, Tensor.of(g), Tensor.of(x), out, 1, 5);
            return out;
        });
    }

    @Test
    void activationGradientOfABroadcastGradientStaysInJava() {
        float[] x = data(N, 14);
        compare("relu backward with an expanded gradient", false, () -> {
            Tensor out = empty(N);
            Tensor g = Tensor.of(new float[] {1f}).expand(N);
            CpuElementwise.binary(BinaryOp.RELU_BACKWARD, g, Tensor.of(x), out, 0, 0);
            return out;
        });
    }

    // ================================================================== reductions

    @TestFactory
    Stream<DynamicTest> reductionsMatchJava() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 4 * 4096 * 4;
        float[] plain = new float[n];
        Random r = new Random(15);
        for (int i = 0; i < n; i++) {
            plain[i] = (float) r.nextGaussian();
        }
        float[] withNan = plain.clone();
        withNan[4096 * 3 + 17] = Float.NaN;
        float[] withInf = plain.clone();
        withInf[100] = Float.POSITIVE_INFINITY;
        float[] factors = new float[n];
        for (int i = 0; i < n; i++) {
            factors[i] = 1 + (plain[i] - 0.5f) * 0.01f;
        }
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD}) {
            float[] x = op == ReduceOp.PROD ? factors : plain;
            tests.add(DynamicTest.dynamicTest(op + " over the last dim", () -> compare(op + " [16,4096] dim 1", true,
                    () -> red(op, Tensor.of(x, 16, 4096), 1))));
            tests.add(DynamicTest.dynamicTest(op + " over the last two dims", () -> compare(op + " [4,4,4096] dims 1,2",
                    op != ReduceOp.PROD, () -> red(op, Tensor.of(x, 4, 4, 4096), 1, 2))));
            tests.add(DynamicTest.dynamicTest(op + " over the first dim", () -> compare(op + " [4096,16] dim 0", true,
                    () -> red(op, Tensor.of(x, 4096, 16), 0))));
            tests.add(DynamicTest.dynamicTest(op + " with NaN", () -> compare(op + " with NaN", op == ReduceOp.SUM,
                    () -> red(op, Tensor.of(withNan, 16, 4096), 1))));
            tests.add(DynamicTest.dynamicTest(op + " with inf", () -> compare(op + " with inf", op == ReduceOp.SUM,
                    () -> red(op, Tensor.of(withInf, 16, 4096), 1))));
            tests.add(DynamicTest.dynamicTest(op + " short rows", () -> compare(op + " [1024,64] dim 1", false,
                    () -> red(op, Tensor.of(x, 1024, 64), 1))));
        }
        float[] nchw = data(8 * 16 * 32 * 32, 25, false);
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
            tests.add(DynamicTest.dynamicTest(op + " over batch and space", () -> compare(op + " [8,16,32,32] dims 0,2,3",
                    true, () -> red(op, Tensor.of(nchw, 8, 16, 32, 32), 0, 2, 3), 1e-5, i -> 1e-3)));
            tests.add(DynamicTest.dynamicTest(op + " over a short outer dim", () -> compare(op + " [16,4096] dim 0",
                    false, () -> red(op, Tensor.of(nchw, 16, 8192), 0))));
        }
        tests.add(DynamicTest.dynamicTest("full sum", () -> compare("full sum", true,
                () -> red(ReduceOp.SUM, Tensor.of(plain), 0))));
        // a single output is cut into pieces for two threads; an odd length leaves a tail
        float[] odd = data(3 * 65536 + 7, 24, false);
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
            tests.add(DynamicTest.dynamicTest(op + " of an odd length", () -> compare(op + " of 3 * 65536 + 7", true,
                    () -> red(op, Tensor.of(odd), 0), 1e-5, i -> 1e-3)));
            tests.add(DynamicTest.dynamicTest(op + " of an odd length as [1, n]", () -> compare(op + " of [1, n]", true,
                    () -> red(op, Tensor.of(odd, 1, odd.length), 1), 1e-5, i -> 1e-3)));
        }
        tests.add(DynamicTest.dynamicTest("long product", () -> compare("product of 65536", false,
                () -> red(ReduceOp.PROD, Tensor.of(factors), 0))));
        return tests.stream();
    }

    static Tensor red(ReduceOp op, Tensor x, int... dims) {
        int[] shape = x.shape();
        for (int d : dims) {
            shape[d] = 1;
        }
        Tensor out = empty(shape);
        CpuReduce.reduce(op, x, dims, out);
        return out;
    }

    /** A sum of 4M positive values: float32 accumulation must keep PyTorch's accuracy. */
    @Test
    void longSumsStayAccurate() {
        int n = 4 << 20;
        float[] x = new float[n];
        Random r = new Random(16);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat();
            exact += x[i];
        }
        try (Scope s = Scope.open()) {
            long before = CpuDnnl.calls();
            double got = red(ReduceOp.SUM, Tensor.of(x), 0).item();
            assertTrue(CpuDnnl.calls() > before);
            assertEquals(exact, got, exact * 1e-6);
        }
    }

    /**
     * Small addends after large ones: once a float32 lane sum is large, 0.5 rounds away. As one piece
     * per thread (1M elements) this sum lost 2e-4 of itself; pieces of at most CpuDnnl.MAX_PIECE
     * elements, added in double, keep the loss within the piece that holds the large values. Rows
     * too long for one piece and with no even cut go to Java.
     */
    @Test
    void smallAddendsAfterLargeOnesSurvive() {
        int n = 4 << 20;
        float[] x = new float[n];
        java.util.Arrays.fill(x, 0.5f);
        for (int i = 0; i < 64000; i++) {
            x[1000 + i] = i;
        }
        double exact = 0.5 * (n - 64000) + 63999.0 * 64000 / 2;
        try (Scope s = Scope.open()) {
            long before = CpuDnnl.calls();
            double got = red(ReduceOp.SUM, Tensor.of(x), 0).item();
            assertTrue(CpuDnnl.calls() > before);
            assertEquals(exact, got, exact * 2e-5);
            // two rows of 2^22 + 1 (odd: no even cut into pieces of at most 64K): the Java kernel, exactly
            float[] y = java.util.Arrays.copyOf(x, 2 * (n + 1));
            System.arraycopy(x, 0, y, n + 1, n);
            y[n] = 0.5f;
            y[2 * n + 1] = 0.5f;
            before = CpuDnnl.calls();
            float[] rows = red(ReduceOp.SUM, Tensor.of(y, 2, n + 1), 1).toFloatArray();
            assertEquals(before, CpuDnnl.calls());
            assertEquals((float) (exact + 0.5), rows[0]);
            assertEquals((float) (exact + 0.5), rows[1]);
        }
    }

    // ================================================================== softmax

    @TestFactory
    Stream<DynamicTest> softmaxMatchesJava() {
        List<DynamicTest> tests = new ArrayList<>();
        int rows = 64;
        int cols = 1200;
        float[] x = new float[rows * cols];
        Random r = new Random(17);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (4 * r.nextGaussian());
        }
        float[] special = x.clone();
        special[5] = Float.NaN; // row 0
        special[cols + 7] = Float.POSITIVE_INFINITY; // row 1
        for (int i = 2 * cols; i < 3 * cols; i++) {
            special[i] = Float.NEGATIVE_INFINITY; // row 2
        }
        special[3 * cols + 1] = Float.NEGATIVE_INFINITY; // row 3
        // gradients of ordinary size: a row sum of +-1e30 and 1e-30 cancels differently in float32
        // (oneDNN, and PyTorch) and double (the Java kernel)
        float[] g = new float[rows * cols];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        float[] gSpecial = data(rows * cols, 18);
        for (boolean log : new boolean[] {false, true}) {
            String name = log ? "logSoftmax" : "softmax";
            // log-softmax is composed of oneDNN reductions, which are fast over rows innermost in memory only
            tests.add(DynamicTest.dynamicTest(name + " last dim", () -> compare(name + " last dim", true,
                    () -> softmax(Tensor.of(x, rows, cols), 1, log))));
            tests.add(DynamicTest.dynamicTest(name + " first dim", () -> compare(name + " first dim", !log,
                    () -> softmax(Tensor.of(x, rows, cols), 0, log))));
            tests.add(DynamicTest.dynamicTest(name + " middle dim", () -> compare(name + " middle dim", !log,
                    () -> softmax(Tensor.of(x, 8, 8, cols), 1, log))));
            tests.add(DynamicTest.dynamicTest(name + " transposed", () -> compare(name + " transposed", true, () -> {
                Tensor t = Tensor.of(x, rows, cols).t();
                Tensor out = Tensor.empty(DType.FLOAT32, rows, cols).t();
                CpuReduce.softmax(t, 0, log, out);
                return out.t(); // contiguous: reading it copies nothing
            })));
            tests.add(DynamicTest.dynamicTest(name + " masked with -inf", () -> compare(name + " masked", true, () -> {
                float[] masked = x.clone();
                for (int i = 0; i < masked.length; i += 7) {
                    masked[i] = Float.NEGATIVE_INFINITY;
                }
                return softmax(Tensor.of(masked, rows, cols), 1, log);
            })));
            tests.add(DynamicTest.dynamicTest(name + " NaN and infinities", () -> compare(name + " special rows", false,
                    () -> softmax(Tensor.of(special, rows, cols), 1, log))));
            // the forward runs in Java here, so the count is the backward's alone
            Supplier<Tensor> y = () -> {
                CpuDnnl.setEnabled(false);
                try {
                    return softmax(Tensor.of(x, rows, cols), 1, log);
                } finally {
                    CpuDnnl.setEnabled(true);
                }
            };
            tests.add(DynamicTest.dynamicTest(name + " backward", () -> {
                Tensor saved = y.get();
                // gx = g - p * S (log) or p * (g - S): float32 sums S carry ~1e-7 * |S| of rounding,
                // which the subtraction leaves absolute, so the tolerance scales with |p * S|
                float[] yv = saved.toFloatArray();
                double[] scale = new double[rows * cols];
                for (int row = 0; row < rows; row++) {
                    double sum = 0;
                    for (int j = 0; j < cols; j++) {
                        int i = row * cols + j;
                        sum += log ? g[i] : g[i] * yv[i];
                    }
                    for (int j = 0; j < cols; j++) {
                        int i = row * cols + j;
                        double p = log ? Math.exp(yv[i]) : yv[i];
                        scale[i] = Math.abs(p * sum) + Math.abs(g[i]);
                    }
                }
                compare(name + " backward", true, () -> {
                    Tensor gx = empty(rows, cols);
                    CpuReduce.softmaxBackward(saved, Tensor.of(g, rows, cols), 1, log, gx);
                    return gx;
                }, RTOL, i -> ATOL * (1 + scale[i]));
                compare(name + " backward with NaN and infinities", false, () -> {
                    Tensor gx = empty(rows, cols);
                    CpuReduce.softmaxBackward(saved, Tensor.of(gSpecial, rows, cols), 1, log, gx);
                    return gx;
                });
            }));
        }
        return tests.stream();
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        Tensor out = empty(x.shape());
        CpuReduce.softmax(x, dim, log, out);
        return out;
    }

    // ================================================================== copies

    @Test
    void copiesMatchJava() {
        float[] x = data(64 * 20 * 24 * 24, 19);
        compare("NCHW -> NHWC", true, () -> Tensor.of(x, 64, 20, 24, 24).permute(0, 2, 3, 1).contiguous());
        compare("NHWC -> NCHW", true, () -> Tensor.of(x, 64, 24, 24, 20).permute(0, 3, 1, 2).contiguous());
        compare("expand", true, () -> Tensor.of(java.util.Arrays.copyOf(x, 576), 1, 576).expand(64, 576).contiguous());
        compare("slice", true, () -> Tensor.of(x, 64 * 20, 576).narrow(1, 3, 500).contiguous());
        compare("to float64 and back", false, () -> Tensor.of(x).to(DType.FLOAT64).to(DType.FLOAT32));
        // float16 and bfloat16 round to nearest even in both; oneDNN flushes subnormals for bfloat16
        float[] numbers = data(64 * 20 * 24 * 24, 26, true);
        for (DType half : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            compare("float32 -> " + half, true, () -> {
                Tensor h = Tensor.empty(half, numbers.length);
                CpuElementwise.copy(Tensor.of(numbers), h);
                CpuDnnl.setEnabled(false);
                try {
                    return h.to(DType.FLOAT32);
                } finally {
                    CpuDnnl.setEnabled(true);
                }
            }, 0, i -> 1e-37);
            compare(half + " -> float32", true, () -> {
                boolean on = CpuDnnl.isEnabled();
                CpuDnnl.setEnabled(false);
                Tensor h;
                try {
                    h = Tensor.of(numbers).to(half);
                } finally {
                    CpuDnnl.setEnabled(on);
                }
                Tensor f = empty(numbers.length);
                CpuElementwise.copy(h, f);
                return f;
            }, 0, i -> 0);
            compare("NCHW float32 -> NHWC " + half, true, () -> {
                Tensor t = Tensor.of(numbers, 64, 20, 24, 24).permute(0, 2, 3, 1);
                Tensor h = Tensor.empty(half, 64, 24, 24, 20);
                CpuElementwise.copy(t, h);
                CpuDnnl.setEnabled(false);
                try {
                    return h.to(DType.FLOAT32);
                } finally {
                    CpuDnnl.setEnabled(true);
                }
            }, 0, i -> 1e-37);
        }
    }

    // ================================================================== the cache

    /** Ever new shapes must not grow the primitive cache past its capacity. */
    @Test
    void primitiveCacheStaysBounded() {
        PrimitiveCache cache = PrimitiveCache.shared();
        int capacity = cache.capacity();
        try {
            cache.setCapacity(64);
            for (int i = 0; i < 300; i++) {
                try (Scope s = Scope.open()) {
                    int n = CpuDnnl.MIN_ELEMENTS + i;
                    Tensor x = Tensor.randn(n);
                    x.relu().add(x).tanh().sum();
                    assertTrue(cache.size() <= 64, "cache size " + cache.size());
                }
            }
            assertTrue(cache.evictions() > 0);
        } finally {
            cache.setCapacity(capacity);
        }
    }

    /** A loop over fixed shapes builds its primitives once and only hits the cache afterwards. */
    @Test
    void fixedShapesOnlyHitTheCache() {
        PrimitiveCache cache = PrimitiveCache.shared();
        Tensor x = Tensor.randn(64, 1000);
        Tensor w = Tensor.randn(1000);
        Runnable step = () -> {
            try (Scope s = Scope.open()) {
                x.mul(w).relu().softmax(1).sum(1, false).exp();
            }
        };
        step.run();
        long misses = cache.misses();
        int size = cache.size();
        for (int i = 0; i < 50; i++) {
            step.run();
        }
        assertEquals(misses, cache.misses());
        assertEquals(size, cache.size());
        assertFalse(size == 0);
    }
}
