package org.vesalius.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.autograd.GradCheck;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Float64 central-difference gradient checks ({@link GradCheck}, eps 1e-6, atol 1e-5, rtol 1e-3) of
 * every loss with each reduction and option, with respect to the input and, where the loss is
 * differentiable in it, the target; and second-order checks of the losses a gradient penalty would
 * differentiate twice. Inputs are drawn away from the kinks (|input - target| = 0 or beta).
 */
class LossGradCheckTest {
    private record Case(String name, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f, boolean secondOrder) {
    }

    private static final Random RNG = new Random(5);

    private static Tensor leaf(double lo, double hi, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * RNG.nextDouble();
        }
        return Tensor.of(v, n).reshape(shape).requiresGrad_(true);
    }

    /** A target and an input that differs from it by 0.1-0.4 or 0.6-2.0 per element (away from 0 and 0.5). */
    private static Tensor[] pair(int... shape) {
        Tensor target = leaf(-2, 2, shape);
        double[] t = target.toDoubleArray();
        double[] x = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            double mag = RNG.nextBoolean() ? 0.1 + 0.3 * RNG.nextDouble() : 0.6 + 1.4 * RNG.nextDouble();
            x[i] = t[i] + (RNG.nextBoolean() ? mag : -mag);
        }
        return new Tensor[] {Tensor.of(x, x.length).reshape(shape).requiresGrad_(true), target};
    }

    private static Tensor labels(long... v) {
        return Tensor.of(v);
    }

    private static Tensor softmaxTarget(int... shape) {
        Tensor t = leaf(-1, 1, shape);
        Tensor p = t.detach().softmax(1).clone();
        return p.requiresGrad_(true);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (Reduction r : List.of(Reduction.NONE, Reduction.MEAN, Reduction.SUM)) {
            c.add(new Case("mse/" + r, () -> pair(3, 4), x -> F.mseLoss(x[0], x[1], r), r == Reduction.MEAN));
            c.add(new Case("l1/" + r, () -> pair(3, 4), x -> F.l1Loss(x[0], x[1], r), false));
            c.add(new Case("smoothL1/beta0.5/" + r, () -> pair(3, 4), x -> F.smoothL1Loss(x[0], x[1], r, 0.5), false));
            c.add(new Case("smoothL1/beta0/" + r, () -> pair(5), x -> F.smoothL1Loss(x[0], x[1], r, 0), false));
            c.add(new Case("huber/delta0.5/" + r, () -> pair(3, 4), x -> F.huberLoss(x[0], x[1], r, 0.5), false));
            c.add(new Case("crossEntropy/indices/" + r, () -> new Tensor[] {leaf(-2, 2, 5, 4), labels(0, 3, 1, 1, 2)},
                    x -> F.crossEntropy(x[0], x[1], r), r == Reduction.MEAN));
            c.add(new Case("crossEntropy/weight_ignore_smoothing/" + r,
                    () -> new Tensor[] {leaf(-2, 2, 6, 4), labels(0, -100, 3, 1, -100, 2), leaf(0.2, 2, 4).requiresGrad_(false)},
                    x -> F.crossEntropy(x[0], x[1], x[2], -100, r, 0.2), r == Reduction.MEAN));
            c.add(new Case("crossEntropy/segmentation/" + r,
                    () -> new Tensor[] {leaf(-2, 2, 2, 3, 2, 3), labels(0, 1, 2, 2, 1, 0, 1, 1, 0, 2, 2, 0).reshape(2, 2, 3),
                        leaf(0.2, 2, 3).requiresGrad_(false)},
                    x -> F.crossEntropy(x[0], x[1], x[2], 1, r, 0.1), false));
            c.add(new Case("crossEntropy/probabilities/" + r,
                    () -> new Tensor[] {leaf(-2, 2, 4, 3), softmaxTarget(4, 3), leaf(0.2, 2, 3).requiresGrad_(false)},
                    x -> F.crossEntropy(x[0], x[1], x[2], -100, r, 0.1), r == Reduction.SUM));
            c.add(new Case("nll/weight_ignore/" + r,
                    () -> new Tensor[] {leaf(-3, 0, 6, 4), labels(0, -100, 3, 1, 3, 2), leaf(0.2, 2, 4).requiresGrad_(false)},
                    x -> F.nllLoss(x[0], x[1], x[2], -100, r), false));
            c.add(new Case("bce/weighted/" + r,
                    () -> new Tensor[] {leaf(0.05, 0.95, 4, 3), leaf(0, 1, 4, 3), leaf(0.2, 2, 3).requiresGrad_(false)},
                    x -> F.binaryCrossEntropy(x[0], x[1], x[2], r), false));
            c.add(new Case("bceWithLogits/weight_posWeight/" + r,
                    () -> new Tensor[] {leaf(-4, 4, 4, 3), leaf(0, 1, 4, 3), leaf(0.2, 2, 4, 1).requiresGrad_(false),
                        leaf(0.5, 3, 3).requiresGrad_(false)},
                    x -> F.binaryCrossEntropyWithLogits(x[0], x[1], x[2], x[3], r), r == Reduction.MEAN));
            c.add(new Case("klDiv/" + r, () -> new Tensor[] {leaf(-3, -0.1, 3, 4), leaf(0.05, 1, 3, 4)},
                    x -> F.klDiv(x[0], x[1], r, false), false));
            c.add(new Case("klDiv/logTarget/" + r, () -> new Tensor[] {leaf(-3, -0.1, 3, 4), leaf(-3, -0.1, 3, 4)},
                    x -> F.klDiv(x[0], x[1], r, true), false));
        }
        c.add(new Case("crossEntropy/unbatched", () -> new Tensor[] {leaf(-2, 2, 5), Tensor.scalar(DType.INT64, 3)},
                x -> F.crossEntropy(x[0], x[1]), false));
        c.add(new Case("crossEntropy/3d_segmentation_mean",
                () -> new Tensor[] {leaf(-2, 2, 1, 3, 2, 2, 2), labels(0, 1, 2, 2, 1, 0, 1, 1).reshape(1, 2, 2, 2)},
                x -> F.crossEntropy(x[0], x[1]), false));
        c.add(new Case("bceWithLogits/zero_logits",
                () -> new Tensor[] {Tensor.zeros(DType.FLOAT64, 4).requiresGrad_(true), leaf(0, 1, 4)},
                x -> F.binaryCrossEntropyWithLogits(x[0], x[1]), false));
        c.add(new Case("klDiv/batchmean", () -> new Tensor[] {leaf(-3, -0.1, 3, 4), leaf(0.05, 1, 3, 4)},
                x -> F.klDiv(x[0], x[1], Reduction.BATCHMEAN, false), false));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> firstOrder() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> ParityTest.named(c.name(), () -> {
            try (Scope s = Scope.open()) {
                GradCheck.check(c.f(), c.inputs().get()).orThrow();
            }
        })));
    }

    @TestFactory
    Stream<DynamicTest> secondOrder() {
        return cases().stream().filter(Case::secondOrder).map(c -> DynamicTest.dynamicTest(c.name(),
                () -> ParityTest.named(c.name(), () -> {
                    try (Scope s = Scope.open()) {
                        GradCheck.checkSecondOrder(c.f(), c.inputs().get()).orThrow();
                    }
                })));
    }
}
