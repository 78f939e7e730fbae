package org.vesalius.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.F;
import org.vesalius.nn.Flatten;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.optim.Adam;
import org.vesalius.optim.Optimizer;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two models trained at the same time on two threads, each built with default-constructed layers
 * after {@code Tensor.manualSeed} on its own thread, and drawing dropout masks and input noise from
 * its thread's default generator every step: each run must end with exactly the weights and losses
 * of the same run done alone. (With one default generator shared by all threads, the two runs' seeds
 * and draws interleave and the weights differ.) The test lives in cnn because the second model uses
 * its {@link Conv2d} and {@link MaxPool2d}.
 */
class ConcurrentTrainingTest {
    private static final int STEPS = 30;
    private static final int ROUNDS = 3;

    /** A run's outcome: every parameter's values in order, and the loss of every step. */
    private record Run(List<float[]> weights, double[] losses) {
    }

    /** An MLP (Linear, ReLU, Dropout, Linear) classifying fixed points into 4 classes with SGD and momentum. */
    private static Run mlp(long seed) {
        Tensor.manualSeed(seed);
        try (Scope s = Scope.open();
             Sequential model = new Sequential(new Linear(16, 32), new ReLU(), new Dropout(0.3), new Linear(32, 4));
             SGD opt = new SGD(model.parameters(), 0.05, 0.9)) {
            Generator data = new Generator(100);
            Tensor x = Tensor.randn(data, 64, 16);
            Tensor y = Tensor.randint(0, 4, data, 64);
            return train(model, opt, x, y);
        }
    }

    /** A CNN (Conv2d, ReLU, MaxPool2d, Dropout, Linear) on fixed 12x12 images, 3 classes, Adam. */
    private static Run cnn(long seed) {
        Tensor.manualSeed(seed);
        try (Scope s = Scope.open();
             Sequential model = new Sequential(new Conv2d(1, 6, 3), new ReLU(), new MaxPool2d(2), new Flatten(),
                     new Dropout(0.2), new Linear(6 * 5 * 5, 3));
             Adam opt = new Adam(model.parameters(), 1e-2)) {
            Generator data = new Generator(200);
            Tensor x = Tensor.randn(data, 16, 1, 12, 12);
            Tensor y = Tensor.randint(0, 3, data, 16);
            return train(model, opt, x, y);
        }
    }

    private static Run train(Module model, Optimizer opt, Tensor x, Tensor y) {
        double[] losses = new double[STEPS];
        for (int step = 0; step < STEPS; step++) {
            try (Scope st = Scope.open()) {
                opt.zeroGrad();
                // input noise from this thread's default generator, as dropout's masks are
                Tensor noisy = x.add(Tensor.randn(x.shape()).mul(0.1));
                Tensor loss = F.crossEntropy(model.forward(noisy), y);
                loss.backward();
                opt.step();
                losses[step] = loss.item();
            }
        }
        List<float[]> weights = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            weights.add(p.toFloatArray());
        }
        return new Run(weights, losses);
    }

    /** Runs the tasks on threads of their own, started together; results in task order. */
    @SafeVarargs
    private static List<Run> together(Callable<Run>... tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.length);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.length);
        try {
            List<Future<Run>> futures = new ArrayList<>();
            for (Callable<Run> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<Run> runs = new ArrayList<>();
            for (Future<Run> f : futures) {
                runs.add(f.get());
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSameRun(Run alone, Run concurrent, String what) {
        assertArrayEquals(alone.losses(), concurrent.losses(), what + ": losses differ from the run alone");
        assertTrue(alone.weights().size() == concurrent.weights().size());
        for (int i = 0; i < alone.weights().size(); i++) {
            assertArrayEquals(alone.weights().get(i), concurrent.weights().get(i),
                    what + ": parameter " + i + " differs from the run alone");
        }
    }

    @Test
    void twoModelsTrainedAtOnceMatchTheirRunsAlone() throws Exception {
        // the references, each alone on a thread of its own (the test thread's default generator is left alone)
        Run mlpAlone = together(() -> mlp(7)).get(0);
        Run cnnAlone = together(() -> cnn(8)).get(0);
        assertNotEquals(mlpAlone.losses()[0], mlpAlone.losses()[STEPS - 1], "the MLP trains");
        assertNotEquals(cnnAlone.losses()[0], cnnAlone.losses()[STEPS - 1], "the CNN trains");
        for (int round = 0; round < ROUNDS; round++) {
            List<Run> runs = together(() -> mlp(7), () -> cnn(8), () -> mlp(7));
            assertSameRun(mlpAlone, runs.get(0), "MLP on thread 1, round " + round);
            assertSameRun(cnnAlone, runs.get(1), "CNN, round " + round);
            assertSameRun(mlpAlone, runs.get(2), "MLP on thread 3, round " + round);
        }
    }
}
