package org.vesalius.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
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
 * Every learning-rate schedule for 20 steps on the problem of {@code golden/optimizers.json}, against
 * PyTorch 1.13: each group's lr (and momentum or beta1, which one-cycle moves) after construction and
 * after every step, and the parameters the optimizer reaches with them.
 */
class ScheduleParityTest {
    /**
     * Learning rates are computed with the same double formulas in the same order; the only source of
     * difference is Java's cos against glibc's (both within an ulp), so this is tight.
     */
    static final Tolerance LR = new Tolerance(1e-13, 1e-16);

    @BeforeAll
    static void report() {
        System.out.println("[schedules] " + OptimFixtures.list("schedules").size() + " PyTorch runs; lr tolerance " + LR
                + ", parameters " + OptimizerParityTest.PARAMS64);
    }

    @TestFactory
    Stream<DynamicTest> schedules() {
        return OptimFixtures.list("schedules").stream().map(c -> DynamicTest.dynamicTest(c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c))));
    }

    @Test
    void fixturesCoverEverySchedule() {
        Set<String> seen = new TreeSet<>();
        OptimFixtures.list("schedules").forEach(c -> seen.add(c.get("schedule").getAsString()));
        assertEquals(new TreeSet<>(List.of("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                "CosineAnnealingWarmRestarts", "LinearLR", "OneCycleLR", "ReduceLROnPlateau")), seen);
    }

    /** A schedule, or the plateau schedule (which is stepped with a metric). */
    private interface Stepper {
        void step(int index);
    }

    private static Stepper schedule(JsonObject c, Optimizer opt) {
        JsonObject kw = c.getAsJsonObject("kwargs");
        String name = c.get("schedule").getAsString();
        switch (name) {
            case "StepLR": {
                StepLR s = new StepLR(opt, kw.get("stepSize").getAsInt(), kw.get("gamma").getAsDouble());
                return i -> s.step();
            }
            case "MultiStepLR": {
                MultiStepLR s = new MultiStepLR(opt, OptimFixtures.ints(kw.get("milestones")), kw.get("gamma").getAsDouble());
                return i -> s.step();
            }
            case "ExponentialLR": {
                ExponentialLR s = new ExponentialLR(opt, kw.get("gamma").getAsDouble());
                return i -> s.step();
            }
            case "CosineAnnealingLR": {
                CosineAnnealingLR s = new CosineAnnealingLR(opt, kw.get("tMax").getAsInt(), kw.get("etaMin").getAsDouble());
                return i -> s.step();
            }
            case "CosineAnnealingWarmRestarts": {
                CosineAnnealingWarmRestarts s = new CosineAnnealingWarmRestarts(opt, kw.get("t0").getAsInt(),
                        kw.get("tMult").getAsInt(), kw.get("etaMin").getAsDouble());
                if (kw.has("epochs")) {
                    double[] epochs = OptimFixtures.doubles(kw.get("epochs"));
                    return i -> s.step(epochs[i]);
                }
                return i -> s.step();
            }
            case "LinearLR": {
                LinearLR s = new LinearLR(opt, kw.get("startFactor").getAsDouble(), kw.get("endFactor").getAsDouble(),
                        kw.get("totalIters").getAsInt());
                return i -> s.step();
            }
            case "OneCycleLR": {
                OneCycleLR.Anneal anneal = kw.has("anneal") && kw.get("anneal").getAsString().equals("linear")
                        ? OneCycleLR.Anneal.LINEAR : OneCycleLR.Anneal.COS;
                OneCycleLR s = new OneCycleLR(opt, OptimFixtures.doubles(kw.get("maxLr")), kw.get("totalSteps").getAsInt(),
                        OptimFixtures.d(kw, "pctStart", 0.3), anneal, true, 0.85, 0.95, 25, 1e4,
                        OptimFixtures.bool(kw, "threePhase"));
                return i -> s.step();
            }
            case "ReduceLROnPlateau": {
                ReduceLROnPlateau s = new ReduceLROnPlateau(opt,
                        ReduceLROnPlateau.Mode.valueOf(kw.get("mode").getAsString().toUpperCase(Locale.ROOT)),
                        kw.get("factor").getAsDouble(), kw.get("patience").getAsInt(), OptimFixtures.d(kw, "threshold", 1e-4),
                        ReduceLROnPlateau.ThresholdMode.valueOf(
                                (kw.has("thresholdMode") ? kw.get("thresholdMode").getAsString() : "rel").toUpperCase(Locale.ROOT)),
                        kw.has("cooldown") ? kw.get("cooldown").getAsInt() : 0,
                        new double[] {OptimFixtures.d(kw, "minLr", 0)}, 1e-8);
                double[] metrics = OptimFixtures.doubles(kw.get("metrics"));
                return i -> s.step(metrics[i]);
            }
            default:
                throw new AssertionError("unknown schedule " + name);
        }
    }

    private static void run(JsonObject c) {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        Tensor x = OptimFixtures.problem("X", DType.FLOAT64);
        Tensor y = OptimFixtures.problem("Y", DType.FLOAT64);
        JsonArray params = c.getAsJsonArray("params");
        try (Optimizer opt = OptimFixtures.optimizer(c, "optimizer", "optimizerKwargs", wb)) {
            Stepper sched = schedule(c, opt);
            assertGroups("after construction", c.getAsJsonArray("lr0"), c.getAsJsonArray("momentum0"), opt);
            for (int step = 0; step < params.size(); step++) {
                try (Scope s = Scope.open()) {
                    opt.zeroGrad();
                    Tensor loss = F.mseLoss(F.linear(x, wb[0], wb[1]), y);
                    loss.backward();
                    opt.step();
                    sched.step(step);
                    String when = "after step " + (step + 1);
                    assertGroups(when, c.getAsJsonArray("lr").get(step).getAsJsonArray(),
                            c.getAsJsonArray("momentum").get(step).getAsJsonArray(), opt);
                    JsonArray p = params.get(step).getAsJsonArray();
                    TrainingFixtures.assertTensor("W " + when, p.get(0).getAsJsonObject(), wb[0],
                            OptimizerParityTest.PARAMS64);
                    TrainingFixtures.assertTensor("b " + when, p.get(1).getAsJsonObject(), wb[1],
                            OptimizerParityTest.PARAMS64);
                }
            }
        } finally {
            wb[0].close();
            wb[1].close();
        }
    }

    private static void assertGroups(String when, JsonArray lrs, JsonArray momenta, Optimizer opt) {
        double[] lr = OptimFixtures.doubles(lrs);
        double[] mom = OptimFixtures.doubles(momenta);
        assertTrue(lr.length == opt.paramGroups().size(), "group count");
        for (int g = 0; g < lr.length; g++) {
            TrainingFixtures.assertNumber("lr of group " + g + " " + when, lr[g], opt.paramGroups().get(g).lr(), LR);
            TrainingFixtures.assertNumber("momentum of group " + g + " " + when, mom[g],
                    OptimFixtures.momentum(opt.paramGroups().get(g)), LR);
        }
    }
}
