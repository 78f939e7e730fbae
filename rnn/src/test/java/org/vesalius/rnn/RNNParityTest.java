package org.vesalius.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.nn.Module;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Every recurrent layer and cell against PyTorch 1.13 ({@code golden/rnn.json}, written by
 * {@code tools/golden/generate_rnn.py}): outputs, final states and the gradients of a weighted sum of
 * them with respect to the input, the initial states and every parameter, in float64.
 */
class RNNParityTest {
    private static final JsonObject ROOT = load();
    private static final Tolerance VALUES = new Tolerance(1e-10, 1e-12);
    private static final Tolerance GRADS = new Tolerance(1e-9, 1e-11);

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static JsonObject load() {
        try (InputStream in = RNNParityTest.class.getClassLoader().getResourceAsStream("golden/rnn.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> layers() {
        return cases("layers");
    }

    static Stream<Arguments> cells() {
        return cases("cells");
    }

    private static Stream<Arguments> cases(String kind) {
        List<Arguments> out = new ArrayList<>();
        for (JsonElement e : ROOT.getAsJsonArray(kind)) {
            JsonObject c = e.getAsJsonObject();
            out.add(Arguments.of(c.get("id").getAsString(), c));
        }
        return out.stream();
    }

    private static Tensor tensor(JsonObject c, String name) {
        return c.has(name) ? FixtureTensors.build(c.getAsJsonObject(name)) : null;
    }

    private static Tensor leaf(JsonObject c, String name) {
        Tensor t = tensor(c, name);
        return t == null ? null : t.requiresGrad_(true);
    }

    /** Loads the case's parameters (float64) and checks the state-dict keys are PyTorch's, in order. */
    private static void loadParams(Module m, JsonObject c) {
        m.to(DType.FLOAT64);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("params").entrySet()) {
            sd.put(e.getKey(), FixtureTensors.build(e.getValue().getAsJsonObject()));
            order.add(e.getKey());
        }
        assertEquals(order, new ArrayList<>(m.namedParameters().keySet()), "parameter names and order");
        m.loadStateDict(sd);
    }

    private static RNNBase layer(JsonObject c) {
        int in = c.get("inputSize").getAsInt();
        int hidden = c.get("hiddenSize").getAsInt();
        int layers = c.get("numLayers").getAsInt();
        boolean bidir = c.get("bidirectional").getAsBoolean();
        boolean bf = c.get("batchFirst").getAsBoolean();
        boolean bias = c.get("bias").getAsBoolean();
        Generator g = new Generator(0);
        switch (c.get("kind").getAsString()) {
            case "RNN":
                return new RNN(in, hidden, layers, c.get("nonlinearity").getAsString(), bias, bf, 0, bidir, g);
            case "LSTM":
                return new LSTM(in, hidden, layers, bias, bf, 0, bidir, c.get("projSize").getAsInt(), g);
            default:
                return new GRU(in, hidden, layers, bias, bf, 0, bidir, g);
        }
    }

    private static void expect(JsonObject c, String name, Tensor actual, Tolerance tol) {
        FixtureTensors.assertValues(c.get("id").getAsString() + " " + name, c.getAsJsonObject(name), actual, tol);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerMatchesPyTorch(String id, JsonObject c) {
        RNNBase m = layer(c);
        loadParams(m, c);
        m.fused(false);
        checkLayer(id, c, m, DType.FLOAT64, VALUES, GRADS, false);
    }

    /** Float32 through the backend's fused kernel: outputs and gradients against PyTorch's float64 numbers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void fusedFloat32LayerMatchesPyTorch(String id, JsonObject c) {
        RNNBase m = layer(c);
        loadParams(m, c);
        m.to(DType.FLOAT32);
        org.junit.jupiter.api.Assumptions.assumeTrue(c.get("projSize").getAsInt() == 0,
                "projected LSTMs compose tensor ops");
        org.junit.jupiter.api.Assumptions.assumeTrue(Tensor.zeros(1).backend().supportsRnn(m.mode(), DType.FLOAT32),
                "no fused kernel on this backend");
        checkLayer(id, c, m, DType.FLOAT32, F32, F32, true);
    }

    private void checkLayer(String id, JsonObject c, RNNBase m, DType dtype, Tolerance values, Tolerance grads,
                            boolean fused) {
        Tensor x = leaf(c, "input", dtype);
        Tensor h0 = leaf(c, "h0", dtype);
        Tensor c0 = leaf(c, "c0", dtype);
        Tensor out;
        Tensor h;
        Tensor cn;
        JsonObject w = c.getAsJsonObject("gradWeights");
        if (c.has("lengths")) {
            long[] lengths = new long[c.getAsJsonArray("lengths").size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = c.getAsJsonArray("lengths").get(i).getAsLong();
            }
            PackedSequence packed = RNNUtils.packPaddedSequence(x, lengths, m.batchFirst(), false);
            PackedRNNResult r = m.run(packed, h0, c0);
            out = r.output().data();
            h = r.h();
            cn = r.c();
            RNNUtils.Padded padded = RNNUtils.padPackedSequence(r.output(), m.batchFirst(), 0, -1);
            expect(c, "padded", padded.padded(), values);
        } else {
            RNNResult r = m.run(x, h0, c0);
            out = r.output();
            h = r.h();
            cn = r.c();
        }
        org.junit.jupiter.api.Assertions.assertEquals(fused, reaches(out, "rnnLayer", 12), "whether the fused kernel ran");
        expect(c, "output", out, values);
        expect(c, "h", h, values);
        Tensor loss = out.mul(weight(w, "output", dtype)).sum().add(h.mul(weight(w, "h", dtype)).sum());
        if (cn != null) {
            expect(c, "c", cn, values);
            loss = loss.add(cn.mul(weight(w, "c", dtype)).sum());
        }
        loss.backward();
        expect(c, "gradInput", x.grad(), grads);
        if (h0 != null) {
            expect(c, "gradH0", h0.grad(), grads);
        }
        if (c0 != null) {
            expect(c, "gradC0", c0.grad(), grads);
        }
        JsonObject pg = c.getAsJsonObject("grads");
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            FixtureTensors.assertValues(id + (fused ? " fused" : "") + " grad " + p.getKey(),
                    pg.getAsJsonObject(p.getKey()), p.getValue().grad(), grads);
        }
    }

    private static Tensor weight(JsonObject w, String name, DType dtype) {
        return FixtureTensors.build(w.getAsJsonObject(name)).to(dtype);
    }

    private static Tensor leaf(JsonObject c, String name, DType dtype) {
        Tensor t = tensor(c, name);
        return t == null ? null : t.to(dtype).requiresGrad_(true);
    }

    private static final Tolerance F32 = new Tolerance(2e-4, 2e-5);

    /** Whether an op named {@code op} produced {@code t} within {@code depth} recorded ops. */
    static boolean reaches(Tensor t, String op, int depth) {
        if (t == null || t.gradFn() == null || depth == 0) {
            return false;
        }
        if (t.gradFn().name().equals(op)) {
            return true;
        }
        for (Tensor in : t.gradFn().inputs()) {
            if (reaches(in, op, depth - 1)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cellMatchesPyTorch(String id, JsonObject c) {
        int in = c.get("inputSize").getAsInt();
        int hidden = c.get("hiddenSize").getAsInt();
        boolean bias = c.get("bias").getAsBoolean();
        Generator g = new Generator(0);
        String kind = c.get("kind").getAsString();
        RNNCellBase m = kind.equals("RNNCell") ? new RNNCell(in, hidden, bias, c.get("nonlinearity").getAsString(), g)
                : kind.equals("LSTMCell") ? new LSTMCell(in, hidden, bias, g) : new GRUCell(in, hidden, bias, g);
        loadParams(m, c);
        Tensor x = leaf(c, "input");
        Tensor h0 = leaf(c, "h0");
        Tensor c0 = leaf(c, "c0");
        Tensor h;
        Tensor cn = null;
        if (m instanceof LSTMCell) {
            LSTMCell.State s = ((LSTMCell) m).forward(x, h0, c0);
            h = s.h();
            cn = s.c();
        } else if (m instanceof GRUCell) {
            h = ((GRUCell) m).forward(x, h0);
        } else {
            h = ((RNNCell) m).forward(x, h0);
        }
        JsonObject w = c.getAsJsonObject("gradWeights");
        expect(c, "h", h, VALUES);
        Tensor loss = h.mul(FixtureTensors.build(w.getAsJsonObject("h"))).sum();
        if (cn != null) {
            expect(c, "c", cn, VALUES);
            loss = loss.add(cn.mul(FixtureTensors.build(w.getAsJsonObject("c"))).sum());
        }
        loss.backward();
        expect(c, "gradInput", x.grad(), GRADS);
        expect(c, "gradH0", h0.grad(), GRADS);
        if (c0 != null) {
            expect(c, "gradC0", c0.grad(), GRADS);
        }
        JsonObject grads = c.getAsJsonObject("grads");
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            FixtureTensors.assertValues(id + " grad " + p.getKey(), grads.getAsJsonObject(p.getKey()), p.getValue().grad(),
                    GRADS);
        }
    }
}
