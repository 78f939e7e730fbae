package org.vesalius.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Reads the fixtures {@code tools/golden/generate_training.py} writes ({@code losses.json},
 * {@code modules.json}, {@code optimizers.json}) and compares with them, reusing the tensor-op parity
 * suite's JSON tensor format ({@link FixtureTensors}).
 */
public final class TrainingFixtures {
    /** Float64 forward values: a few ulps of differently ordered sums and libm calls. */
    public static final Tolerance F64 = new Tolerance(1e-10, 1e-12);
    /** Float64 gradients: one more chain of roundings than the forward. */
    public static final Tolerance GRAD64 = new Tolerance(1e-9, 1e-12);
    /**
     * Float32 forward values: losses are reductions (sums in another order than PyTorch's vectorized
     * pairwise sums), so a few float32 ulps of the largest term.
     */
    public static final Tolerance F32 = new Tolerance(1e-5, 1e-6);

    private TrainingFixtures() {
    }

    /** The root object of {@code golden/<name>}. */
    public static JsonObject load(String name) {
        String path = "golden/" + name;
        try (InputStream in = TrainingFixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the test class path; run tools/golden/generate_training.py");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of a JSON array. */
    public static List<JsonObject> objects(JsonArray a) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : a) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    /** A tensor from its fixture encoding (shape, dtype, data). */
    public static Tensor tensor(JsonObject t) {
        return FixtureTensors.build(t);
    }

    /** The forward tolerance for a tensor of this dtype. */
    public static Tolerance forward(DType dtype) {
        return dtype == DType.FLOAT64 ? F64 : F32;
    }

    /** Fails unless {@code actual} has the expected dtype, shape and values. */
    public static void assertTensor(String what, JsonObject expected, Tensor actual, Tolerance tol) {
        FixtureTensors.assertMatches(what, expected, actual, tol);
    }

    /** Fails unless {@code actual} has the expected shape and values (dtype not compared). */
    public static void assertValues(String what, JsonObject expected, Tensor actual, Tolerance tol) {
        FixtureTensors.assertValues(what, expected, actual, tol);
    }

    /**
     * The largest {@code |actual - expected| / max(|expected|, 1e-3)} over the elements: the error the
     * tests report next to their tolerances.
     */
    public static double worstRelative(JsonObject expected, Tensor actual) {
        double[] want = FixtureTensors.values(expected);
        double[] got = FixtureTensors.read(actual);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-3));
        }
        return worst;
    }

    /** Fails unless two numbers agree within {@code tol}. */
    public static void assertNumber(String what, double expected, double actual, Tolerance tol) {
        if (!(Math.abs(actual - expected) <= tol.atol() + tol.rtol() * Math.abs(expected))) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: got %.17g, PyTorch gives %.17g (%s)", what, actual,
                    expected, tol));
        }
    }
}
