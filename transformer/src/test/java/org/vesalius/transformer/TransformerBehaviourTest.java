package org.vesalius.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** Shapes, options, masks, modes, errors and float64 gradient checks of the layers. */
class TransformerBehaviourTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor randn(DType dtype, long seed, int... shape) {
        return Tensor.randn(dtype, Device.CPU, new Generator(seed), shape);
    }

    @Test
    void multiheadAttentionShapesAndNames() {
        MultiheadAttention m = new MultiheadAttention(8, 2, 0, true, false, false, 5, 6, true, new Generator(1));
        assertEquals(List.of("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight",
                "out_proj.bias"), List.copyOf(m.namedParameters().keySet()));
        Tensor q = randn(DType.FLOAT32, 1, 3, 4, 8);
        Tensor k = randn(DType.FLOAT32, 2, 3, 7, 5);
        Tensor v = randn(DType.FLOAT32, 3, 3, 7, 6);
        MultiheadAttention.Output o = m.forward(q, k, v, null, true, null, true);
        assertArrayEquals(new int[] {3, 4, 8}, o.output().shape());
        assertArrayEquals(new int[] {3, 4, 7}, o.weights().shape());
        // the averaged weights are rows of a softmax
        assertTrue(o.weights().sum(-1, false).sub(1).abs().max().item() < 1e-5);
        o = m.forward(q, k, v, null, true, null, false);
        assertArrayEquals(new int[] {3, 2, 4, 7}, o.weights().shape());
        assertNull(m.forward(q, k, v, null, false, null, true).weights());
        MultiheadAttention packed = new MultiheadAttention(8, 4, 0.1, false);
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(packed.namedParameters().keySet()));
        assertEquals(0, packed.getParameter("in_proj_bias").abs().sum().item(), 0, "PyTorch zeroes in_proj_bias");
        assertEquals(0, packed.getParameter("out_proj.bias").abs().sum().item(), 0, "and out_proj.bias");
        Tensor x = randn(DType.FLOAT32, 4, 6, 8);
        assertArrayEquals(new int[] {6, 8}, packed.eval().forward(x).shape(), "unbatched [L, E]");
        MultiheadAttention kv = new MultiheadAttention(8, 2, 0, true, true, true, 8, 8, false, new Generator(2));
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"),
                List.copyOf(kv.namedParameters().keySet()));
        assertArrayEquals(new int[] {4, 3, 6}, kv.forward(randn(DType.FLOAT32, 5, 3, 4, 8), randn(DType.FLOAT32, 6, 4,
                4, 8), randn(DType.FLOAT32, 7, 4, 4, 8), null, true, null, true).weights().shape(),
                "two extra keys: bias_k and the zero key");
    }

    @Test
    void batchFirstAndSequenceFirstAgree() {
        MultiheadAttention seqFirst = new MultiheadAttention(8, 2, 0, false);
        MultiheadAttention batchFirst = new MultiheadAttention(8, 2, 0, true);
        batchFirst.loadStateDict(seqFirst.stateDict());
        Tensor x = randn(DType.FLOAT64, 1, 2, 5, 8);
        seqFirst.to(DType.FLOAT64);
        batchFirst.to(DType.FLOAT64);
        Tensor a = seqFirst.forward(x.transpose(0, 1)).transpose(0, 1);
        Tensor b = batchFirst.forward(x);
        assertTrue(a.allclose(b, 1e-12, 1e-12));
    }

    @Test
    void boolAndFloatMasksAgree() {
        MultiheadAttention m = new MultiheadAttention(8, 2);
        m.to(DType.FLOAT64);
        Tensor x = randn(DType.FLOAT64, 3, 5, 2, 8);
        Tensor kpm = Tensor.of(new boolean[] {false, false, true, false, true, false, false, false, true, true}, 2, 5);
        Tensor causal = Transformer.generateSquareSubsequentMask(5, DType.FLOAT64);
        Tensor causalBool = causal.isInf();
        Tensor kpmFloat = Tensor.zeros(DType.FLOAT64, 2, 5).maskedFill(kpm, Double.NEGATIVE_INFINITY);
        Tensor a = m.forward(x, x, x, kpm, false, causalBool, true).output();
        Tensor b = m.forward(x, x, x, kpmFloat, false, causal, true).output();
        Tensor c = m.forward(x, x, x, kpm, false, causal, true).output();
        assertTrue(a.allclose(b, 1e-12, 1e-12));
        assertTrue(a.allclose(c, 1e-12, 1e-12));
    }

    @Test
    void dropoutOnlyInTraining() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.5, Activation.RELU, 1e-5, true, false,
                new Generator(3));
        Tensor x = randn(DType.FLOAT32, 4, 2, 6, 8);
        layer.eval();
        Tensor e1 = layer.forward(x);
        Tensor e2 = layer.forward(x);
        assertTrue(e1.equal(e2), "eval is deterministic");
        layer.train();
        Tensor t1 = layer.forward(x);
        Tensor t2 = layer.forward(x);
        assertFalse(t1.equal(t2), "training draws new dropout masks");
    }

    @Test
    void stacksCopyTheLayer() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0, Activation.GELU, 1e-5, false, true,
                new Generator(4));
        TransformerEncoder enc = new TransformerEncoder(layer, 3, null);
        Map<String, Tensor> sd = enc.stateDict();
        assertEquals(3 * layer.stateDict().size(), sd.size(), "no final norm");
        assertTrue(sd.get("layers.0.linear1.weight").equal(sd.get("layers.2.linear1.weight")),
                "copies start with the template's parameters");
        assertFalse(enc.layer(0).getParameter("linear1.weight") == enc.layer(1).getParameter("linear1.weight"),
                "but own them");
        Transformer t = new Transformer(8, 2, 2, 1, 16, 0.1, Activation.RELU, 1e-5, false, false, new Generator(5));
        assertTrue(t.namedParameters().containsKey("decoder.layers.0.multihead_attn.in_proj_weight"));
        assertTrue(t.namedParameters().containsKey("encoder.norm.weight"));
        assertFalse(t.namedParameters().containsKey("decoder.layers.1.linear1.weight"));
        Tensor src = randn(DType.FLOAT32, 6, 7, 3, 8);
        Tensor tgt = randn(DType.FLOAT32, 7, 5, 3, 8);
        assertArrayEquals(new int[] {5, 3, 8}, t.forward(src, tgt).shape());
        assertArrayEquals(new int[] {5, 8}, t.forward(src.select(1, 0), tgt.select(1, 0)).shape(), "unbatched");
    }

    @Test
    void squareSubsequentMask() {
        Tensor m = Transformer.generateSquareSubsequentMask(3);
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, inf, inf, 0, 0, inf, 0, 0, 0}, m.toFloatArray());
        assertEquals(DType.FLOAT32, m.dtype());
    }

    @Test
    void decoderIsCausalWithTheMask() {
        // with a causal target mask, position t's output does not depend on later target positions
        Transformer t = new Transformer(8, 2, 1, 2, 16, 0, Activation.RELU, 1e-5, true, false, new Generator(6));
        t.to(DType.FLOAT64).eval();
        Tensor src = randn(DType.FLOAT64, 8, 2, 5, 8);
        Tensor tgt = randn(DType.FLOAT64, 9, 2, 4, 8);
        Tensor changed = tgt.clone();
        changed.narrow(1, 3, 1).fill_(7);
        Tensor mask = Transformer.generateSquareSubsequentMask(4, DType.FLOAT64);
        Tensor a = t.forward(src, tgt, null, mask, null, null, null, null);
        Tensor b = t.forward(src, changed, null, mask, null, null, null, null);
        assertTrue(a.narrow(1, 0, 3).allclose(b.narrow(1, 0, 3), 1e-12, 1e-12));
        assertFalse(a.narrow(1, 3, 1).allclose(b.narrow(1, 3, 1), 1e-6, 1e-6));
    }

    @Test
    void gradientsCheck() {
        MultiheadAttention m = new MultiheadAttention(4, 2, 0, true, true, false, 3, 5, true, new Generator(7));
        m.to(DType.FLOAT64);
        Tensor kpm = Tensor.of(new boolean[] {false, true, false, false, false, true}, 2, 3);
        GradCheck.check(x -> m.forward(x[0], x[1], x[2], kpm, true, null, true).output(),
                randn(DType.FLOAT64, 1, 2, 2, 4).requiresGrad_(true), randn(DType.FLOAT64, 2, 2, 3, 3).requiresGrad_(true),
                randn(DType.FLOAT64, 3, 2, 3, 5).requiresGrad_(true)).orThrow();
        TransformerDecoderLayer layer = new TransformerDecoderLayer(4, 2, 6, 0, Activation.GELU, 1e-5, false, true,
                new Generator(8));
        layer.to(DType.FLOAT64);
        Tensor causal = Transformer.generateSquareSubsequentMask(3, DType.FLOAT64);
        GradCheck.check(x -> layer.forward(x[0], x[1], causal, null, null, null),
                randn(DType.FLOAT64, 4, 3, 2, 4).requiresGrad_(true), randn(DType.FLOAT64, 5, 4, 2, 4).requiresGrad_(true))
                .orThrow();
    }

    @Test
    void longSequencesTakeTheBlockedKernel() {
        // 1100 positions: 1.2M scores per head, above F.BLOCKED_ATTENTION_MIN_SCORES; needWeights forces the
        // composed path, so the two outputs come from different paths
        MultiheadAttention m = new MultiheadAttention(8, 2, 0, true, false, false, 8, 8, true, new Generator(9));
        Tensor x = randn(DType.FLOAT32, 10, 1, 1100, 8);
        Tensor blocked = m.forward(x, x, x, null, false, null, true).output();
        Tensor unfused = m.forward(x, x, x, null, true, null, true).output();
        assertTrue(blocked.allclose(unfused, 1e-4, 1e-5));
    }

    @Test
    void positionEncodings() {
        SinusoidalPositionalEncoding sin = new SinusoidalPositionalEncoding(6, 20, 0, true);
        assertTrue(sin.stateDict().isEmpty(), "the table is not part of the state");
        Tensor x = Tensor.zeros(2, 5, 6);
        Tensor whole = sin.forward(Tensor.zeros(2, 8, 6));
        assertTrue(sin.forward(x, 3).equal(whole.narrow(1, 3, 5)), "an offset continues the sequence");
        LearnedPositionalEmbedding learned = new LearnedPositionalEmbedding(10, 6, false, new Generator(1));
        Tensor y = learned.forward(Tensor.zeros(4, 3, 6), 2);
        assertTrue(y.select(1, 0).equal(learned.weight().narrow(0, 2, 4).detach()));
        String msg = assertThrows(IllegalArgumentException.class, () -> learned.forward(Tensor.zeros(9, 3, 6), 2))
                .getMessage();
        assertTrue(msg.contains("maxLen 10"), msg);
        RotaryEmbedding rope = new RotaryEmbedding(4);
        Tensor q = randn(DType.FLOAT64, 1, 1, 3, 6, 4);
        Tensor k = randn(DType.FLOAT64, 2, 1, 3, 6, 4);
        // the rotated dot product depends on the positions' difference only
        Tensor s0 = rope.forward(q, 0).matmul(rope.forward(k, 0).transpose(-2, -1));
        Tensor s5 = rope.forward(q, 5).matmul(rope.forward(k, 5).transpose(-2, -1));
        assertTrue(s0.allclose(s5, 1e-10, 1e-10));
    }

    @Test
    void errorsNameTheProblem() {
        String msg = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(10, 3)).getMessage();
        assertTrue(msg.contains("numHeads"), msg);
        MultiheadAttention m = new MultiheadAttention(8, 2);
        Tensor x = Tensor.zeros(5, 2, 8);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(x, x, x, Tensor.zeros(2, 4).to(DType.BOOL),
                false, null, true)).getMessage();
        assertTrue(msg.contains("keyPaddingMask") && msg.contains("[2, 5]"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(x, x, x, null, false,
                Tensor.zeros(5, 4), true)).getMessage();
        assertTrue(msg.contains("attnMask"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(5, 2, 7))).getMessage();
        assertTrue(msg.contains("feature sizes"), msg);
        Transformer t = new Transformer(8, 2, 1, 1, 16, 0, Activation.RELU, 1e-5, false, false, new Generator(1));
        msg = assertThrows(IllegalArgumentException.class, () -> t.forward(Tensor.zeros(5, 2, 8), Tensor.zeros(4, 3, 8)))
                .getMessage();
        assertTrue(msg.contains("batch size"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Activation.of("tanh")).getMessage();
        assertTrue(msg.contains("tanh"), msg);
    }
}
