package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Initializers: PyTorch's gains and fans (the numbers {@code torch.nn.init.calculate_gain} and
 * {@code _calculate_fan_in_and_fan_out} give), the bounds and spreads of the distributions, exact
 * orthogonality, and repeatability from a seed.
 */
class InitTest {

    @Test
    void gainsArePyTorchs() {
        // torch.nn.init.calculate_gain(...) for each name
        assertEquals(1.0, Init.calculateGain("linear"));
        assertEquals(1.0, Init.calculateGain("conv2d"));
        assertEquals(1.0, Init.calculateGain("sigmoid"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
        assertEquals(0.75, Init.calculateGain("selu"));
        assertEquals(1.4141428569978354, Init.calculateGain("leaky_relu"), 1e-15);
        assertEquals(1.3867504905630728, Init.calculateGain("leakyRelu", 0.2), 1e-15);
        assertEquals(Math.sqrt(2.0 / 6), Init.calculateGain("leaky_relu", Math.sqrt(5)), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish"));
        assertTrue(e.getMessage().startsWith("calculateGain: unsupported nonlinearity 'swish'"));
    }

    @Test
    void fansArePyTorchs() {
        try (Scope s = Scope.open()) {
            Tensor linear = Tensor.empty(3, 5);
            assertEquals(5, Init.fanIn(linear));
            assertEquals(3, Init.fanOut(linear));
            Tensor conv = Tensor.empty(8, 4, 3, 3);
            assertEquals(4 * 9, Init.fanIn(conv));
            assertEquals(8 * 9, Init.fanOut(conv));
            assertThrows(IllegalArgumentException.class, () -> Init.fanIn(Tensor.empty(4)));
        }
    }

    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = Arrays.stream(v).average().orElse(0);
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        double maxAbs = Arrays.stream(v).map(Math::abs).max().orElse(0);
        return new double[] {mean, Math.sqrt(var), maxAbs};
    }

    @Test
    void distributionsHaveTheDocumentedSpread() {
        Generator g = new Generator(42);
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.empty(256, 128, 3);
            int fanIn = 128 * 3;
            int fanOut = 256 * 3;
            double bound = Math.sqrt(6.0 / fanIn);
            double[] st = stats(Init.kaimingUniform_(w, g));
            assertTrue(st[2] <= bound, "kaiming uniform stays within sqrt(6 / fanIn)");
            assertEquals(bound / Math.sqrt(3), st[1], 0.02 * bound);
            st = stats(Init.kaimingNormal_(w, 0, Init.FanMode.FAN_OUT, "relu", g));
            assertEquals(Math.sqrt(2.0 / fanOut), st[1], 0.02 * Math.sqrt(2.0 / fanOut));
            assertEquals(0, st[0], 0.01 * st[1]);
            double xb = Math.sqrt(6.0 / (fanIn + fanOut));
            st = stats(Init.xavierUniform_(w, g));
            assertTrue(st[2] <= xb);
            assertEquals(xb / Math.sqrt(3), st[1], 0.02 * xb);
            st = stats(Init.xavierNormal_(w, 2.0, g));
            assertEquals(2 * Math.sqrt(2.0 / (fanIn + fanOut)), st[1], 0.02 * st[1]);
            st = stats(Init.normal_(w, 3, 0.5, g));
            assertEquals(3, st[0], 0.01);
            assertEquals(0.5, st[1], 0.01);
            st = stats(Init.uniform_(w, -2, -1, g));
            assertEquals(-1.5, st[0], 0.01);
            assertEquals(1 / Math.sqrt(12), st[1], 0.01);
        }
    }

    @Test
    void linearDefaultInitialisationIsPyTorchs() {
        // kaiming_uniform_(a=sqrt(5)) gives bound 1/sqrt(fanIn); the bias is uniform in the same bound
        try (Linear l = new Linear(400, 300, true, new Generator(1))) {
            double bound = 1 / Math.sqrt(400);
            double[] w = stats(l.weight());
            double[] b = stats(l.bias());
            assertTrue(w[2] <= bound && b[2] <= bound);
            assertEquals(bound / Math.sqrt(3), w[1], 0.02 * bound);
            assertTrue(w[2] > 0.99 * bound, "the bound is reached, not a narrower one");
        }
        try (Embedding e = new Embedding(500, 64, 0, new Generator(2))) {
            double[] st = stats(e.weight());
            assertEquals(1, st[1], 0.02, "embeddings start standard normal");
            try (Scope s = Scope.open()) {
                assertArrayEquals(new float[64], e.weight().select(0, 0).toFloatArray(), "the padding row starts at zero");
            }
        }
    }

    @Test
    void orthogonalIsOrthonormalAndScaledByGain() {
        Generator g = new Generator(9);
        try (Scope s = Scope.open()) {
            for (int[] shape : new int[][] {{6, 10}, {10, 6}, {4, 2, 3, 3}, {5, 5}}) {
                Tensor w = Init.orthogonal_(Tensor.empty(DType.FLOAT64, org.vesalius.tensor.Device.CPU, shape), 2.0, g);
                Tensor m = w.reshape(shape[0], -1).div(2.0);
                boolean wide = m.size(0) < m.size(1);
                Tensor gram = wide ? m.matmul(m.t()) : m.t().matmul(m);
                double[] v = gram.toDoubleArray();
                int n = gram.size(0);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(i == j ? 1 : 0, v[i * n + j], 1e-12, Arrays.toString(shape) + " gram[" + i + "," + j + "]");
                    }
                }
            }
            Tensor f32 = Init.orthogonal_(Tensor.empty(3, 3), new Generator(1));
            assertEquals(DType.FLOAT32, f32.dtype());
        }
    }

    @Test
    void aSeedMakesInitialisationRepeatable() {
        try (Linear a = new Linear(5, 4, true, new Generator(11)); Linear b = new Linear(5, 4, true, new Generator(11));
             Linear c = new Linear(5, 4, true, new Generator(12))) {
            assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray());
            assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray());
            assertFalse(Arrays.equals(a.weight().toFloatArray(), c.weight().toFloatArray()));
        }
    }

    @Test
    void constantsAndIdentity() {
        try (Linear l = new Linear(3, 3)) {
            assertArrayEquals(new float[9], Init.zeros_(l.weight()).toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1}, Init.ones_(l.bias()).toFloatArray());
            assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Init.eye_(l.weight()).toFloatArray());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, Init.constant_(l.bias(), 0.5).toFloatArray());
            assertTrue(l.weight().requiresGrad() && l.weight().isLeaf(), "filling keeps the parameter a leaf");
        }
    }
}
