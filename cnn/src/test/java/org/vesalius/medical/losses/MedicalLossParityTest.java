package org.vesalius.medical.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.nn.Loss;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Values and input gradients of the segmentation losses against MONAI's formulas evaluated in
 * PyTorch ({@code tools/golden/generate_medical.py}), in float64.
 */
class MedicalLossParityTest {

    @TestFactory
    Stream<DynamicTest> lossesMatchPyTorch() throws IOException {
        JsonArray cases = fixture("/golden/medical_losses.json").getAsJsonArray("cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("loss").getAsString() + "/" + c.get("label").getAsString();
            tests.add(DynamicTest.dynamicTest(name, () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonObject c) {
        try (Scope s = Scope.open()) {
            JsonObject o = c.getAsJsonObject("options");
            Tensor x = tensor(c.getAsJsonObject("input"), DType.FLOAT64).requiresGrad_(true);
            JsonObject t = c.getAsJsonObject("target");
            Tensor target = tensor(t, t.get("labels").getAsBoolean() ? DType.INT64 : DType.FLOAT64);
            Loss loss = build(c.get("loss").getAsString(), o);
            Tensor out = loss.forward(x, target);
            JsonObject expected = c.getAsJsonObject("output");
            assertArrayEquals(ints(expected.getAsJsonArray("shape")), out.shape(), "output shape");
            assertClose(doubles(expected.getAsJsonArray("data")), out.toDoubleArray(), "value");
            Tensor w = Tensor.of(doubles(c.getAsJsonArray("weight")), out.shape());
            out.mul(w).sum().backward();
            assertClose(doubles(c.getAsJsonArray("grad")), x.grad().toDoubleArray(), "input gradient");
        }
    }

    static Loss build(String name, JsonObject o) {
        Reduction r = Reduction.valueOf(o.get("reduction").getAsString());
        Activation act = Activation.valueOf(o.get("activation").getAsString());
        boolean oneHot = o.get("toOneHot").getAsBoolean();
        boolean bg = o.get("includeBackground").getAsBoolean();
        boolean batch = o.get("batch").getAsBoolean();
        switch (name) {
            case "DiceLoss":
                return new DiceLoss(r).activation(act).toOneHot(oneHot).includeBackground(bg).batch(batch)
                        .squaredPred(o.get("squaredPred").getAsBoolean()).jaccard(o.get("jaccard").getAsBoolean());
            case "TverskyLoss":
                return new TverskyLoss(o.get("alpha").getAsDouble(), o.get("beta").getAsDouble(), r)
                        .activation(act).toOneHot(oneHot).includeBackground(bg).batch(batch);
            case "GeneralizedDiceLoss":
                return new GeneralizedDiceLoss(GeneralizedDiceLoss.Weight.valueOf(o.get("weight").getAsString()), r)
                        .activation(act).toOneHot(oneHot).includeBackground(bg).batch(batch);
            case "FocalLoss":
                Double alpha = o.get("alpha").isJsonNull() ? null : o.get("alpha").getAsDouble();
                return new FocalLoss(o.get("gamma").getAsDouble(), alpha, o.get("softmax").getAsBoolean(), r)
                        .toOneHot(oneHot).includeBackground(bg);
            case "DiceCELoss":
                return new DiceCELoss(act, oneHot, bg, o.get("lambdaDice").getAsDouble(), o.get("lambdaCe").getAsDouble());
            default:
                throw new AssertionError("unknown loss " + name);
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-9 + 1e-7 * Math.abs(expected[i]), what + " [" + i + "]");
        }
    }

    static JsonObject fixture(String resource) throws IOException {
        try (Reader r = new InputStreamReader(MedicalLossParityTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    static Tensor tensor(JsonObject o, DType dtype) {
        Tensor t = Tensor.of(doubles(o.getAsJsonArray("data")), ints(o.getAsJsonArray("shape")));
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }
}
