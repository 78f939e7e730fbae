package org.vesalius.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.RnnWeights;
import org.vesalius.optim.Adam;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The fused kernel keeps the weights in its own layouts between calls ({@link RnnWeights}): every
 * write to a parameter (an optimizer step, an in-place op, a state dict) must reach the next call, and
 * a call with unchanged parameters must not reorder them again. Each check runs the fused layer beside
 * its composed twin (same parameters, tensor ops), which has no such cache.
 */
class FusedWeightsTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
        Assumptions.assumeTrue(Tensor.zeros(1).backend().supportsRnn(RnnMode.LSTM, DType.FLOAT32),
                "no fused kernel on this backend");
    }

    @AfterEach
    void close() {
        if (scope != null) {
            scope.close();
        }
    }

    /** One of each cell, uni- and bidirectional, batch-first and time-major, with and without bias. */
    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("lstm batch-first", (Maker) g -> new LSTM(6, 5, 1, true, true, 0, false, 0, g)),
                Arguments.of("lstm bidirectional 2 layers", (Maker) g -> new LSTM(6, 5, 2, true, false, 0, true, 0, g)),
                Arguments.of("gru bidirectional batch-first", (Maker) g -> new GRU(6, 5, 1, true, true, 0, true, g)),
                Arguments.of("gru no bias", (Maker) g -> new GRU(6, 5, 1, false, false, 0, false, g)),
                Arguments.of("rnn relu bidirectional", (Maker) g -> new RNN(6, 5, 1, "relu", true, true, 0, true, g)));
    }

    interface Maker {
        RNNBase make(Generator g);
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 2e-5 + 2e-4 * Math.abs(e[i]), what + " element " + i);
        }
    }

    private static Tensor input(RNNBase m, int batch, long seed) {
        return Tensor.randn(new Generator(seed), m.batchFirst() ? batch : 7, m.batchFirst() ? 7 : batch, 6);
    }

    /**
     * Three Adam steps with a large learning rate on twins: if the fused layer kept reordered weights from
     * before a step, its outputs, and then its gradients and parameters, would part from the composed ones.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void optimizerStepsReachTheKernel(String name, Maker maker) {
        RNNBase fused = maker.make(new Generator(7));
        RNNBase composed = maker.make(new Generator(7)).fused(false);
        Adam a = new Adam(fused.parameters(), 0.05);
        Adam b = new Adam(composed.parameters(), 0.05);
        Tensor x = input(fused, 4, 8);
        Tensor weight = Tensor.randn(new Generator(9), fused.forward(x).shape());
        for (int step = 0; step < 3; step++) {
            try (Scope s = Scope.open()) {
                a.zeroGrad();
                b.zeroGrad();
                Tensor yf = fused.forward(x);
                Tensor yc = composed.forward(x);
                assertClose(name + " output at step " + step, yc, yf);
                yf.mul(weight).sum().backward();
                yc.mul(weight).sum().backward();
                a.step();
                b.step();
            }
        }
        List<Tensor> pf = fused.parameters();
        List<Tensor> pc = composed.parameters();
        for (int i = 0; i < pf.size(); i++) {
            assertClose(name + " parameter " + i + " after 3 steps", pc.get(i), pf.get(i));
        }
    }

    /** Writes outside an optimizer: an in-place op on one parameter, then a whole state dict. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void inPlaceWritesAndStateDictsReachTheKernel(String name, Maker maker) {
        RNNBase fused = maker.make(new Generator(1));
        RNNBase composed = maker.make(new Generator(1)).fused(false);
        Tensor x = input(fused, 3, 2);
        try (NoGrad ng = NoGrad.open()) {
            assertClose(name + " before", composed.forward(x), fused.forward(x));
            for (RNNBase m : new RNNBase[] {fused, composed}) {
                m.parameters().get(1).mul_(-0.5);
            }
            assertClose(name + " after mul_ on one weight", composed.forward(x), fused.forward(x));
            RNNBase other = maker.make(new Generator(5));
            Map<String, Tensor> sd = new HashMap<>(other.stateDict());
            fused.loadStateDict(sd);
            composed.loadStateDict(sd);
            assertClose(name + " after loadStateDict", composed.forward(x), fused.forward(x));
        }
    }

    /**
     * Inference: oneDNN may pick other weight layouts without a graph (packed ones from batch 16 up), which
     * the cache keeps beside the training ones.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void inferenceOnSmallAndLargeBatchesMatchesTheComposedPath(String name, Maker maker) {
        RNNBase fused = maker.make(new Generator(3));
        RNNBase composed = maker.make(new Generator(3)).fused(false);
        try (NoGrad ng = NoGrad.open()) {
            for (int batch : new int[] {2, 20, 33, 20}) {
                Tensor x = input(fused, batch, batch);
                assertClose(name + " batch " + batch, composed.forward(x), fused.forward(x));
            }
        }
    }

    /** The weights are reordered once per parameter version, however often the layer runs in between. */
    @Test
    void weightsArePreparedOncePerUpdate() {
        Generator g = new Generator(4);
        Tensor wIh = Tensor.randn(g, 16, 3).requiresGrad_(true);
        Tensor wHh = Tensor.randn(g, 16, 4).requiresGrad_(true);
        Tensor bIh = Tensor.randn(g, 16).requiresGrad_(true);
        Tensor bHh = Tensor.randn(g, 16).requiresGrad_(true);
        try (RnnWeights w = new RnnWeights(RnnMode.LSTM, new Tensor[] {wIh}, new Tensor[] {wHh}, new Tensor[] {bIh},
                new Tensor[] {bHh})) {
            Tensor x = Tensor.randn(g, 5, 2, 3);
            Tensor h0 = Tensor.zeros(1, 2, 4);
            Tensor c0 = Tensor.zeros(1, 2, 4);
            Tensor first = null;
            for (int call = 0; call < 3; call++) {
                Tensor[] r = Tensor.rnnLayer(x, h0, c0, w);
                r[0].sum().backward();
                first = first == null ? r[0].detach() : first;
            }
            assertEquals(1, w.preparations(), "three forward and backward calls on unchanged weights");
            try (NoGrad ng = NoGrad.open()) {
                wHh.mul_(0.5);
            }
            Tensor after = Tensor.rnnLayer(x, h0, c0, w)[0];
            assertEquals(2, w.preparations(), "a write to one weight prepares them again");
            assertTrue(after.sub(first).abs().max().item() > 1e-3, "the new weights were used");
            w.close();
            assertClose("after close", after, Tensor.rnnLayer(x, h0, c0, w)[0]);
            assertEquals(3, w.preparations(), "closing frees the copy; the next call makes it again");
        }
    }
}
