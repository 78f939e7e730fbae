package org.vesalius.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vesalius.cnn.models.LeNet5;
import org.vesalius.nn.F;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * W2's LeNet-5 against the PyTorch network of {@code bench/scripts/torch_models.py}: its
 * PyTorch-initialised weights ({@code golden/lenet5.bin}) load under the same keys and give the same
 * logits, loss and gradients in float32.
 */
class LeNet5Test {
    /** float32 through two convolutions and an 800-term dot product: a few ulps of the largest value. */
    private static final double RTOL = 1e-4;

    private static Map<String, int[]> shapes;
    private static Map<String, float[]> arrays;
    private static long[] labels;

    @BeforeAll
    static void load() {
        JsonObject index = Golden.json("lenet5.json");
        FloatBuffer all = ByteBuffer.wrap(Golden.bytes("lenet5.bin")).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        shapes = new LinkedHashMap<>();
        arrays = new LinkedHashMap<>();
        for (JsonElement e : index.getAsJsonArray("arrays")) {
            JsonObject a = e.getAsJsonObject();
            int[] shape = Golden.ints(a.getAsJsonArray("shape"));
            float[] v = new float[Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
            all.get(a.get("offset").getAsInt(), v);
            shapes.put(a.get("name").getAsString(), shape);
            arrays.put(a.get("name").getAsString(), v);
        }
        labels = index.getAsJsonArray("labels").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
    }

    private static Tensor tensor(String name) {
        int[] shape = shapes.get(name);
        Tensor flat = Tensor.of(arrays.get(name), arrays.get(name).length);
        return flat.reshape(shape);
    }

    /** Fails unless every element is within RTOL of the largest expected magnitude. */
    private static void assertClose(String name, Tensor actual) {
        float[] want = arrays.get(name);
        double scale = 0;
        for (float w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        double[] expected = new double[want.length];
        for (int i = 0; i < want.length; i++) {
            expected[i] = want[i];
        }
        Golden.assertClose(name, shapes.get(name), expected, actual, RTOL, RTOL * scale);
    }

    @Test
    void pytorchWeightsGiveTheSameLogitsLossAndGradients() {
        try (Scope s = Scope.open(); LeNet5 net = new LeNet5(1, 10, new Generator(1))) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            shapes.keySet().stream().filter(k -> k.startsWith("state/")).forEach(k -> state.put(k.substring(6), tensor(k)));
            assertEquals(List.copyOf(state.keySet()), List.copyOf(net.stateDict().keySet()), "state-dict keys");
            net.loadStateDict(state);

            Tensor x = tensor("input").requiresGrad_(true);
            Tensor logits = net.forward(x);
            assertClose("logits", logits);
            Tensor loss = F.crossEntropy(logits, Tensor.of(labels, labels.length));
            assertClose("loss", loss);
            loss.backward();

            assertClose("grad/input", x.grad());
            Map<String, Tensor> params = net.namedParameters();
            for (String k : params.keySet()) {
                if (!k.equals("5.weight")) {
                    assertClose("grad/" + k, params.get(k).grad());
                }
            }
            // 5.weight's gradient through its products with the fixture's two random vectors
            Tensor g5 = params.get("5.weight").grad();
            assertClose("probe/grad/5.weight@v", g5.matmul(tensor("probe/v")));
            assertClose("probe/u@grad/5.weight", tensor("probe/u").matmul(g5));
        }
    }

    @Test
    void layoutAndStateDictKeysAreTheBenchmarksSequential() {
        try (LeNet5 net = new LeNet5(3, 7, new Generator(1))) {
            Map<String, Tensor> sd = net.stateDict();
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "5.weight", "5.bias", "7.weight", "7.bias"),
                    List.copyOf(sd.keySet()));
            assertEquals(List.of(20, 3, 5, 5), box(sd.get("0.weight").shape()));
            assertEquals(List.of(500, 800), box(sd.get("5.weight").shape()));
            assertEquals(List.of(7, 500), box(sd.get("7.weight").shape()));
            // W2's 431,080, plus two more input channels' 20 5x5 kernels, minus three classes' 500 weights and bias
            assertEquals(431_080 + 2 * 20 * 25 - 3 * 501, net.numParameters(), "parameter count");
            try (Scope s = Scope.open()) {
                Tensor y = net.forward(Tensor.zeros(2, 3, 28, 28));
                assertEquals(List.of(2, 7), box(y.shape()));
            }
        }
    }

    @Test
    void wrongImageShapeIsRejectedWithTheExpectedLayout() {
        try (Scope s = Scope.open(); LeNet5 net = new LeNet5()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(Tensor.zeros(2, 1, 32, 32)));
            assertTrue(e.getMessage().contains("[N, 1, 28, 28]") && e.getMessage().contains("[2, 1, 32, 32]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(2, 3, 28, 28)));
            assertTrue(e.getMessage().contains("[N, 1, 28, 28]"), e.getMessage());
        }
    }

    private static List<Integer> box(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
