package org.vesalius.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Module;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * {@link MultiheadAttention}, the encoder and decoder layers and stacks, a whole {@link Transformer} and
 * the position encodings against PyTorch 1.13 ({@code golden/transformer.json}, written by
 * {@code tools/golden/generate_transformer.py}): each case's PyTorch state dict is loaded by name
 * (the keys and their order must be PyTorch's), then outputs, attention weights and the gradients of
 * {@code sum(output * w)} with respect to the inputs and every parameter are compared in float64, in
 * eval mode (dropout 0.1 off) and train mode (dropout 0), with key padding, causal and memory masks.
 */
class TransformerParityTest {
    private static final JsonObject ROOT = Golden.load("transformer.json");
    private static final Tolerance VALUES = new Tolerance(1e-10, 1e-12);
    private static final Tolerance GRADS = new Tolerance(1e-9, 1e-11);
    private static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-5);

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static Stream<Arguments> mha() {
        return Golden.cases(ROOT, "mha");
    }

    static Stream<Arguments> layers() {
        return Golden.cases(ROOT, "layers");
    }

    static Stream<Arguments> transformers() {
        return Golden.cases(ROOT, "transformers");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mha")
    void multiheadAttention(String id, JsonObject c) {
        JsonObject cfg = c.getAsJsonObject("config");
        MultiheadAttention m = new MultiheadAttention(cfg.get("embedDim").getAsInt(), cfg.get("numHeads").getAsInt(), 0,
                cfg.get("bias").getAsBoolean(), cfg.get("addBiasKv").getAsBoolean(), cfg.get("addZeroAttn").getAsBoolean(),
                cfg.get("kdim").getAsInt(), cfg.get("vdim").getAsInt(), cfg.get("batchFirst").getAsBoolean(),
                new Generator(0));
        Map<String, Tensor> in = inputs(c, DType.FLOAT64);
        Map<String, Tensor> masks = masks(c, DType.FLOAT64);
        load(m, c, DType.FLOAT64);
        Tensor q = in.get("query");
        Tensor k = cfg.get("selfAttention").getAsBoolean() ? q : in.get("key");
        Tensor v = cfg.get("selfAttention").getAsBoolean() ? q : in.get("value");
        MultiheadAttention.Output out = m.forward(q, k, v, masks.get("keyPaddingMask"),
                cfg.get("needWeights").getAsBoolean(), masks.get("attnMask"), cfg.get("averageAttnWeights").getAsBoolean());
        check(c, m, in, out.output(), out.weights());
        m.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layersAndStacks(String id, JsonObject c) {
        JsonObject cfg = c.getAsJsonObject("config");
        Map<String, Tensor> in = inputs(c, DType.FLOAT64);
        Map<String, Tensor> ms = masks(c, DType.FLOAT64);
        int numLayers = cfg.get("numLayers").getAsInt();
        Module m;
        Tensor out;
        if (in.containsKey("src")) {
            TransformerEncoderLayer layer = encoderLayer(cfg);
            if (numLayers > 0) {
                TransformerEncoder enc = new TransformerEncoder(layer, numLayers, norm(cfg));
                layer.close();
                load(enc, c, DType.FLOAT64);
                out = enc.forward(in.get("src"), ms.get("srcMask"), ms.get("srcKeyPaddingMask"));
                m = enc;
            } else {
                load(layer, c, DType.FLOAT64);
                out = layer.forward(in.get("src"), ms.get("srcMask"), ms.get("srcKeyPaddingMask"));
                m = layer;
            }
        } else {
            TransformerDecoderLayer layer = decoderLayer(cfg);
            if (numLayers > 0) {
                TransformerDecoder dec = new TransformerDecoder(layer, numLayers, norm(cfg));
                layer.close();
                load(dec, c, DType.FLOAT64);
                out = dec.forward(in.get("tgt"), in.get("memory"), ms.get("tgtMask"), ms.get("memoryMask"),
                        ms.get("tgtKeyPaddingMask"), ms.get("memoryKeyPaddingMask"));
                m = dec;
            } else {
                load(layer, c, DType.FLOAT64);
                out = layer.forward(in.get("tgt"), in.get("memory"), ms.get("tgtMask"), ms.get("memoryMask"),
                        ms.get("tgtKeyPaddingMask"), ms.get("memoryKeyPaddingMask"));
                m = layer;
            }
        }
        check(c, m, in, out, null);
        m.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void wholeTransformerFromAPyTorchStateDict(String id, JsonObject c) {
        Transformer m = transformer(c.getAsJsonObject("config"));
        Map<String, Tensor> in = inputs(c, DType.FLOAT64);
        load(m, c, DType.FLOAT64);
        check(c, m, in, run(m, in, masks(c, DType.FLOAT64)), null);
        m.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void wholeTransformerInFloat32(String id, JsonObject c) {
        Transformer m = transformer(c.getAsJsonObject("config"));
        Map<String, Tensor> in = inputs(c, DType.FLOAT32);
        load(m, c, DType.FLOAT32);
        Tensor out = run(m, in, masks(c, DType.FLOAT32));
        FixtureTensors.assertValues(id + " float32 output", c.getAsJsonArray("outputs").get(0).getAsJsonObject(), out,
                FLOAT32);
        m.close();
    }

    @Test
    void sinusoidalTable() {
        JsonObject p = ROOT.getAsJsonObject("positions").getAsJsonObject("sinusoidal");
        Tensor pe = SinusoidalPositionalEncoding.table(p.get("maxLen").getAsInt(), p.get("dModel").getAsInt());
        FixtureTensors.assertValues("sinusoidal pe", p.getAsJsonObject("pe"), pe, new Tolerance(0, 1e-6));
    }

    @Test
    void rotary() {
        JsonObject p = ROOT.getAsJsonObject("positions").getAsJsonObject("rotary");
        RotaryEmbedding rope = new RotaryEmbedding(p.get("dim").getAsInt(), p.get("base").getAsDouble());
        Tensor x = Golden.tensor(p, "input").requiresGrad_(true);
        Tensor out = rope.forward(x, p.get("offset").getAsInt());
        FixtureTensors.assertValues("rotary output", p.getAsJsonObject("output"), out, VALUES);
        out.mul(Golden.tensor(p, "gradWeight")).sum().backward();
        FixtureTensors.assertValues("rotary grad", p.getAsJsonObject("gradInput"), x.grad(), GRADS);
    }

    // ------------------------------------------------------------------ building

    static Activation activation(JsonObject cfg) {
        return Activation.of(cfg.get("activation").getAsString());
    }

    static TransformerEncoderLayer encoderLayer(JsonObject cfg) {
        return new TransformerEncoderLayer(cfg.get("dModel").getAsInt(), cfg.get("nhead").getAsInt(),
                cfg.get("dimFeedforward").getAsInt(), cfg.get("dropout").getAsDouble(), activation(cfg),
                cfg.get("layerNormEps").getAsDouble(), cfg.get("batchFirst").getAsBoolean(),
                cfg.get("normFirst").getAsBoolean(), new Generator(0));
    }

    static TransformerDecoderLayer decoderLayer(JsonObject cfg) {
        return new TransformerDecoderLayer(cfg.get("dModel").getAsInt(), cfg.get("nhead").getAsInt(),
                cfg.get("dimFeedforward").getAsInt(), cfg.get("dropout").getAsDouble(), activation(cfg),
                cfg.get("layerNormEps").getAsDouble(), cfg.get("batchFirst").getAsBoolean(),
                cfg.get("normFirst").getAsBoolean(), new Generator(0));
    }

    static LayerNorm norm(JsonObject cfg) {
        return new LayerNorm(new int[] {cfg.get("dModel").getAsInt()}, cfg.get("layerNormEps").getAsDouble(), true);
    }

    static Transformer transformer(JsonObject cfg) {
        return new Transformer(cfg.get("dModel").getAsInt(), cfg.get("nhead").getAsInt(),
                cfg.get("numEncoderLayers").getAsInt(), cfg.get("numDecoderLayers").getAsInt(),
                cfg.get("dimFeedforward").getAsInt(), cfg.get("dropout").getAsDouble(), activation(cfg),
                cfg.get("layerNormEps").getAsDouble(), cfg.get("batchFirst").getAsBoolean(),
                cfg.get("normFirst").getAsBoolean(), new Generator(0));
    }

    static Tensor run(Transformer m, Map<String, Tensor> in, Map<String, Tensor> ms) {
        return m.forward(in.get("src"), in.get("tgt"), ms.get("srcMask"), ms.get("tgtMask"), ms.get("memoryMask"),
                ms.get("srcKeyPaddingMask"), ms.get("tgtKeyPaddingMask"), ms.get("memoryKeyPaddingMask"));
    }

    /** Loads the case's state dict into {@code m} (cast to dtype), sets its mode, checks the key order. */
    static void load(Module m, JsonObject c, DType dtype) {
        m.to(dtype);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("params").entrySet()) {
            sd.put(e.getKey(), FixtureTensors.build(e.getValue().getAsJsonObject()));
        }
        List<String> order = new ArrayList<>();
        c.getAsJsonArray("paramOrder").forEach(e -> order.add(e.getAsString()));
        assertEquals(order, new ArrayList<>(m.namedParameters().keySet()), "parameter names and order");
        m.loadStateDict(sd);
        m.train("train".equals(c.get("mode").getAsString()));
    }

    static Map<String, Tensor> inputs(JsonObject c, DType dtype) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("inputs").entrySet()) {
            out.put(e.getKey(), FixtureTensors.build(e.getValue().getAsJsonObject()).to(dtype).requiresGrad_(true));
        }
        return out;
    }

    /** Bool masks as they are, float masks in {@code dtype}. */
    static Map<String, Tensor> masks(JsonObject c, DType dtype) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("masks").entrySet()) {
            Tensor t = FixtureTensors.build(e.getValue().getAsJsonObject());
            out.put(e.getKey(), t.dtype() == DType.BOOL ? t : t.to(dtype));
        }
        return out;
    }

    /** Outputs, then the gradients of {@code sum(output_i * w_i)} for the inputs and (when recorded) the parameters. */
    private static void check(JsonObject c, Module m, Map<String, Tensor> in, Tensor out, Tensor weights) {
        String id = c.get("id").getAsString();
        Tensor[] outs = {out, weights};
        Tensor loss = null;
        for (int i = 0; i < c.getAsJsonArray("outputs").size(); i++) {
            JsonElement want = c.getAsJsonArray("outputs").get(i);
            if (want.isJsonNull()) {
                assertEquals(null, outs[i], id + " output " + i + " should be absent");
                continue;
            }
            FixtureTensors.assertValues(id + " output " + i, want.getAsJsonObject(), outs[i], VALUES);
            Tensor w = FixtureTensors.build(c.getAsJsonArray("gradWeights").get(i).getAsJsonObject());
            Tensor term = outs[i].mul(w).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("gradInputs").entrySet()) {
            FixtureTensors.assertValues(id + " grad " + e.getKey(), e.getValue().getAsJsonObject(),
                    in.get(e.getKey()).grad(), GRADS);
        }
        if (c.has("grads")) {
            Map<String, Tensor> params = m.namedParameters();
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("grads").entrySet()) {
                FixtureTensors.assertValues(id + " grad " + e.getKey(), e.getValue().getAsJsonObject(),
                        params.get(e.getKey()).grad(), GRADS);
            }
        }
    }
}
