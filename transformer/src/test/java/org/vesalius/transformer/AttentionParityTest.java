package org.vesalius.transformer;

import com.google.gson.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.nn.AttentionPath;
import org.vesalius.nn.F;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * {@link F#scaledDotProductAttention} on both paths against PyTorch 2's formula evaluated by PyTorch
 * 1.13 in float64 ({@code golden/attention.json}, written by {@code tools/golden/generate_transformer.py}):
 * outputs and the gradients of {@code sum(out * w)} for query, key, value (and a float mask on the
 * unfused path), in float64, and the outputs and gradients again from float32 inputs.
 */
class AttentionParityTest {
    private static final JsonObject ROOT = Golden.load("attention.json");
    private static final Tolerance F64 = new Tolerance(1e-10, 1e-12);
    private static final Tolerance F32 = new Tolerance(2e-4, 2e-5);

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static Stream<Arguments> cases() {
        return Golden.cases(ROOT, "cases");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unfusedFloat64(String id, JsonObject c) {
        check(c, AttentionPath.UNFUSED, DType.FLOAT64, F64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void blockedFloat64(String id, JsonObject c) {
        check(c, AttentionPath.BLOCKED, DType.FLOAT64, F64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unfusedFloat32(String id, JsonObject c) {
        check(c, AttentionPath.UNFUSED, DType.FLOAT32, F32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void blockedFloat32(String id, JsonObject c) {
        check(c, AttentionPath.BLOCKED, DType.FLOAT32, F32);
    }

    private static void check(JsonObject c, AttentionPath path, DType dtype, Tolerance tol) {
        String what = c.get("id").getAsString() + " " + path + " " + dtype;
        Tensor q = leaf(c, "query", dtype);
        Tensor k = leaf(c, "key", dtype);
        Tensor v = leaf(c, "value", dtype);
        Tensor mask = Golden.tensor(c, "mask");
        boolean maskGrad = mask != null && c.has("gradMask") && path == AttentionPath.UNFUSED;
        if (mask != null && mask.dtype() != DType.BOOL) {
            mask = mask.to(dtype).requiresGrad_(maskGrad);
        }
        Double scale = c.has("scale") ? c.get("scale").getAsDouble() : null;
        Tensor out = F.scaledDotProductAttention(q, k, v, mask, 0, c.get("isCausal").getAsBoolean(), scale, null, path);
        FixtureTensors.assertValues(what + " output", c.getAsJsonObject("output"), out, tol);
        out.mul(Golden.tensor(c, "gradWeight").to(dtype)).sum().backward();
        FixtureTensors.assertValues(what + " dq", c.getAsJsonObject("gradQuery"), q.grad(), tol);
        FixtureTensors.assertValues(what + " dk", c.getAsJsonObject("gradKey"), k.grad(), tol);
        FixtureTensors.assertValues(what + " dv", c.getAsJsonObject("gradValue"), v.grad(), tol);
        if (maskGrad) {
            FixtureTensors.assertValues(what + " dmask", c.getAsJsonObject("gradMask"), mask.grad(), tol);
        }
    }

    private static Tensor leaf(JsonObject c, String name, DType dtype) {
        return Golden.tensor(c, name).to(dtype).requiresGrad_(true);
    }
}
