package org.vesalius.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The CPU backend's fused float32 optimizer steps against the same optimizers composed from tensor ops,
 * which run for float64 parameters: both from one start, over several steps, on parameters large
 * enough to be split into chunks across the worker threads (the parity fixtures' are a few floats),
 * with float32 gradients that are views at an offset into a larger storage.
 */
class FusedStepTest {
    private static final int STEPS = 6;

    @Test
    void sgdVariantsMatchTheComposedStep() {
        check("SGD plain", ps -> new SGD(ps, 0.05));
        check("SGD momentum", ps -> new SGD(ps, 0.05, 0.9));
        check("SGD dampening + decay", ps -> new SGD(ps, 0.05, 0.9, 0.3, 1e-2, false));
        check("SGD Nesterov + decay", ps -> new SGD(ps, 0.05, 0.9, 0, 1e-2, true));
    }

    @Test
    void adamVariantsMatchTheComposedStep() {
        check("Adam", ps -> new Adam(ps, 1e-2));
        check("Adam L2 + AMSGrad", ps -> new Adam(ps, 1e-2, 0.8, 0.99, 1e-6, 0.05, true));
        check("AdamW", ps -> new AdamW(ps, 1e-2, 0.9, 0.999, 1e-8, 0.1, false));
        check("AdamW AMSGrad", ps -> new AdamW(ps, 1e-2, 0.9, 0.999, 1e-8, 0.1, true));
    }

    /** A [70, 130] weight (9,100 floats: three chunks) and a [5] bias, float32 (fused) and float64 (composed). */
    private static void check(String what, Function<List<Tensor>, Optimizer> make) {
        Generator g = new Generator(what.hashCode());
        try (Scope s = Scope.open();
             Tensor w64 = Tensor.randn(g, 70, 130).toDouble();
             Tensor b64 = Tensor.randn(g, 5).toDouble();
             Tensor w32 = w64.toFloat();
             Tensor b32 = b64.toFloat()) {
            List<Tensor> p64 = List.of(w64.requiresGrad_(true), b64.requiresGrad_(true));
            List<Tensor> p32 = List.of(w32.requiresGrad_(true), b32.requiresGrad_(true));
            Optimizer o64 = make.apply(p64);
            Optimizer o32 = make.apply(p32);
            for (int step = 0; step < STEPS; step++) {
                for (int i = 0; i < 2; i++) {
                    int[] shape = p64.get(i).shape();
                    Tensor grad = Tensor.randn(g, shape).toDouble();
                    p64.get(i).setGrad(grad);
                    // the float32 gradient is a view that starts inside a larger storage: offsets count
                    int[] padded = shape.clone();
                    padded[0] += 1;
                    Tensor holder = Tensor.zeros(padded);
                    Tensor view = holder.narrow(0, 1, shape[0]);
                    view.copy_(grad.toFloat());
                    p32.get(i).setGrad(view);
                }
                o64.step();
                o32.step();
            }
            for (int i = 0; i < 2; i++) {
                double[] expected = p64.get(i).toDoubleArray();
                float[] actual = p32.get(i).toFloatArray();
                assertEquals(DType.FLOAT32, p32.get(i).dtype());
                double worst = 0;
                for (int k = 0; k < expected.length; k++) {
                    worst = Math.max(worst, Math.abs(expected[k] - actual[k]) / (1 + Math.abs(expected[k])));
                }
                assertTrue(worst < 2e-5, what + ": parameter " + i + " differs by " + worst + " (relative)");
            }
            o64.zeroGrad();
            o32.zeroGrad();
        }
    }
}
