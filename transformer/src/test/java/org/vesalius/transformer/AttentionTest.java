package org.vesalius.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;
import org.vesalius.nn.AttentionPath;
import org.vesalius.nn.F;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * {@link F#scaledDotProductAttention}: the blocked kernel against the composed path (values and
 * gradients, float32 and float64, masks, causal, dropout, several blocks per row and column),
 * float64 gradient checks of both paths, the path rule and the errors.
 */
class AttentionTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static Tensor randn(DType dtype, long seed, int... shape) {
        return Tensor.randn(dtype, Device.CPU, new Generator(seed), shape);
    }

    static Tensor leaf(DType dtype, long seed, int... shape) {
        return randn(dtype, seed, shape).requiresGrad_(true);
    }

    private static Tensor run(AttentionPath path, Tensor q, Tensor k, Tensor v, Tensor mask, double p, boolean causal,
                              Double scale, long seed) {
        return F.scaledDotProductAttention(q, k, v, mask, p, causal, scale, new Generator(seed), path);
    }

    /**
     * Runs both paths on fresh leaves with the same values, backpropagates sum(out * w), and compares
     * outputs and the three gradients.
     */
    private static void compare(DType dtype, int[] qs, int[] ks, int[] vs, Tensor mask, double p, boolean causal,
                                Double scale, double tol) {
        Tensor[] outs = new Tensor[2];
        Tensor[][] grads = new Tensor[2][];
        AttentionPath[] paths = {AttentionPath.UNFUSED, AttentionPath.BLOCKED};
        for (int i = 0; i < 2; i++) {
            Tensor q = leaf(dtype, 1, qs);
            Tensor k = leaf(dtype, 2, ks);
            Tensor v = leaf(dtype, 3, vs);
            Tensor out = run(paths[i], q, k, v, mask, p, causal, scale, 7);
            Tensor w = randn(dtype, 4, out.shape());
            out.mul(w).sum().backward();
            outs[i] = out.detach();
            grads[i] = new Tensor[] {q.grad(), k.grad(), v.grad()};
        }
        String what = Arrays.toString(qs) + Arrays.toString(ks) + Arrays.toString(vs) + " " + dtype + " p=" + p
                + " causal=" + causal + " mask=" + (mask == null ? "none" : mask.dtype() + Arrays.toString(mask.shape()));
        assertClose(what + " output", outs[0], outs[1], tol);
        String[] names = {"dq", "dk", "dv"};
        for (int j = 0; j < 3; j++) {
            assertClose(what + " " + names[j], grads[0][j], grads[1][j], tol);
        }
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
        double[] e = expected.toDouble().toDoubleArray();
        double[] a = actual.toDouble().toDoubleArray();
        double scale = 0;
        for (double x : e) {
            if (!Double.isNaN(x)) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= tol * (1 + scale);
            if (!ok) {
                throw new AssertionError(what + ": element " + i + " expected " + e[i] + ", got " + a[i]
                        + " (tolerance " + tol + " relative to max |expected| " + scale + ")");
            }
        }
    }

    @Test
    void blockedMatchesComposedFloat64() {
        DType d = DType.FLOAT64;
        compare(d, new int[] {2, 3, 5, 8}, new int[] {2, 3, 7, 8}, new int[] {2, 3, 7, 6}, null, 0, false, null, 1e-12);
        // several query blocks (64 rows from 192 queries) and key blocks (512) per row
        compare(d, new int[] {1, 200, 4}, new int[] {1, 1100, 4}, new int[] {1, 1100, 3}, null, 0, false, null, 1e-12);
        compare(d, new int[] {2, 200, 4}, new int[] {2, 600, 4}, new int[] {2, 600, 5}, null, 0, true, 0.3, 1e-12);
        // causal with more queries than keys, and fewer
        compare(d, new int[] {3, 40, 4}, new int[] {3, 25, 4}, new int[] {3, 25, 2}, null, 0, true, null, 1e-12);
        compare(d, new int[] {3, 25, 4}, new int[] {3, 40, 4}, new int[] {3, 40, 2}, null, 0, true, null, 1e-12);
        // broadcast batch dims: one key/value set for every head
        compare(d, new int[] {2, 3, 6, 4}, new int[] {2, 1, 9, 4}, new int[] {1, 9, 5}, null, 0, false, null, 1e-12);
    }

    @Test
    void blockedMatchesComposedFloat32() {
        DType d = DType.FLOAT32;
        compare(d, new int[] {2, 4, 300, 16}, new int[] {2, 4, 700, 16}, new int[] {2, 4, 700, 16}, null, 0, false, null,
                2e-5);
        compare(d, new int[] {1, 2, 800, 8}, new int[] {1, 2, 800, 8}, new int[] {1, 2, 800, 8}, null, 0, true, null,
                2e-5);
    }

    @Test
    void masks() {
        DType d = DType.FLOAT64;
        // a key padding mask [N, 1, 1, S] (bool: true takes part), broadcast over heads and queries
        Tensor keep = Tensor.arange(9).lt(Tensor.of(new long[] {9, 4}, 2, 1)).reshape(2, 1, 1, 9);
        compare(d, new int[] {2, 3, 5, 4}, new int[] {2, 3, 9, 4}, new int[] {2, 3, 9, 4}, keep, 0, false, null, 1e-12);
        // a float mask per query and key, with -inf entries
        Tensor bias = randn(d, 11, 5, 9).maskedFill(randn(d, 12, 5, 9).gt(1), Double.NEGATIVE_INFINITY);
        compare(d, new int[] {2, 3, 5, 4}, new int[] {2, 3, 9, 4}, new int[] {2, 3, 9, 4}, bias, 0, false, 0.7, 1e-12);
        // a 1-D mask over keys, and a bool mask that adds a batch dim
        Tensor keys = Tensor.of(new boolean[] {true, false, true, true, false, true, true}, 7);
        compare(d, new int[] {3, 6, 4}, new int[] {3, 7, 4}, new int[] {3, 7, 2}, keys, 0, false, null, 1e-12);
        Tensor perBatch = randn(d, 13, 2, 1, 6, 7).lt(0.8);
        compare(d, new int[] {3, 6, 4}, new int[] {3, 7, 4}, new int[] {3, 7, 2}, perBatch, 0, false, null, 1e-12);
        // float32 bool mask across key blocks
        Tensor wide = randn(DType.FLOAT32, 14, 1, 1, 100, 1000).lt(1.5);
        compare(DType.FLOAT32, new int[] {1, 2, 100, 8}, new int[] {1, 2, 1000, 8}, new int[] {1, 2, 1000, 8}, wide, 0,
                false, null, 2e-5);
    }

    @Test
    void fullyMaskedRowsAreNaNOnBothPaths() {
        Tensor keep = Tensor.of(new boolean[] {true, true, false, false, false, false}, 2, 1, 3);
        Tensor q = randn(DType.FLOAT64, 1, 2, 4, 3);
        Tensor k = randn(DType.FLOAT64, 2, 2, 3, 3);
        Tensor v = randn(DType.FLOAT64, 3, 2, 3, 3);
        Tensor a = run(AttentionPath.UNFUSED, q, k, v, keep, 0, false, null, 0);
        Tensor b = run(AttentionPath.BLOCKED, q, k, v, keep, 0, false, null, 0);
        assertClose("fully masked", a, b, 1e-12);
        assertTrue(Double.isNaN(b.select(0, 1).sum().item()), "batch entry 1 attends to nothing");
        assertFalse(Double.isNaN(b.select(0, 0).sum().item()));
    }

    @Test
    void dropoutDrawsTheSameMaskOnBothPaths() {
        compare(DType.FLOAT64, new int[] {2, 2, 70, 4}, new int[] {2, 2, 600, 4}, new int[] {2, 2, 600, 3}, null, 0.3,
                false, null, 1e-12);
        compare(DType.FLOAT32, new int[] {2, 300, 8}, new int[] {2, 300, 8}, new int[] {2, 300, 8}, null, 0.2, true, null,
                2e-5);
        // the blocked path's mask is the unfused weights' mask: about p of them dropped
        Tensor q = randn(DType.FLOAT64, 1, 1, 50, 4);
        Tensor k = randn(DType.FLOAT64, 2, 1, 80, 4);
        Tensor w = F.attentionWeights(q, k, null, 0.25, false, null, new Generator(5));
        double dropped = w.eq(0).toDouble().mean().item();
        assertEquals(0.25, dropped, 0.03, "fraction of weights dropped");
        // p = 1 drops everything
        Tensor v = randn(DType.FLOAT64, 3, 1, 80, 2);
        assertEquals(0, run(AttentionPath.BLOCKED, q, k, v, null, 1, false, null, 0).abs().sum().item(), 0);
    }

    @Test
    void gradientsCheckOnBothPaths() {
        for (AttentionPath path : new AttentionPath[] {AttentionPath.UNFUSED, AttentionPath.BLOCKED}) {
            Tensor q = leaf(DType.FLOAT64, 1, 2, 3, 4);
            Tensor k = leaf(DType.FLOAT64, 2, 2, 5, 4);
            Tensor v = leaf(DType.FLOAT64, 3, 2, 5, 3);
            Tensor keep = Tensor.of(new boolean[] {true, true, false, true, true, true, true, true, true, false}, 2, 1, 5);
            Function<Tensor[], Tensor> plain = x -> run(path, x[0], x[1], x[2], null, 0, false, null, 0);
            Function<Tensor[], Tensor> masked = x -> run(path, x[0], x[1], x[2], keep, 0, false, 0.8, 0);
            Function<Tensor[], Tensor> causal = x -> run(path, x[0], x[1], x[2], null, 0, true, null, 0);
            // the same generator state each call, so the finite differences see one dropout mask
            Function<Tensor[], Tensor> dropped = x -> run(path, x[0], x[1], x[2], null, 0.3, false, null, 42);
            for (Function<Tensor[], Tensor> f : java.util.List.of(plain, masked, causal, dropped)) {
                GradCheck.check(f, q, k, v).orThrow();
            }
        }
        // the unfused path also differentiates a float mask
        Tensor bias = leaf(DType.FLOAT64, 9, 3, 5);
        GradCheck.check(x -> run(AttentionPath.UNFUSED, x[0], x[1], x[2], x[3], 0, false, null, 0),
                leaf(DType.FLOAT64, 1, 2, 3, 4), leaf(DType.FLOAT64, 2, 2, 5, 4), leaf(DType.FLOAT64, 3, 2, 5, 3), bias)
                .orThrow();
    }

    @Test
    void gradientsCheckAcrossBlocks() {
        // 70 queries in 3 blocks of 32, 600 keys in 2 blocks of 512, causal: every block boundary crossed
        Tensor q = leaf(DType.FLOAT64, 1, 1, 70, 2);
        Tensor k = leaf(DType.FLOAT64, 2, 1, 600, 2);
        Tensor v = leaf(DType.FLOAT64, 3, 1, 600, 2);
        GradCheck.check(x -> run(AttentionPath.BLOCKED, x[0], x[1], x[2], null, 0, true, null, 0), q, k, v)
                .orThrow();
    }

    @Test
    void pathRule() {
        Tensor shortQ = Tensor.zeros(1, 2, 512, 8);
        Tensor longQ = Tensor.zeros(1, 2, 1024, 8);
        assertEquals(AttentionPath.UNFUSED, F.attentionPath(shortQ, shortQ, null));
        assertEquals(AttentionPath.BLOCKED, F.attentionPath(longQ, longQ, null));
        assertEquals(AttentionPath.BLOCKED, F.attentionPath(Tensor.zeros(1, 1, 8), Tensor.zeros(1, 1 << 20, 8), null));
        Tensor gradMask = Tensor.zeros(1024, 1024).requiresGrad_(true);
        assertEquals(AttentionPath.UNFUSED, F.attentionPath(longQ, longQ, gradMask));
        assertEquals(AttentionPath.UNFUSED, F.attentionPath(longQ.to(DType.FLOAT16), longQ.to(DType.FLOAT16), null));
    }

    @Test
    void errorsNameTheProblem() {
        Tensor q = Tensor.zeros(2, 3, 4);
        Tensor k = Tensor.zeros(2, 5, 4);
        Tensor v = Tensor.zeros(2, 5, 6);
        for (AttentionPath path : new AttentionPath[] {AttentionPath.UNFUSED, AttentionPath.BLOCKED}) {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> run(path, q, Tensor.zeros(2, 5, 3), v, null, 0, false, null, 0)).getMessage();
            assertTrue(msg.contains("[2, 5, 3]"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> run(path, q, k, v, Tensor.ones(3, 5).to(DType.BOOL), 0, true, null, 0)).getMessage();
            assertTrue(msg.contains("isCausal"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> run(path, q, k, v, null, 1.5, false, null, 0)).getMessage();
            assertTrue(msg.contains("dropoutP"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> run(path, q, k, v, Tensor.zeros(3, 5).toLong(), 0, false, null, 0)).getMessage();
            assertTrue(msg.contains("mask"), msg);
        }
        String msg = assertThrows(IllegalArgumentException.class,
                () -> run(AttentionPath.BLOCKED, q, k, v, Tensor.zeros(4, 5).to(DType.BOOL), 0, false, null, 0)).getMessage();
        assertTrue(msg.contains("[4, 5]"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> run(AttentionPath.BLOCKED, q, k, v,
                Tensor.zeros(3, 5).requiresGrad_(true), 0, false, null, 0)).getMessage();
        assertTrue(msg.contains("requires grad"), msg);
        Tensor qg = q.requiresGrad_(true);
        Tensor out = run(AttentionPath.BLOCKED, qg, k, v, null, 0, false, null, 0);
        Tensor g = Tensor.ones(out.shape());
        assertThrows(IllegalStateException.class,
                () -> org.vesalius.autograd.Autograd.grad(new Tensor[] {out}, new Tensor[] {qg}, new Tensor[] {g}, true,
                        true, false));
    }
}
