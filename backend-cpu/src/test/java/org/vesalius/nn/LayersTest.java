package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Layers and activation modules compute what their functional forms and tensor ops compute (whose
 * values are checked against PyTorch by the tensor-op parity suite), with the shapes and errors
 * they document.
 */
class LayersTest {

    @Test
    void activationModulesEqualTheirFunctions() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(new Generator(4), 3, 5);
            Map<Module, Tensor> expected = Map.ofEntries(
                    Map.entry(new ReLU(), x.relu()), Map.entry(new LeakyReLU(), x.leakyRelu(0.01)),
                    Map.entry(new LeakyReLU(0.2), x.leakyRelu(0.2)), Map.entry(new ELU(), x.elu(1)),
                    Map.entry(new ELU(0.5), x.elu(0.5)), Map.entry(new SELU(), x.selu()), Map.entry(new GELU(), x.gelu()),
                    Map.entry(new GELU("tanh"), x.gelu("tanh")), Map.entry(new SiLU(), x.silu()),
                    Map.entry(new Sigmoid(), x.sigmoid()), Map.entry(new Tanh(), x.tanh()),
                    Map.entry(new Softmax(1), x.softmax(1)), Map.entry(new LogSoftmax(-1), x.logSoftmax(1)),
                    Map.entry(new Softplus(), x.softplus(1, 20)), Map.entry(new Softplus(2, 10), x.softplus(2, 10)),
                    Map.entry(new Identity(), x));
            expected.forEach((m, want) -> {
                assertArrayEquals(want.toFloatArray(), m.forward(x).toFloatArray(), m.toString());
                assertTrue(m.parameters().isEmpty() && m.stateDict().isEmpty(), m + " has no state");
            });
            assertEquals("LeakyReLU(negativeSlope=0.2)", new LeakyReLU(0.2).toString());
            assertEquals("GELU(approximate=tanh)", new GELU("tanh").toString());
            assertThrows(IllegalArgumentException.class, () -> new GELU("erf"));
        }
    }

    @Test
    void linearShapesAndErrors() {
        try (Linear l = new Linear(4, 3); Linear noBias = new Linear(4, 3, false); Scope s = Scope.open()) {
            assertArrayEquals(new int[] {2, 5, 3}, l.forward(Tensor.randn(2, 5, 4)).shape(), "leading dims are kept");
            Tensor x = Tensor.randn(6, 4);
            assertArrayEquals(x.matmul(l.weight().t()).add(l.bias()).toFloatArray(), l.forward(x).toFloatArray());
            assertNull(noBias.bias());
            assertEquals(List.of("weight"), List.copyOf(noBias.stateDict().keySet()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(64, 800)));
            assertEquals("linear: expected an input whose last dimension is 4 (inFeatures), got shape [64, 800]", e.getMessage());
        }
    }

    @Test
    void bilinearComputesTheBilinearForm() {
        try (Bilinear b = new Bilinear(3, 2, 4, true, new Generator(5)); Scope s = Scope.open()) {
            Tensor x1 = Tensor.randn(7, 3);
            Tensor x2 = Tensor.randn(7, 2);
            float[] y = b.forward(x1, x2).toFloatArray();
            float[] w = b.weight().toFloatArray();
            float[] bias = b.bias().toFloatArray();
            float[] a = x1.toFloatArray();
            float[] c = x2.toFloatArray();
            for (int n = 0; n < 7; n++) {
                for (int o = 0; o < 4; o++) {
                    double sum = bias[o];
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 2; j++) {
                            sum += a[n * 3 + i] * w[(o * 3 + i) * 2 + j] * c[n * 2 + j];
                        }
                    }
                    assertEquals(sum, y[n * 4 + o], 1e-5);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> b.forward(x1, Tensor.randn(6, 2)));
            assertThrows(IllegalArgumentException.class, () -> b.forward(x1, Tensor.randn(7, 3)));
        }
    }

    @Test
    void flattenAndIdentity() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(2, 3, 4, 5);
            assertArrayEquals(new int[] {2, 60}, new Flatten().forward(x).shape());
            assertArrayEquals(new int[] {2, 12, 5}, new Flatten(1, 2).forward(x).shape());
            assertSame(x, new Identity().forward(x));
        }
    }

    @Test
    void embeddingLooksUpRowsAndFreezesThePaddingRow() {
        try (Embedding e = new Embedding(6, 3, 0, new Generator(3)); Scope s = Scope.open()) {
            Tensor idx = Tensor.of(new long[] {2, 0, 5, 2}).reshape(2, 2);
            Tensor y = e.forward(idx);
            assertArrayEquals(new int[] {2, 2, 3}, y.shape());
            y.sum().backward();
            float[] g = e.weight().grad().toFloatArray();
            assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOfRange(g, 0, 3), "no gradient into the padding row");
            assertArrayEquals(new float[] {2, 2, 2}, java.util.Arrays.copyOfRange(g, 6, 9), "repeated indices add up");
            assertEquals("Embedding(6, 3, paddingIdx=0)", e.toString());
            assertThrows(IllegalArgumentException.class, () -> new Embedding(6, 3, 6, new Generator(1)));
        }
        try (Scope s = Scope.open()) {
            Tensor vectors = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            try (Embedding frozen = Embedding.fromPretrained(vectors, true)) {
                assertFalse(frozen.weight().requiresGrad());
                assertArrayEquals(new float[] {3, 4}, frozen.forward(Tensor.of(new long[] {1})).toFloatArray());
                assertFalse(vectors.isClosed(), "the caller's tensor is copied, not taken");
            }
        }
    }

    @Test
    void normalisationModulesMatchTheirOps() {
        try (LayerNorm ln = new LayerNorm(4); GroupNorm gn = new GroupNorm(2, 4); Scope s = Scope.open()) {
            Init.normal_(ln.weight(), 1, 0.1, new Generator(1));
            Init.normal_(gn.bias(), 0, 0.1, new Generator(2));
            Tensor x = Tensor.randn(new Generator(6), 3, 4, 5);
            Tensor t = x.transpose(1, 2);
            assertArrayEquals(t.layerNorm(new int[] {4}, ln.weight(), ln.bias(), 1e-5).toFloatArray(),
                    ln.forward(t).toFloatArray());
            assertArrayEquals(x.groupNorm(2, gn.weight(), gn.bias(), 1e-5).toFloatArray(), gn.forward(x).toFloatArray());
            assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
            assertEquals("GroupNorm(2, 4, eps=1.0E-5, affine=true)", gn.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
            assertEquals("GroupNorm: numChannels (4) must be divisible by numGroups (3)", e.getMessage());
            assertTrue(new LayerNorm(new int[] {4}, 1e-5, false).stateDict().isEmpty());
        }
    }

    @Test
    void batchNormChecksRankAndChannels() {
        try (BatchNorm2d bn = new BatchNorm2d(3); Scope s = Scope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 3, 4)));
            assertEquals("BatchNorm2d: expected 4D input, got 3D input of shape [2, 3, 4]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4, 3, 3)));
            assertEquals("BatchNorm2d: expected 3 channels (dim 1), got input of shape [2, 4, 3, 3]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 4, 5)));
            assertEquals("BatchNorm1d: expected 2D or 3D input, got 4D input of shape [2, 3, 4, 5]", e.getMessage());
            assertEquals(DType.INT64, bn.getBuffer("num_batches_tracked").dtype());
            assertEquals(Device.CPU, bn.runningMean().device());
        }
    }

    @Test
    void lossModulesRegisterTheirWeightsAsBuffers() {
        try (CrossEntropyLoss ce = new CrossEntropyLoss(Tensor.ones(3), -100, Reduction.MEAN, 0);
             BCEWithLogitsLoss bce = new BCEWithLogitsLoss(Tensor.ones(2, 1), Reduction.SUM, Tensor.ones(1))) {
            assertEquals(List.of("weight"), List.copyOf(ce.stateDict().keySet()));
            assertEquals(List.of("weight", "pos_weight"), List.copyOf(bce.stateDict().keySet()));
            assertTrue(ce.parameters().isEmpty());
            assertEquals(Reduction.SUM, bce.reduction());
            ce.to(DType.FLOAT64);
            assertEquals(DType.FLOAT64, ce.weight().dtype());
        }
    }
}
