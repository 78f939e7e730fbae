package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Layers with PyTorch's weights loaded through {@link Module#loadStateDict} give PyTorch's outputs
 * and gradients ({@code golden/modules.json}): Linear and Bilinear (input and parameter gradients),
 * and BatchNorm1d/2d/3d over three training steps (outputs, running statistics, batch counter; with
 * the cumulative average when momentum is null) and then in eval mode. Float64, tolerances
 * {@link TrainingFixtures#F64} and {@link TrainingFixtures#GRAD64} (BatchNorm: 1e-9, a variance and
 * a square root deep).
 */
class ModuleParityTest {
    private static final List<JsonObject> CASES = TrainingFixtures.objects(
            TrainingFixtures.load("modules.json").getAsJsonArray("cases"));
    private static final org.vesalius.parity.FixtureTensors.Tolerance NORM = new org.vesalius.parity.FixtureTensors.Tolerance(1e-9, 1e-12);

    @TestFactory
    Stream<DynamicTest> modules() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c))));
    }

    private static Map<String, Tensor> state(JsonObject c) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        c.getAsJsonObject("state").entrySet().forEach(e -> sd.put(e.getKey(), TrainingFixtures.tensor(e.getValue().getAsJsonObject())));
        return sd;
    }

    private static void run(JsonObject c) {
        try (Scope s = Scope.open()) {
            switch (c.get("module").getAsString()) {
                case "Linear": {
                    try (Linear m = new Linear(4, 3)) {
                        m.to(DType.FLOAT64).loadStateDict(state(c));
                        Tensor x = TrainingFixtures.tensor(c.getAsJsonObject("input")).requiresGrad_(true);
                        Tensor y = m.forward(x);
                        checkOutputAndGrads(c, m, y, x, null);
                    }
                    break;
                }
                case "Bilinear": {
                    try (Bilinear m = new Bilinear(3, 2, 4)) {
                        m.to(DType.FLOAT64).loadStateDict(state(c));
                        Tensor x1 = TrainingFixtures.tensor(c.getAsJsonObject("input")).requiresGrad_(true);
                        Tensor x2 = TrainingFixtures.tensor(c.getAsJsonObject("input2")).requiresGrad_(true);
                        Tensor y = m.forward(x1, x2);
                        checkOutputAndGrads(c, m, y, x1, x2);
                    }
                    break;
                }
                default:
                    batchNorm(c);
            }
        }
    }

    private static void checkOutputAndGrads(JsonObject c, Module m, Tensor y, Tensor x1, Tensor x2) {
        TrainingFixtures.assertTensor("output", c.getAsJsonObject("output"), y, TrainingFixtures.F64);
        y.mul(TrainingFixtures.tensor(c.getAsJsonObject("gradWeight"))).sum().backward();
        TrainingFixtures.assertValues("input gradient", c.getAsJsonObject("inputGrad"), x1.grad(), TrainingFixtures.GRAD64);
        if (x2 != null) {
            TrainingFixtures.assertValues("input2 gradient", c.getAsJsonObject("input2Grad"), x2.grad(), TrainingFixtures.GRAD64);
        }
        c.getAsJsonObject("paramGrads").entrySet().forEach(e -> TrainingFixtures.assertValues(e.getKey() + " gradient",
                e.getValue().getAsJsonObject(), m.getParameter(e.getKey()).grad(), TrainingFixtures.GRAD64));
    }

    private static void batchNorm(JsonObject c) {
        String cls = c.get("module").getAsString();
        Double momentum = c.get("momentum").isJsonNull() ? null : c.get("momentum").getAsDouble();
        JsonObject w = c.getAsJsonObject("weight");
        int features = w.getAsJsonArray("shape").get(0).getAsInt();
        BatchNorm bn;
        switch (cls) {
            case "BatchNorm1d": bn = new BatchNorm1d(features, 1e-5, momentum, true, true); break;
            case "BatchNorm2d": bn = new BatchNorm2d(features, 1e-5, momentum, true, true); break;
            default: bn = new BatchNorm3d(features, 1e-5, momentum, true, true); break;
        }
        try (bn) {
            bn.to(DType.FLOAT64);
            Map<String, Tensor> sd = new LinkedHashMap<>(bn.stateDict());
            sd.put("weight", TrainingFixtures.tensor(w));
            sd.put("bias", TrainingFixtures.tensor(c.getAsJsonObject("bias")));
            bn.loadStateDict(sd);
            int step = 0;
            for (JsonObject st : TrainingFixtures.objects(c.getAsJsonArray("trainSteps"))) {
                step++;
                Tensor y = bn.forward(TrainingFixtures.tensor(st.getAsJsonObject("input")));
                TrainingFixtures.assertTensor("output of step " + step, st.getAsJsonObject("output"), y, NORM);
                TrainingFixtures.assertTensor("running_mean after step " + step, st.getAsJsonObject("runningMean"),
                        bn.runningMean(), NORM);
                TrainingFixtures.assertTensor("running_var after step " + step, st.getAsJsonObject("runningVar"),
                        bn.runningVar(), NORM);
                assertEquals(st.get("numBatchesTracked").getAsLong(), bn.numBatchesTracked());
            }
            bn.eval();
            Tensor y = bn.forward(TrainingFixtures.tensor(c.getAsJsonObject("evalInput")));
            TrainingFixtures.assertTensor("eval output", c.getAsJsonObject("evalOutput"), y, NORM);
        }
    }
}
