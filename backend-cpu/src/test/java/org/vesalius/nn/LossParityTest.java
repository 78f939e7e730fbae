package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Every loss of {@link F} and every loss module against PyTorch 1.13 ({@code golden/losses.json}):
 * the value with each reduction and option, and for float64 inputs the gradient of
 * {@code sum(output * gradWeight)} with respect to the input. Tolerances: {@link TrainingFixtures#F64}
 * and {@link TrainingFixtures#GRAD64} for float64, {@link TrainingFixtures#F32} for float32.
 */
class LossParityTest {
    private static final List<JsonObject> CASES = TrainingFixtures.objects(
            TrainingFixtures.load("losses.json").getAsJsonArray("cases"));

    @BeforeAll
    static void report() {
        System.out.println("[losses] " + CASES.size() + " PyTorch cases; tolerances float64 " + TrainingFixtures.F64
                + ", gradients " + TrainingFixtures.GRAD64 + ", float32 " + TrainingFixtures.F32);
    }

    @TestFactory
    Stream<DynamicTest> functional() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest("F/" + c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c, false))));
    }

    @TestFactory
    Stream<DynamicTest> modules() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest("module/" + c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c, true))));
    }

    /** The fixtures must exercise every loss with every reduction, or parity means less than it says. */
    @Test
    void everyLossHasEveryReduction() {
        Set<String> seen = new TreeSet<>();
        for (JsonObject c : CASES) {
            seen.add(c.get("loss").getAsString() + ":" + c.getAsJsonObject("kwargs").get("reduction").getAsString());
        }
        for (String loss : List.of("mseLoss", "l1Loss", "smoothL1Loss", "huberLoss", "crossEntropy", "nllLoss",
                "binaryCrossEntropy", "binaryCrossEntropyWithLogits", "klDiv")) {
            for (String r : List.of("none", "mean", "sum")) {
                assertTrue(seen.contains(loss + ":" + r), "no fixture for " + loss + " with reduction " + r);
            }
        }
        assertTrue(seen.contains("klDiv:batchmean"));
        long withGrad = CASES.stream().filter(c -> c.getAsJsonObject("input").has("grad")).count();
        assertTrue(withGrad > 80, "only " + withGrad + " loss cases carry gradients");
    }

    private static void run(JsonObject c, boolean asModule) {
        try (Scope s = Scope.open()) {
            JsonObject in = c.getAsJsonObject("input");
            Tensor input = TrainingFixtures.tensor(in);
            if (in.has("requiresGrad")) {
                input.requiresGrad_(true);
            }
            Tensor target = TrainingFixtures.tensor(c.getAsJsonObject("target"));
            Tensor weight = c.has("weight") ? TrainingFixtures.tensor(c.getAsJsonObject("weight")) : null;
            Tensor posWeight = c.has("posWeight") ? TrainingFixtures.tensor(c.getAsJsonObject("posWeight")) : null;
            String loss = c.get("loss").getAsString();
            JsonObject kw = c.getAsJsonObject("kwargs");
            Tensor out;
            if (asModule) {
                try (Loss m = module(loss, kw, weight == null ? null : weight.clone(),
                        posWeight == null ? null : posWeight.clone())) {
                    out = m.forward(input, target);
                    check(c, input, out);
                }
            } else {
                out = call(loss, kw, input, target, weight, posWeight);
                check(c, input, out);
            }
        }
    }

    private static void check(JsonObject c, Tensor input, Tensor out) {
        JsonObject want = c.getAsJsonObject("output");
        TrainingFixtures.assertTensor("loss", want, out, TrainingFixtures.forward(out.dtype()));
        JsonObject in = c.getAsJsonObject("input");
        if (in.has("grad")) {
            Tensor w = TrainingFixtures.tensor(c.getAsJsonObject("gradWeight"));
            input.zeroGrad();
            out.to(DType.FLOAT64).mul(w).sum().backward();
            TrainingFixtures.assertValues("input gradient", in.getAsJsonObject("grad"), input.grad(),
                    TrainingFixtures.GRAD64);
        }
    }

    static Reduction reduction(JsonObject kw) {
        return Reduction.of(kw.get("reduction").getAsString());
    }

    static long ignoreIndex(JsonObject kw) {
        return kw.has("ignoreIndex") ? kw.get("ignoreIndex").getAsLong() : F.DEFAULT_IGNORE_INDEX;
    }

    static double labelSmoothing(JsonObject kw) {
        return kw.has("labelSmoothing") ? kw.get("labelSmoothing").getAsDouble() : 0;
    }

    /** The {@link F} call for a fixture case. */
    static Tensor call(String loss, JsonObject kw, Tensor input, Tensor target, Tensor weight, Tensor posWeight) {
        Reduction r = reduction(kw);
        switch (loss) {
            case "mseLoss": return F.mseLoss(input, target, r);
            case "l1Loss": return F.l1Loss(input, target, r);
            case "smoothL1Loss": return F.smoothL1Loss(input, target, r, kw.get("beta").getAsDouble());
            case "huberLoss": return F.huberLoss(input, target, r, kw.get("delta").getAsDouble());
            case "crossEntropy":
                return F.crossEntropy(input, target, weight, ignoreIndex(kw), r, labelSmoothing(kw));
            case "nllLoss": return F.nllLoss(input, target, weight, ignoreIndex(kw), r);
            case "binaryCrossEntropy": return F.binaryCrossEntropy(input, target, weight, r);
            case "binaryCrossEntropyWithLogits":
                return F.binaryCrossEntropyWithLogits(input, target, weight, posWeight, r);
            case "klDiv": return F.klDiv(input, target, r, kw.get("logTarget").getAsBoolean());
            default: throw new AssertionError("unknown loss in fixture: " + loss);
        }
    }

    /** The loss module for a fixture case (it owns the weights passed). */
    static Loss module(String loss, JsonObject kw, Tensor weight, Tensor posWeight) {
        Reduction r = reduction(kw);
        switch (loss) {
            case "mseLoss": return new MSELoss(r);
            case "l1Loss": return new L1Loss(r);
            case "smoothL1Loss": return new SmoothL1Loss(r, kw.get("beta").getAsDouble());
            case "huberLoss": return new HuberLoss(r, kw.get("delta").getAsDouble());
            case "crossEntropy": return new CrossEntropyLoss(weight, ignoreIndex(kw), r, labelSmoothing(kw));
            case "nllLoss": return new NLLLoss(weight, ignoreIndex(kw), r);
            case "binaryCrossEntropy": return new BCELoss(weight, r);
            case "binaryCrossEntropyWithLogits": return new BCEWithLogitsLoss(weight, r, posWeight);
            case "klDiv": return new KLDivLoss(r, kw.get("logTarget").getAsBoolean());
            default: throw new AssertionError("unknown loss in fixture: " + loss);
        }
    }

    @Test
    void defaultsAreMeanReductions() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
            Tensor y = Tensor.of(new double[] {1, 1, 1, 1}, 2, 2);
            assertEquals((0 + 1 + 4 + 9) / 4.0, F.mseLoss(x, y).item(), 1e-12);
            assertEquals((0 + 1 + 2 + 3) / 4.0, new L1Loss().forward(x, y).item(), 1e-12);
        }
    }
}
