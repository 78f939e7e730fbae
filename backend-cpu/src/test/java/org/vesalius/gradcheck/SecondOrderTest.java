package org.vesalius.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vesalius.gradcheck.GradCheckCases.ANY;
import static org.vesalius.gradcheck.GradCheckCases.POS;
import static org.vesalius.gradcheck.GradCheckCases.leaf;
import static org.vesalius.gradcheck.GradCheckCases.longs;
import static org.vesalius.gradcheck.GradCheckCases.mask;
import static org.vesalius.gradcheck.GradCheckCases.permuted;
import static org.vesalius.gradcheck.GradCheckCases.sliced;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.autograd.Autograd;
import org.vesalius.autograd.GradCheck;
import org.vesalius.autograd.NoGrad;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Higher-order gradients (backward passes recorded with {@code createGraph}): gradgradcheck of a
 * representative set of ops, a Hessian-vector product, and a WGAN-GP gradient penalty whose
 * parameter gradients are compared with finite differences.
 */
class SecondOrderTest {

    private record Check(String name, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f) {
    }

    private static final List<Check> CHECKS = new ArrayList<>();

    private static void check(String name, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f) {
        CHECKS.add(new Check(name, inputs, f));
    }

    static {
        // the set the design names (gradient penalties and Hessian-vector products go through these)
        check("mul/broadcast", () -> new Tensor[] {leaf(ANY, 3, 4), leaf(ANY, 4)}, x -> x[0].mul(x[1]));
        check("div/broadcast", () -> new Tensor[] {leaf(ANY, 3, 1), leaf(POS, 4)}, x -> x[0].div(x[1]));
        check("pow/tensor", () -> new Tensor[] {leaf(POS, 3, 4), leaf(ANY, 3, 4)}, x -> x[0].pow(x[1]));
        check("pow/scalar", () -> new Tensor[] {leaf(POS, 3, 4)}, x -> x[0].pow(2.5));
        check("exp", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].exp());
        check("log", () -> new Tensor[] {leaf(POS, 3, 4)}, x -> x[0].log());
        check("tanh", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].tanh());
        check("sigmoid", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].sigmoid());
        check("gelu", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].gelu());
        check("gelu/tanh", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].gelu("tanh"));
        check("softmax", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].softmax(-1));
        check("logSoftmax", () -> new Tensor[] {permuted(ANY, 3, 4)}, x -> x[0].logSoftmax(0));
        check("matmul/batch_broadcast", () -> new Tensor[] {leaf(ANY, 2, 3, 4), leaf(ANY, 4, 2)},
                x -> x[0].matmul(x[1]).tanh());
        check("sum/dim", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].square().sum(1, false));
        check("mean", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].square().mean());
        check("var/dims", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].var(new int[] {1}, true, false));
        check("norm/p2", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].norm());
        check("norm/p3_dim", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].norm(3, new int[] {1}, false));
        // more ops whose backward records its own backward (views embedding, scatter/gather adjoints)
        check("sqrt", () -> new Tensor[] {leaf(POS, 3, 4)}, x -> x[0].sqrt());
        check("silu", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].silu());
        check("softplus", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].softplus());
        check("elu", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].elu(1.0));
        check("std", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].std(true));
        check("logsumexp", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].logsumexp(1, false));
        check("cumsum", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].cumsum(1).square());
        check("prod", () -> new Tensor[] {leaf(ANY, 2, 3)}, x -> x[0].prod(1, false));
        check("max/dim", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].max(1, false).values().square());
        check("where", () -> new Tensor[] {mask(3, 4), leaf(ANY, 3, 4), leaf(ANY, 4)},
                x -> Tensor.where(x[0], x[1].square(), x[2].exp()));
        check("gather", () -> new Tensor[] {leaf(ANY, 3, 4), longs(new long[] {0, 0, 3, 1, 2, 2}, 3, 2)},
                x -> x[0].gather(1, x[1]).square());
        check("indexSelect", () -> new Tensor[] {leaf(ANY, 4, 3), longs(new long[] {3, 0, 3}, 3)},
                x -> x[0].indexSelect(0, x[1]).square());
        check("slice", () -> new Tensor[] {sliced(ANY, 3, 4)}, x -> x[0].slice(1, 0, 4, 2).square());
        check("select", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].select(0, 1).square());
        check("unfold", () -> new Tensor[] {leaf(ANY, 2, 5)}, x -> x[0].unfold(1, 3, 1).square());
        check("expand", () -> new Tensor[] {leaf(ANY, 3, 1)}, x -> x[0].expand(3, 4).square());
        check("transpose", () -> new Tensor[] {leaf(ANY, 3, 4)}, x -> x[0].t().matmul(x[0]));
        // convolutions, normalization and pooling inside gradient-penalty critics (DCGAN-style critics)
        check("conv2d", () -> new Tensor[] {leaf(ANY, 1, 2, 4, 4), leaf(ANY, 3, 2, 2, 2), leaf(ANY, 3)},
                x -> x[0].conv2d(x[1], x[2], new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 1}, 1).tanh());
        check("convTranspose2d", () -> new Tensor[] {leaf(ANY, 1, 2, 2, 3), leaf(ANY, 2, 2, 2, 2)},
                x -> x[0].convTranspose2d(x[1], null, new int[] {2, 2}, new int[] {0, 1}, new int[] {1, 0}, 1,
                        new int[] {1, 1}).square());
        check("conv1d/groups", () -> new Tensor[] {leaf(ANY, 1, 4, 5), leaf(ANY, 2, 2, 3)},
                x -> x[0].conv1d(x[1], null, new int[] {1}, new int[] {1}, new int[] {1}, 2).sigmoid());
        check("layerNorm", () -> new Tensor[] {leaf(ANY, 2, 3, 4), leaf(ANY, 4), leaf(ANY, 4)},
                x -> x[0].layerNorm(new int[] {4}, x[1], x[2], 1e-5));
        check("batchNorm/training", () -> new Tensor[] {leaf(ANY, 4, 2, 3), leaf(ANY, 2), leaf(ANY, 2)},
                x -> x[0].batchNorm(null, null, x[1], x[2], true, 0.1, 1e-5));
        check("groupNorm", () -> new Tensor[] {leaf(ANY, 2, 4, 3)}, x -> x[0].groupNorm(2));
        check("avgPool2d", () -> new Tensor[] {leaf(ANY, 1, 2, 4, 4)},
                x -> x[0].avgPool2d(new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, false, true, 0).square());
        check("maxPool2d", () -> new Tensor[] {leaf(ANY, 1, 2, 4, 4)},
                x -> x[0].maxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false).square());
        check("interpolate/bilinear", () -> new Tensor[] {leaf(ANY, 1, 1, 3, 3)},
                x -> x[0].interpolate(new int[] {5, 4}, "bilinear", false).square());
    }

    @TestFactory
    Stream<DynamicTest> gradgradcheck() {
        return CHECKS.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> ParityTest.named(c.name(), () -> {
            GradCheckCases.seed(c.name());
            try (Scope s = Scope.open()) {
                GradCheck.checkSecondOrder(c.f(), c.inputs().get()).orThrow();
            }
        })));
    }

    // ------------------------------------------------------------------------------ Hessian-vector

    /** f(x) = sum(tanh(W x)^2) + sum(x^3) / 3: nonlinear, so its Hessian depends on x. */
    private static Tensor hvpFunction(Tensor w, Tensor x) {
        return w.matmul(x).tanh().square().sum().add(x.pow(3).sum().div(3));
    }

    private static double[] gradientAt(Tensor w, double[] xv) {
        Tensor x = Tensor.of(xv, xv.length).requiresGrad_(true);
        return Autograd.grad(new Tensor[] {hvpFunction(w, x)}, new Tensor[] {x}, null, false, false, false)[0]
                .toDoubleArray();
    }

    @Test
    void hessianVectorProductMatchesFiniteDifferencesOfTheGradient() {
        try (Scope s = Scope.open()) {
            Random r = new Random(5);
            double[] wv = new double[3 * 4];
            double[] xv = new double[4];
            double[] vv = new double[4];
            for (int i = 0; i < wv.length; i++) {
                wv[i] = r.nextGaussian();
            }
            for (int i = 0; i < 4; i++) {
                xv[i] = r.nextGaussian();
                vv[i] = r.nextGaussian();
            }
            Tensor w = Tensor.of(wv, 3, 4);
            Tensor x = Tensor.of(xv, 4).requiresGrad_(true);
            Tensor v = Tensor.of(vv, 4);
            Tensor g = Autograd.grad(new Tensor[] {hvpFunction(w, x)}, new Tensor[] {x}, null, true, true, false)[0];
            assertTrue(g.requiresGrad(), "a gradient computed with createGraph must itself be differentiable");
            double[] hv = Autograd.grad(new Tensor[] {g.mul(v).sum()}, new Tensor[] {x}, null, false, false, false)[0]
                    .toDoubleArray();

            double eps = 1e-5;
            double[] plus = new double[4];
            double[] minus = new double[4];
            for (int i = 0; i < 4; i++) {
                plus[i] = xv[i] + eps * vv[i];
                minus[i] = xv[i] - eps * vv[i];
            }
            double[] gp = gradientAt(w, plus);
            double[] gm = gradientAt(w, minus);
            for (int i = 0; i < 4; i++) {
                double numeric = (gp[i] - gm[i]) / (2 * eps);
                assertEquals(numeric, hv[i], 1e-6 + 1e-6 * Math.abs(numeric), "Hv[" + i + "]");
            }
        }
    }

    @Test
    void hessianVectorProductOfAQuadraticIsExact() {
        try (Scope s = Scope.open()) {
            // f = 0.5 x^T A x has Hessian (A + A^T) / 2 everywhere
            double[] av = {2, 1, 0, -1, 3, 0.5, 0.25, 0, 1};
            Tensor a = Tensor.of(av, 3, 3);
            Tensor x = Tensor.of(new double[] {0.3, -1.2, 2.0}, 3).requiresGrad_(true);
            Tensor v = Tensor.of(new double[] {1.0, 0.5, -2.0}, 3);
            Tensor f = x.matmul(a.matmul(x)).mul(0.5);
            Tensor g = Autograd.grad(new Tensor[] {f}, new Tensor[] {x}, null, true, true, false)[0];
            double[] hv = Autograd.grad(new Tensor[] {g.dot(v)}, new Tensor[] {x}, null, false, false, false)[0]
                    .toDoubleArray();
            double[] vv = v.toDoubleArray();
            for (int i = 0; i < 3; i++) {
                double want = 0;
                for (int j = 0; j < 3; j++) {
                    want += 0.5 * (av[i * 3 + j] + av[j * 3 + i]) * vv[j];
                }
                assertEquals(want, hv[i], 1e-12, "Hv[" + i + "]");
            }
        }
    }

    // ------------------------------------------------------------------------------ WGAN-GP

    private static final int BATCH = 4;
    private static final int IN = 3;
    private static final int HIDDEN = 5;

    /** critic(x) = tanh(x W1 + b1) W2 + b2, one score per row of x. */
    private static Tensor critic(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return x.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
    }

    /** mean over the batch of (||d critic / d x_i||_2 - 1)^2, differentiable in the weights. */
    private static Tensor penalty(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        Tensor scores = critic(x, w1, b1, w2, b2);
        Tensor dx = Autograd.grad(new Tensor[] {scores.sum()}, new Tensor[] {x}, null, true, true, false)[0];
        return dx.norm(2, new int[] {1}, false).sub(1).square().mean();
    }

    private static double penaltyAt(double[] xv, double[][] params) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(xv, BATCH, IN).requiresGrad_(true);
            Tensor w1 = Tensor.of(params[0], IN, HIDDEN).requiresGrad_(true);
            Tensor b1 = Tensor.of(params[1], HIDDEN).requiresGrad_(true);
            Tensor w2 = Tensor.of(params[2], HIDDEN, 1).requiresGrad_(true);
            Tensor b2 = Tensor.of(params[3], 1).requiresGrad_(true);
            return penalty(x, w1, b1, w2, b2).item();
        }
    }

    @Test
    void gradientPenaltyBackpropagatesToTheCriticWeights() {
        Random r = new Random(11);
        double[] xv = gaussian(r, BATCH * IN);
        double[][] params = {gaussian(r, IN * HIDDEN), gaussian(r, HIDDEN), gaussian(r, HIDDEN), gaussian(r, 1)};
        int[][] shapes = {{IN, HIDDEN}, {HIDDEN}, {HIDDEN, 1}, {1}};
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(xv, BATCH, IN).requiresGrad_(true);
            Tensor[] p = new Tensor[4];
            for (int k = 0; k < 4; k++) {
                p[k] = Tensor.of(params[k], shapes[k]).requiresGrad_(true);
            }
            Tensor gp = penalty(x, p[0], p[1], p[2], p[3]);
            assertTrue(gp.requiresGrad(), "the penalty must depend on the weights through the recorded backward pass");
            gp.backward();

            double eps = 1e-6;
            String[] names = {"W1", "b1", "W2", "b2"};
            for (int k = 0; k < 4; k++) {
                double[] analytic = p[k].grad() == null ? new double[params[k].length] : p[k].grad().toDoubleArray();
                if (k < 3) {
                    assertNotNull(p[k].grad(), names[k] + " got no gradient from the penalty");
                }
                for (int i = 0; i < params[k].length; i++) {
                    double saved = params[k][i];
                    params[k][i] = saved + eps;
                    double up = penaltyAt(xv, params);
                    params[k][i] = saved - eps;
                    double down = penaltyAt(xv, params);
                    params[k][i] = saved;
                    double numeric = (up - down) / (2 * eps);
                    double tol = 1e-6 + 1e-5 * Math.abs(numeric);
                    assertEquals(numeric, analytic[i], tol, String.format(Locale.ROOT,
                            "d penalty / d %s[%d]: analytic %.10g, numeric %.10g", names[k], i, analytic[i], numeric));
                }
            }
        }
    }

    @Test
    void gradientPenaltyOfALinearCriticIsKnownInClosedForm() {
        try (Scope s = Scope.open()) {
            // critic(x) = x w: d critic / dx_i = w for every row, penalty = (||w|| - 1)^2,
            // d penalty / dw = 2 (||w|| - 1) w / ||w||
            double[] wv = {0.6, -1.2, 2.0};
            Tensor x = Tensor.of(new double[] {1, 2, 3, -1, 0, 4}, 2, 3).requiresGrad_(true);
            Tensor w = Tensor.of(wv, 3, 1).requiresGrad_(true);
            Tensor dx = Autograd.grad(new Tensor[] {x.matmul(w).sum()}, new Tensor[] {x}, null, true, true, false)[0];
            Tensor gp = dx.norm(2, new int[] {1}, false).sub(1).square().mean();
            gp.backward();
            double norm = Math.sqrt(0.36 + 1.44 + 4.0);
            assertEquals((norm - 1) * (norm - 1), gp.item(), 1e-12);
            double[] got = w.grad().toDoubleArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(2 * (norm - 1) * wv[i] / norm, got[i], 1e-12, "dw[" + i + "]");
            }
            try (NoGrad ng = NoGrad.open()) {
                assertTrue(x.grad() == null || x.grad().abs().max().item() == 0,
                        "the penalty of a linear critic does not depend on x");
            }
        }
    }

    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * 0.8;
        }
        return v;
    }
}
