package org.vesalius.optim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.nn.TrainingFixtures;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * {@link GradClip} against PyTorch's {@code clip_grad_norm_} (2-, 1-, 3- and max-norm, clipping and
 * not) and {@code clip_grad_value_}: the total norm returned and the gradients after clipping.
 */
class GradClipParityTest {
    /** Float64: a sum of squares and a root in another order. */
    static final Tolerance F64 = new Tolerance(1e-12, 1e-15);
    /** Float32: PyTorch computes the norms and the coefficient in float32, this class in double. */
    static final Tolerance F32 = new Tolerance(2e-6, 1e-7);

    @TestFactory
    Stream<DynamicTest> clipping() {
        return OptimFixtures.list("clipping").stream().map(c -> DynamicTest.dynamicTest(c.get("id").getAsString(),
                () -> ParityTest.named(c.get("id").getAsString(), () -> run(c))));
    }

    private static void run(JsonObject c) {
        try (Scope s = Scope.open()) {
            JsonArray grads = c.getAsJsonArray("grads");
            List<Tensor> params = new ArrayList<>();
            DType dtype = null;
            for (int i = 0; i < grads.size(); i++) {
                Tensor g = TrainingFixtures.tensor(grads.get(i).getAsJsonObject());
                dtype = g.dtype();
                Tensor p = Tensor.zerosLike(g).requiresGrad_(true);
                p.setGrad(g);
                params.add(p);
            }
            // a parameter without a gradient is skipped
            params.add(Tensor.zeros(2).requiresGrad_(true));
            Tolerance tol = dtype == DType.FLOAT64 ? F64 : F32;
            if (c.has("clipValue")) {
                GradClip.clipGradValue(params, c.get("clipValue").getAsDouble());
            } else {
                String nt = c.get("normType").getAsString();
                double normType = nt.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(nt);
                double total = GradClip.clipGradNorm(params, c.get("maxNorm").getAsDouble(), normType);
                TrainingFixtures.assertNumber("total norm", c.get("totalNorm").getAsDouble(), total, tol);
            }
            JsonArray clipped = c.getAsJsonArray("clipped");
            for (int i = 0; i < clipped.size(); i++) {
                FixtureTensors.assertMatches("gradient " + i, clipped.get(i).getAsJsonObject(), params.get(i).grad(), tol);
            }
            params.forEach(Tensor::close);
        }
    }
}
