package org.vesalius.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.nn.F;
import org.vesalius.nn.TrainingFixtures;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * 20 steps of every optimizer (and every option that changes its update) on the fixed least-squares
 * problem of {@code golden/optimizers.json}, against PyTorch 1.13: the loss before each step, the
 * parameters and the learning rate after it. Float64 runs isolate the algorithm (only rounding
 * differs); float32 runs check it at training precision.
 */
class OptimizerParityTest {
    /**
     * Float64 parameters after 20 steps: the gradients agree to ~1e-16 and each update is a few
     * operations, so the differences stay below 1e-13 (measured: under 1e-13 relative).
     */
    static final Tolerance PARAMS64 = new Tolerance(1e-11, 1e-13);
    /**
     * Float32 parameters after 20 steps: each step's ulp-level differences (FMA or not, summation order)
     * are carried forward and, in Adam and RMSprop, divided by the square root of small second moments
     * (measured: under 4e-5 relative).
     */
    static final Tolerance PARAMS32 = new Tolerance(2e-4, 2e-5);

    @BeforeAll
    static void report() {
        System.out.println("[optimizers] " + OptimFixtures.list("optimizers").size() + " PyTorch runs of "
                + OptimFixtures.ROOT.get("steps").getAsInt() + " steps; parameter tolerances float64 " + PARAMS64
                + ", float32 " + PARAMS32);
    }

    private static final double[] WORST = new double[2];

    /** The largest differences seen, to compare with the tolerances. */
    @AfterAll
    static void reportWorst() {
        System.out.printf(java.util.Locale.ROOT, "[optimizers] worst relative parameter difference: float64 %.2e, float32 %.2e%n",
                WORST[0], WORST[1]);
    }

    @TestFactory
    Stream<DynamicTest> optimizers() {
        return OptimFixtures.list("optimizers").stream().map(c -> DynamicTest.dynamicTest(c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c))));
    }

    /** Every optimizer class and both precisions must be in the fixtures. */
    @Test
    void fixturesCoverEveryOptimizer() {
        Set<String> seen = new TreeSet<>();
        for (JsonObject c : OptimFixtures.list("optimizers")) {
            seen.add(c.get("optimizer").getAsString() + ":" + c.get("dtype").getAsString());
        }
        for (String o : List.of("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")) {
            assertTrue(seen.contains(o + ":float64") && seen.contains(o + ":float32"), o + " lacks a fixture");
        }
    }

    private static void run(JsonObject c) {
        DType dtype = FixtureDType.of(c.get("dtype").getAsString());
        Tolerance tol = dtype == DType.FLOAT64 ? PARAMS64 : PARAMS32;
        Tensor[] wb = OptimFixtures.params(dtype);
        Tensor x = OptimFixtures.problem("X", dtype);
        Tensor y = OptimFixtures.problem("Y", dtype);
        JsonArray params = c.getAsJsonArray("params");
        JsonArray lrs = c.getAsJsonArray("lr");
        JsonArray losses = c.getAsJsonArray("loss");
        try (Optimizer opt = OptimFixtures.optimizer(c, "optimizer", "kwargs", wb)) {
            for (int step = 0; step < params.size(); step++) {
                try (Scope s = Scope.open()) {
                    opt.zeroGrad();
                    Tensor loss = F.mseLoss(F.linear(x, wb[0], wb[1]), y);
                    loss.backward();
                    opt.step();
                    TrainingFixtures.assertNumber("loss before step " + (step + 1), losses.get(step).getAsDouble(),
                            loss.item(), tol);
                    JsonArray p = params.get(step).getAsJsonArray();
                    int slot = dtype == DType.FLOAT64 ? 0 : 1;
                    WORST[slot] = Math.max(WORST[slot], Math.max(
                            TrainingFixtures.worstRelative(p.get(0).getAsJsonObject(), wb[0]),
                            TrainingFixtures.worstRelative(p.get(1).getAsJsonObject(), wb[1])));
                    TrainingFixtures.assertTensor("W after step " + (step + 1), p.get(0).getAsJsonObject(), wb[0], tol);
                    TrainingFixtures.assertTensor("b after step " + (step + 1), p.get(1).getAsJsonObject(), wb[1], tol);
                    double[] want = OptimFixtures.doubles(lrs.get(step));
                    assertEquals(want.length, opt.paramGroups().size(), "groups");
                    for (int g = 0; g < want.length; g++) {
                        assertEquals(want[g], opt.paramGroups().get(g).lr(), 0, "lr of group " + g);
                    }
                }
            }
        } finally {
            wb[0].close();
            wb[1].close();
        }
    }

    /** PyTorch dtype names in the fixture. */
    static final class FixtureDType {
        static DType of(String name) {
            return org.vesalius.parity.FixtureTensors.dtype(name);
        }
    }
}
