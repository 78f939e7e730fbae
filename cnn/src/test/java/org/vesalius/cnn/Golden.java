package org.vesalius.cnn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Tensor;

/**
 * Reads the fixtures of {@code tools/golden/generate_cnn_layers.py} (tensors encoded as
 * {@code {"shape", "dtype", "data"}}, as the tensor-op parity suite's) and compares with them.
 */
final class Golden {
    private Golden() {
    }

    /** The bytes of {@code golden/<name>} on the test class path. */
    static byte[] bytes(String name) {
        String path = "golden/" + name;
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the test class path; run tools/golden/generate_cnn_layers.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The root object of {@code golden/<name>}. */
    static JsonObject json(String name) {
        return JsonParser.parseReader(new InputStreamReader(new java.io.ByteArrayInputStream(bytes(name)),
                StandardCharsets.UTF_8)).getAsJsonObject();
    }

    static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }

    static double[] values(JsonObject t) {
        JsonArray a = t.getAsJsonArray("data");
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    /** A float64 or int64 tensor as encoded; 0-dim shapes included. */
    static Tensor tensor(JsonObject t) {
        int[] shape = ints(t.getAsJsonArray("shape"));
        String dtype = t.get("dtype").getAsString();
        try (NoGrad ng = NoGrad.open()) {
            Tensor flat;
            if (dtype.equals("int64")) {
                JsonArray a = t.getAsJsonArray("data");
                long[] v = new long[a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.get(i).getAsLong();
                }
                flat = Tensor.of(v, v.length);
            } else if (dtype.equals("float64")) {
                double[] v = values(t);
                flat = Tensor.of(v, v.length);
            } else {
                throw new IllegalArgumentException("fixture dtype " + dtype + " not used by the cnn fixtures");
            }
            return flat.reshape(shape);
        }
    }

    /** Every entry of a JSON object of encoded tensors, in order. */
    static Map<String, Tensor> tensors(JsonObject o) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            m.put(e.getKey(), tensor(e.getValue().getAsJsonObject()));
        }
        return m;
    }

    /**
     * Fails unless {@code actual} has the shape and, element by element,
     * {@code |actual - expected| <= atol + rtol * |expected|}.
     */
    static void assertClose(String what, int[] shape, double[] expected, Tensor actual, double rtol, double atol) {
        if (!Arrays.equals(shape, actual.shape())) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actual.shape()) + ", PyTorch gives "
                    + Arrays.toString(shape));
        }
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %.17g, PyTorch gives %.17g "
                        + "(rtol %.1e, atol %.1e)", what, i, got[i], expected[i], rtol, atol));
            }
        }
    }

    /** {@link #assertClose(String, int[], double[], Tensor, double, double)} against an encoded tensor. */
    static void assertClose(String what, JsonObject expected, Tensor actual, double rtol, double atol) {
        assertClose(what, ints(expected.getAsJsonArray("shape")), values(expected), actual, rtol, atol);
    }
}
