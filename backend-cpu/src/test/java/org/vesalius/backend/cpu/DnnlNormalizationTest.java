package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * float32 normalization on oneDNN ({@link DnnlNormalization}) against the Java kernels, forward and
 * backward: outputs, input and parameter gradients, saved and running statistics. Each case runs on
 * three routes: the Java kernels, oneDNN's row route (forced for every shape by lowering the row
 * length threshold) and oneDNN's short-row route (batch norm on oneDNN's batch normalization, group
 * and instance norm back in Java).
 */
class DnnlNormalizationTest {
    /** Which kernels compute float32 normalization. */
    enum Route { JAVA, ROWS, SHORT }

    private static final int FORWARD_ROW_MIN = DnnlNormalization.forwardRowMin();
    private static final int BACKWARD_ROW_MIN = DnnlNormalization.backwardRowMin();

    @BeforeAll
    static void requireDnnl() {
        assumeTrue(Dnnl.isAvailable(), "oneDNN natives not available on this platform");
    }

    @AfterEach
    void restore() {
        CpuNormalization.setUseDnnl(true);
        DnnlNormalization.setRowMin(FORWARD_ROW_MIN, BACKWARD_ROW_MIN);
    }

    private static void route(Route r) {
        CpuNormalization.setUseDnnl(r != Route.JAVA);
        int min = r == Route.ROWS ? 1 : Integer.MAX_VALUE;
        DnnlNormalization.setRowMin(min, min);
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(DType.FLOAT32, Device.CPU, new Generator(seed), shape);
    }

    /** Standard normal values scaled and shifted per channel (dim 1), so channels differ in mean and spread. */
    private static Tensor input(long seed, int... shape) {
        int[] cs = new int[shape.length];
        Arrays.fill(cs, 1);
        cs[1] = shape[1];
        Tensor scale = randn(seed + 1, cs).abs().add(0.5);
        Tensor shift = randn(seed + 2, cs).mul(3.0);
        return randn(seed, shape).mul(scale).add(shift);
    }

    /** A non-contiguous tensor with the values of {@code input(seed, shape)}: stored with its last two dims swapped. */
    private static Tensor transposedInput(long seed, int... shape) {
        int r = shape.length;
        Tensor t = input(seed, shape).transpose(r - 2, r - 1).contiguous().transpose(r - 2, r - 1);
        assertFalse(t.isContiguous());
        return t;
    }

    /** Runs {@code op} on each route and checks the other routes' tensors against the Java route's. */
    private static void compareRoutes(String what, Supplier<List<Tensor>> op) {
        route(Route.JAVA);
        List<float[]> reference = values(op.get());
        for (Route r : new Route[] {Route.ROWS, Route.SHORT}) {
            route(r);
            long lookups = lookups();
            List<float[]> got = values(op.get());
            if (r == Route.ROWS) {
                assertTrue(lookups() > lookups, what + ": the row route ran no oneDNN primitive");
            }
            assertEquals(reference.size(), got.size(), what + ": result count");
            for (int i = 0; i < reference.size(); i++) {
                assertClose(reference.get(i), got.get(i), what + " on route " + r + ", result " + i);
            }
        }
    }

    private static long lookups() {
        return PrimitiveCache.shared().hits() + PrimitiveCache.shared().misses();
    }

    private static List<float[]> values(List<Tensor> ts) {
        List<float[]> v = new ArrayList<>();
        for (Tensor t : ts) {
            v.add(t == null ? null : t.toFloatArray());
        }
        return v;
    }

    /** float32 agreement: within 1e-4 of the larger of 1 and the reference's largest magnitude. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        if (expected == null || actual == null) {
            assertEquals(expected == null, actual == null, what + ": presence");
            return;
        }
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double tol = 1e-4 * scale;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i] + " (tolerance " + tol
                        + ")");
            }
        }
    }

    private static Tensor param(boolean present, long seed, int n) {
        return present ? randn(seed, n).requiresGrad_(true) : null;
    }

    private static Tensor gradOf(Tensor t) {
        return t == null ? null : t.grad();
    }

    // ------------------------------------------------------------------ batch norm

    static Stream<Arguments> batchNormCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{4, 6, 5, 7}, {6, 5}, {2, 3, 4, 5, 3}, {1, 4, 300}, {3, 2, 1, 1}};
        for (int[] shape : shapes) {
            for (int affine = 0; affine < 4; affine++) {
                for (boolean training : new boolean[] {true, false}) {
                    for (boolean running : new boolean[] {true, false}) {
                        if (!training && !running) {
                            continue;
                        }
                        cases.add(Arguments.of(shape, affine, training, running, shape.length == 4 && shape[3] > 1));
                    }
                }
            }
        }
        return cases.stream();
    }

    /**
     * Batch norm forward and backward on every route: output, input and parameter gradients, updated
     * running statistics. {@code affine}: bit 0 weight, bit 1 bias. 4-d cases use a non-contiguous
     * input and upstream gradient (the core makes them contiguous for the kernels).
     */
    @ParameterizedTest
    @MethodSource("batchNormCases")
    void batchNormAgreesWithJava(int[] shape, int affine, boolean training, boolean running, boolean strided) {
        int c = shape[1];
        compareRoutes("batchNorm " + Arrays.toString(shape) + " affine " + affine + " training " + training, () -> {
            Tensor x = (strided ? transposedInput(11, shape) : input(11, shape)).requiresGrad_(true);
            Tensor w = param((affine & 1) != 0, 12, c);
            Tensor b = param((affine & 2) != 0, 13, c);
            Tensor rm = running ? randn(14, c) : null;
            Tensor rv = running ? randn(15, c).abs().add(0.5) : null;
            Tensor y = x.batchNorm(rm, rv, w, b, training, 0.3, 1e-5);
            Tensor gy = strided ? transposedInput(16, shape) : randn(16, shape);
            y.backward(gy);
            return Arrays.asList(y, x.grad(), gradOf(w), gradOf(b), rm, rv);
        });
    }

    /** A channel whose values are all equal has variance 0: eps alone keeps 1/std finite on every route. */
    @Test
    void constantChannelsStayFinite() {
        compareRoutes("batchNorm with a constant channel", () -> {
            Tensor x = input(21, 2, 3, 20, 20);
            float[] v = x.toFloatArray();
            for (int i = 0; i < 2; i++) {
                Arrays.fill(v, (i * 3 + 1) * 400, (i * 3 + 2) * 400, 2.5f);
            }
            Tensor xc = Tensor.of(v, 2, 3, 20, 20).requiresGrad_(true);
            Tensor rm = Tensor.zeros(3);
            Tensor rv = Tensor.ones(3);
            Tensor y = xc.batchNorm(rm, rv, null, null, true, 0.1, 1e-3);
            y.backward(randn(22, 2, 3, 20, 20));
            for (float f : y.toFloatArray()) {
                assertTrue(Float.isFinite(f));
            }
            return Arrays.asList(y, xc.grad(), rm, rv);
        });
    }

    /**
     * Means far from zero relative to the spread (here 2000 stds): the backward sums must not lose
     * the small centred products to cancellation, on any route.
     */
    @Test
    void largeMeansKeepGradientsAccurate() {
        compareRoutes("batchNorm, mean 2000 stds", () -> {
            Tensor x = randn(101, 3, 4, 16, 16).mul(0.05).add(100.0).requiresGrad_(true);
            Tensor w = randn(102, 4).requiresGrad_(true);
            Tensor y = x.batchNorm(null, null, w, null, true, 0.1, 1e-5);
            y.backward(randn(103, 3, 4, 16, 16));
            return Arrays.asList(y, x.grad(), w.grad());
        });
        compareRoutes("groupNorm, mean 2000 stds", () -> {
            Tensor x = randn(104, 2, 4, 16, 16).mul(0.05).add(100.0).requiresGrad_(true);
            Tensor w = randn(105, 4).requiresGrad_(true);
            Tensor y = x.groupNorm(2, w, null, 1e-5);
            y.backward(randn(106, 2, 4, 16, 16));
            return Arrays.asList(y, x.grad(), w.grad());
        });
    }

    /** The saved statistics, and backward with any subset of the gradients, through the backend directly. */
    @Test
    void backendSavedStatisticsAndPartialGradientsAgree() {
        Backend be = Backends.cpu();
        for (int[] shape : new int[][] {{3, 4, 6, 7}, {5, 4}}) {
            int c = shape[1];
            for (int wanted = 0; wanted < 8; wanted++) {
                boolean wantGx = (wanted & 1) != 0;
                boolean wantGw = (wanted & 2) != 0;
                boolean wantGb = (wanted & 4) != 0;
                for (boolean training : new boolean[] {true, false}) {
                    compareRoutes("backend batchNorm " + Arrays.toString(shape) + " wanted " + wanted, () -> {
                        Tensor x = input(31, shape);
                        Tensor w = randn(32, c);
                        Tensor b = randn(33, c);
                        Tensor rm = randn(34, c);
                        Tensor rv = randn(35, c).abs().add(0.5);
                        Tensor out = Tensor.empty(shape);
                        Tensor mean = Tensor.empty(c);
                        Tensor inv = Tensor.empty(c);
                        be.batchNorm(x, w, b, rm, rv, training, 0.1, 1e-5, out, mean, inv);
                        Tensor g = randn(36, shape);
                        Tensor gx = wantGx ? Tensor.empty(shape) : null;
                        Tensor gw = wantGw ? Tensor.empty(c) : null;
                        Tensor gb = wantGb ? Tensor.empty(c) : null;
                        be.batchNormBackward(g, x, w, mean, inv, training, gx, gw, gb);
                        return Arrays.asList(out, mean, inv, rm, rv, gx, gw, gb);
                    });
                }
            }
        }
    }

    /** Only the weight needs a gradient: backward without an input gradient. */
    @Test
    void parameterGradientsWithoutInputGradient() {
        compareRoutes("batchNorm, x without grad", () -> {
            Tensor x = input(41, 3, 5, 6, 6);
            Tensor w = randn(42, 5).requiresGrad_(true);
            Tensor b = randn(43, 5).requiresGrad_(true);
            Tensor y = x.batchNorm(null, null, w, b, true, 0.1, 1e-5);
            y.backward(randn(44, 3, 5, 6, 6));
            return Arrays.asList(y, w.grad(), b.grad());
        });
        compareRoutes("layerNorm, x without grad", () -> {
            Tensor x = input(45, 4, 3, 8);
            Tensor w = randn(46, 8).requiresGrad_(true);
            Tensor y = x.layerNorm(new int[] {8}, w, null, 1e-5);
            y.backward(randn(47, 4, 3, 8));
            return Arrays.asList(y, w.grad());
        });
        compareRoutes("groupNorm, x without grad", () -> {
            Tensor x = input(48, 2, 4, 5, 5);
            Tensor w = randn(49, 4).requiresGrad_(true);
            Tensor y = x.groupNorm(2, w, null, 1e-5);
            y.backward(randn(50, 2, 4, 5, 5));
            return Arrays.asList(y, w.grad());
        });
    }

    // ------------------------------------------------------------------ layer norm

    static Stream<Arguments> layerNormCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][][] shapes = {{{6, 10}, {10}}, {{2, 3, 4, 5}, {4, 5}}, {{3, 1000}, {1000}}, {{7, 3}, {3}}};
        for (int[][] s : shapes) {
            for (int affine = 0; affine < 4; affine++) {
                cases.add(Arguments.of(s[0], s[1], affine, s[0].length == 4));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("layerNormCases")
    void layerNormAgreesWithJava(int[] shape, int[] normalized, int affine, boolean strided) {
        int k = 1;
        for (int d : normalized) {
            k *= d;
        }
        int kk = k;
        compareRoutes("layerNorm " + Arrays.toString(shape) + " affine " + affine, () -> {
            Tensor x = (strided ? transposedInput(51, shape) : input(51, shape)).requiresGrad_(true);
            Tensor w = (affine & 1) != 0 ? randn(52, kk).reshape(normalized).requiresGrad_(true) : null;
            Tensor b = (affine & 2) != 0 ? randn(53, kk).reshape(normalized).requiresGrad_(true) : null;
            Tensor y = x.layerNorm(normalized, w, b, 1e-5);
            y.backward(randn(54, shape));
            return Arrays.asList(y, x.grad(), gradOf(w), gradOf(b));
        });
    }

    // ------------------------------------------------------------------ group and instance norm

    static Stream<Arguments> groupNormCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] shapes = {{new int[] {2, 6, 4, 5}, new int[] {1, 2, 3, 6}}, {new int[] {2, 4, 3, 4, 5}, new int[] {2}},
            {new int[] {3, 4, 7}, new int[] {4}}, {new int[] {1, 2, 300}, new int[] {1, 2}}};
        for (Object[] s : shapes) {
            for (int groups : (int[]) s[1]) {
                for (int affine = 0; affine < 4; affine++) {
                    cases.add(Arguments.of(s[0], groups, affine, ((int[]) s[0]).length == 4));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("groupNormCases")
    void groupNormAgreesWithJava(int[] shape, int groups, int affine, boolean strided) {
        int c = shape[1];
        compareRoutes("groupNorm " + Arrays.toString(shape) + " groups " + groups + " affine " + affine, () -> {
            Tensor x = (strided ? transposedInput(61, shape) : input(61, shape)).requiresGrad_(true);
            Tensor w = param((affine & 1) != 0, 62, c);
            Tensor b = param((affine & 2) != 0, 63, c);
            Tensor y = x.groupNorm(groups, w, b, 1e-5);
            y.backward(randn(64, shape));
            return Arrays.asList(y, x.grad(), gradOf(w), gradOf(b));
        });
    }

    /** Instance norm with running statistics: the core updates them from the saved statistics of each route. */
    @Test
    void instanceNormAgreesWithJava() {
        for (boolean useInputStats : new boolean[] {true, false}) {
            compareRoutes("instanceNorm useInputStats " + useInputStats, () -> {
                Tensor x = transposedInput(71, 3, 4, 6, 5).requiresGrad_(true);
                Tensor w = randn(72, 4).requiresGrad_(true);
                Tensor b = randn(73, 4).requiresGrad_(true);
                Tensor rm = randn(74, 4);
                Tensor rv = randn(75, 4).abs().add(0.5);
                Tensor y = x.instanceNorm(rm, rv, w, b, useInputStats, 0.2, 1e-5);
                y.backward(randn(76, 3, 4, 6, 5));
                return Arrays.asList(y, x.grad(), w.grad(), b.grad(), rm, rv);
            });
        }
    }

    // ------------------------------------------------------------------ primitive cache

    /** A training loop with fixed shapes builds its primitives once; afterwards it only hits the cache. */
    @Test
    void steadyStateBuildsNoPrimitives() {
        route(Route.ROWS);
        PrimitiveCache cache = PrimitiveCache.shared();
        Runnable step = () -> {
            Tensor x = input(81, 2, 8, 9, 9).requiresGrad_(true);
            Tensor w = randn(82, 8).requiresGrad_(true);
            Tensor b = randn(83, 8).requiresGrad_(true);
            x.batchNorm(Tensor.zeros(8), Tensor.ones(8), w, b, true, 0.1, 1e-5).relu()
                    .groupNorm(4, w, b, 1e-5).layerNorm(new int[] {9}, null, null, 1e-5)
                    .backward(randn(84, 2, 8, 9, 9));
        };
        step.run();
        step.run();
        long misses = cache.misses();
        int size = cache.size();
        for (int i = 0; i < 20; i++) {
            step.run();
        }
        assertEquals(misses, cache.misses(), "primitives built after the first steps");
        assertEquals(size, cache.size(), "cache entries added after the first steps");
    }

    /** Many distinct shapes in a loop: the cache holds at most its capacity, evicting the least recently used. */
    @Test
    void cacheStaysBoundedOverManyShapes() {
        route(Route.ROWS);
        PrimitiveCache cache = PrimitiveCache.shared();
        int capacity = cache.capacity();
        try {
            cache.setCapacity(12);
            long evictions = cache.evictions();
            for (int s = 2; s < 40; s++) {
                Tensor x = input(91, 2, 3, s).requiresGrad_(true);
                x.batchNorm(null, null, null, null, true, 0.1, 1e-5).backward(randn(92, 2, 3, s));
                assertTrue(cache.size() <= 12, "cache size " + cache.size());
            }
            assertTrue(cache.evictions() > evictions, "old primitives were evicted");
        } finally {
            cache.setCapacity(capacity);
        }
    }
}
