package org.vesalius.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.nn.Linear;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * A training loop with a {@link Scope} per step (model forward, loss, backward, clipping, optimizer
 * step, schedule step) keeps native memory flat: optimizer state and parameters live outside the step
 * scopes, everything else a step allocates is freed when its scope closes.
 */
class OptimizerMemoryTest {
    private static final int STEPS = 200;
    /**
     * Allowed growth of live native bytes after the warm-up steps. Measured growth is 0; leaking even
     * the smallest state tensor (a 4-float bias) each step would add 2.9 KB.
     */
    private static final long BOUND_BYTES = 1024;

    @Test
    void nativeMemoryStaysFlatWithAScopePerStep() {
        for (String kind : List.of("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")) {
            run(kind);
        }
    }

    private static void run(String kind) {
        Backend cpu = Backends.cpu();
        Generator g = new Generator(3);
        Tensor x;
        Tensor y;
        Sequential model;
        // built inside a scope on purpose: the model owns its parameters, so they outlive it
        try (Scope setup = Scope.open()) {
            model = new Sequential(new Linear(16, 32, true, g), new ReLU(), new Linear(32, 4, true, g));
            x = setup.keep(Tensor.randn(g, 64, 16));
            y = setup.keep(Tensor.randint(0, 4, g, 64));
        }
        List<Tensor> params = model.parameters();
        Optimizer opt;
        switch (kind) {
            case "SGD": opt = new SGD(params, 0.05, 0.9, 0, 1e-4, true); break;
            case "Adam": opt = new Adam(params, 1e-3, 0.9, 0.999, 1e-8, 0, true); break;
            case "AdamW": opt = new AdamW(params, 1e-3); break;
            case "RMSprop": opt = new RMSprop(params, 1e-3, 0.99, 1e-8, 0, 0.5, true); break;
            default: opt = new Adagrad(params, 0.05); break;
        }
        CosineAnnealingLR sched = new CosineAnnealingLR(opt, STEPS);
        CrossEntropyLoss lossFn = new CrossEntropyLoss(null, -100, org.vesalius.nn.Reduction.MEAN, 0.1);
        long afterWarmup = 0;
        long peak = 0;
        double first = 0;
        double last = 0;
        for (int step = 0; step < STEPS; step++) {
            try (Scope s = Scope.open()) {
                opt.zeroGrad();
                Tensor loss = lossFn.forward(model.forward(x), y);
                loss.backward();
                GradClip.clipGradNorm(params, 5.0);
                opt.step();
                sched.step();
                last = loss.item();
                if (step == 0) {
                    first = last;
                }
            }
            if (step == 19) {
                afterWarmup = cpu.liveBytes();
            } else if (step > 19) {
                peak = Math.max(peak, cpu.liveBytes());
            }
        }
        System.out.println("[memory] " + kind + ": live bytes after 20 steps " + afterWarmup + ", peak after " + peak);
        assertTrue(peak <= afterWarmup + BOUND_BYTES, kind + ": live native bytes grew from " + afterWarmup
                + " after 20 steps to " + peak);
        assertTrue(last < first, kind + " should lower the loss on a fixed batch: " + first + " -> " + last);
        opt.close();
        model.close();
        x.close();
        y.close();
    }
}
