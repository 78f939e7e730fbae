package org.vesalius.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** Shapes, errors, dropout and finite-difference gradient checks of the recurrent layers. */
class RNNBehaviourTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void shapesOfEveryConfiguration() {
        LSTM lstm = new LSTM(6, 8, 2, true, 0, true);
        RNNResult r = lstm.forward(Tensor.randn(4, 5, 6), null, null);
        assertArrayEquals(new int[] {4, 5, 16}, r.output().shape());
        assertArrayEquals(new int[] {4, 4, 8}, r.h().shape());
        assertArrayEquals(new int[] {4, 4, 8}, r.c().shape());
        GRU gru = new GRU(6, 8);
        RNNResult g = gru.forward(Tensor.randn(5, 6), null);
        assertArrayEquals(new int[] {5, 8}, g.output().shape());
        assertArrayEquals(new int[] {1, 8}, g.h().shape());
        assertNull(g.c());
        LSTM proj = new LSTM(6, 8, 1, true, false, 0, false, 3, new Generator(1));
        assertArrayEquals(new int[] {5, 2, 3}, proj.forward(Tensor.randn(5, 2, 6)).shape());
        assertEquals(java.util.List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"),
                new java.util.ArrayList<>(proj.namedParameters().keySet()));
    }

    @Test
    void clearErrors() {
        LSTM lstm = new LSTM(6, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.randn(4, 5, 7)))
                .getMessage().contains("7 features, expected inputSize 6"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.randn(4, 5, 6), Tensor.zeros(1, 4, 8), null)).getMessage().contains("h0 must have shape [1, 5, 8]"));
        assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.randn(4)));
        assertThrows(IllegalArgumentException.class, () -> new GRU(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new GRU(3, 4, 1, false, 1.5, false));
        assertThrows(IllegalArgumentException.class, () -> new LSTM(3, 4, 1, true, false, 0, false, 4, new Generator(0)));
        assertThrows(IllegalArgumentException.class, () -> new RNN(3, 4, 1, "sigmoid", true, false, 0, false, new Generator(0)));
        assertThrows(IllegalArgumentException.class, () -> new GRUCell(3, 4).forward(Tensor.randn(2, 3), Tensor.zeros(2, 5)));
    }

    @Test
    void fusedAndComposedPathsAgreeInFloat32() {
        for (RNNBase m : new RNNBase[] {new LSTM(5, 6, 2, true, 0, true), new GRU(5, 6, 2, false, 0, true),
            new RNN(5, 6, 1, "relu", true, false, 0, true, new Generator(3))}) {
            Tensor x = Tensor.randn(new Generator(4), m.batchFirst() ? 3 : 7, m.batchFirst() ? 7 : 3, 5);
            Tensor fused = m.forward(x);
            m.fused(false);
            Tensor composed = m.forward(x);
            m.fused(true);
            float[] a = fused.toFloatArray();
            float[] b = composed.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 2e-5, m + " element " + i);
            }
        }
    }

    @Test
    void fusedKernelRefusesASecondDerivativeClearly() {
        LSTM lstm = new LSTM(3, 4);
        Tensor x = Tensor.randn(5, 2, 3).requiresGrad_(true);
        Tensor y = lstm.forward(x).sum();
        Tensor g = org.vesalius.autograd.Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, false, false)[0];
        assertTrue(g != null);
        Tensor y2 = lstm.forward(x).sum();
        String m = assertThrows(IllegalStateException.class, () -> org.vesalius.autograd.Autograd.grad(
                new Tensor[] {y2}, new Tensor[] {x}, null, true, true, false)).getMessage();
        assertTrue(m.contains("fused(false)"), m);
        lstm.fused(false);
        Tensor y3 = lstm.forward(x).sum();
        Tensor g3 = org.vesalius.autograd.Autograd.grad(new Tensor[] {y3}, new Tensor[] {x}, null, true, true, false)[0];
        g3.sum().backward();
        assertTrue(x.grad() != null);
    }

    @Test
    void dropoutActsBetweenLayersOnlyWhenTraining() {
        GRU gru = new GRU(3, 4, 2, false, 0.5, false);
        Tensor x = Tensor.randn(6, 2, 3);
        gru.eval();
        Tensor a = gru.forward(x);
        Tensor b = gru.forward(x);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        gru.train();
        assertFalse(java.util.Arrays.equals(a.toFloatArray(), gru.forward(x).toFloatArray()));
    }

    @Test
    void packedBidirectionalLstmPassesGradCheck() {
        LSTM lstm = new LSTM(2, 3, 2, true, false, 0, true, 0, new Generator(5));
        lstm.to(DType.FLOAT64);
        Tensor x = Tensor.randn(DType.FLOAT64, org.vesalius.tensor.Device.CPU, new Generator(6), 4, 3, 2).requiresGrad_(true);
        GradCheck.check(in -> {
            PackedSequence p = RNNUtils.packPaddedSequence(in[0], new long[] {2, 4, 3}, false, false);
            PackedRNNResult r = lstm.forward(p, null, null);
            return Tensor.cat(0, r.output().data().reshape(-1), r.h().reshape(-1), r.c().reshape(-1));
        }, x).orThrow();
    }

    @Test
    void packedForwardWithoutStatesIsTheSameForEveryLayerHeldAsRnnBase() {
        Tensor x = Tensor.randn(DType.FLOAT32, org.vesalius.tensor.Device.CPU, new Generator(12), 3, 5, 2);
        long[] lengths = {5, 2, 4};
        RNNBase[] layers = {new LSTM(2, 3, 1, true, true, 0, true, 0, new Generator(13)),
                new GRU(2, 3, 2, true, true, 0, false, new Generator(14)),
                new RNN(2, 3, 1, "tanh", true, true, 0, true, new Generator(15))};
        for (RNNBase layer : layers) {
            PackedSequence p = RNNUtils.packPaddedSequence(x, lengths, true, false);
            PackedRNNResult a = layer.forward(p);
            PackedRNNResult b = layer instanceof LSTM l ? l.forward(p, null, null)
                    : layer instanceof GRU g ? g.forward(p, null) : ((RNN) layer).forward(p, null);
            String name = layer.getClass().getSimpleName();
            assertArrayEquals(b.output().data().toFloatArray(), a.output().data().toFloatArray(), name);
            assertArrayEquals(b.h().toFloatArray(), a.h().toFloatArray(), name);
            assertArrayEquals(new int[] {layer.numLayers() * (layer.bidirectional() ? 2 : 1), 3, 3}, a.h().shape(), name);
            if (layer instanceof LSTM) {
                assertArrayEquals(b.c().toFloatArray(), a.c().toFloatArray(), name);
            }
        }
        PackedSequence none = null;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layers[0].forward(none));
        assertTrue(e.getMessage().contains("LSTM") && e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void gruAndRnnPassGradCheckWithStates() {
        GRU gru = new GRU(2, 3, 1, true, true, 0, true, new Generator(7));
        gru.to(DType.FLOAT64);
        Tensor x = Tensor.randn(DType.FLOAT64, org.vesalius.tensor.Device.CPU, new Generator(8), 2, 3, 2).requiresGrad_(true);
        Tensor h0 = Tensor.randn(DType.FLOAT64, org.vesalius.tensor.Device.CPU, new Generator(9), 2, 2, 3).requiresGrad_(true);
        GradCheck.check(in -> {
            RNNResult r = gru.forward(in[0], in[1]);
            return Tensor.cat(0, r.output().reshape(-1), r.h().reshape(-1));
        }, x, h0).orThrow();
        RNN rnn = new RNN(2, 3, 2, "relu", true, false, 0, false, new Generator(10));
        rnn.to(DType.FLOAT64);
        Tensor y = Tensor.randn(DType.FLOAT64, org.vesalius.tensor.Device.CPU, new Generator(11), 3, 2, 2).requiresGrad_(true);
        GradCheck.check(in -> rnn.forward(in[0]), y).orThrow();
    }
}
