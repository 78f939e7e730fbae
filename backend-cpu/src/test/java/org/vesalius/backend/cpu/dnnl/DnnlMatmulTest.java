package org.vesalius.backend.cpu.dnnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * float32 products small enough for oneDNN's matmul (CpuMatmul routes them there) against the same
 * products in float64 on OpenBLAS, for the layouts a training step produces: plain, transposed
 * operands (the backward products of a linear layer), slices, batches, broadcast batches (which stay
 * on OpenBLAS) and vectors.
 */
class DnnlMatmulTest {
    private static final Generator G = new Generator(2024);

    /** float32 rounding of k-term sums of products of numbers around 1. */
    private static void assertMatchesFloat64(Tensor a, Tensor b) {
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            Tensor got = a.matmul(b);
            Tensor want = a.to(DType.FLOAT64).matmul(b.to(DType.FLOAT64));
            assertArrayEquals(want.shape(), got.shape());
            double[] w = want.toDoubleArray();
            double[] g = got.toDoubleArray();
            int k = a.size(-1);
            String what = java.util.Arrays.toString(a.shape()) + " x " + java.util.Arrays.toString(b.shape());
            for (int i = 0; i < w.length; i++) {
                double tol = 2e-6 * Math.sqrt(k) * (1 + Math.abs(w[i]));
                if (!(Math.abs(w[i] - g[i]) <= tol)) {
                    assertEquals(w[i], g[i], tol, "element " + i + " of " + what);
                }
            }
        }
    }

    @Test
    void smallFloat32ProductsRunOnOneDnn() {
        assumeTrue(Dnnl.isAvailable(), "oneDNN not loaded");
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(G, 64, 800);
            Tensor w = Tensor.randn(G, 500, 800);
            long before = PrimitiveCache.shared().misses() + PrimitiveCache.shared().hits();
            assertMatchesFloat64(x, w.t());                       // linear forward: x W^T
            Tensor g = Tensor.randn(G, 64, 500);
            assertMatchesFloat64(g, w);                           // input gradient: g W
            assertMatchesFloat64(g.t(), x);                       // weight gradient: g^T x
            long after = PrimitiveCache.shared().misses() + PrimitiveCache.shared().hits();
            assertTrue(after - before >= 3, "the three products should have looked up oneDNN primitives");
        }
    }

    @Test
    void otherLayoutsAndShapes() {
        try (Scope s = Scope.open()) {
            Tensor big = Tensor.randn(G, 40, 30);
            assertMatchesFloat64(big.narrow(0, 3, 17).narrow(1, 2, 11), Tensor.randn(G, 11, 9));  // slices
            assertMatchesFloat64(Tensor.randn(G, 4, 7, 5), Tensor.randn(G, 4, 5, 6));           // batched
            assertMatchesFloat64(Tensor.randn(G, 4, 7, 5), Tensor.randn(G, 5, 6));              // broadcast batch
            assertMatchesFloat64(Tensor.randn(G, 4, 5, 7).transpose(1, 2), Tensor.randn(G, 4, 6, 5).mT());
            assertMatchesFloat64(Tensor.randn(G, 1, 9), Tensor.randn(G, 9, 1));                 // 1x1
            assertMatchesFloat64(Tensor.randn(G, 9), Tensor.randn(G, 9, 4));                    // vector x matrix
            assertMatchesFloat64(Tensor.randn(G, 3, 0), Tensor.randn(G, 0, 4));                 // empty k
            assertMatchesFloat64(Tensor.randn(G, 8, 8).permute(1, 0).narrow(1, 0, 5), Tensor.randn(G, 5, 3));
        }
    }
}
