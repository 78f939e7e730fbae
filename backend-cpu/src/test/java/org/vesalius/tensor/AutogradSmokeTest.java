package org.vesalius.tensor;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;

/** A first set of gradient checks through the CPU backend; the full suite lives in org.vesalius.gradcheck. */
class AutogradSmokeTest {
    private static Tensor leaf(Generator g, int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, g, shape).requiresGrad_(true);
    }

    @Test
    void elementwiseWithBroadcasting() {
        Generator g = new Generator(1);
        Tensor a = leaf(g, 3, 4);
        Tensor b = leaf(g, 4);
        GradCheck.check(in -> in[0].mul(in[1]).add(in[0].div(in[1].abs().add(1))).tanh(), a, b).orThrow();
    }

    @Test
    void matmulOnPermutedInput() {
        Generator g = new Generator(2);
        Tensor a = leaf(g, 4, 3);
        Tensor b = leaf(g, 2, 4, 5);
        GradCheck.check(in -> in[0].t().matmul(in[1]), a, b).orThrow();
    }

    @Test
    void reductionsAndSoftmax() {
        Generator g = new Generator(3);
        Tensor a = leaf(g, 3, 5);
        GradCheck.check(in -> in[0].logSoftmax(1).mul(in[0].softmax(0)).sum(1, false), a).orThrow();
        GradCheck.check(in -> in[0].var(new int[] {1}, true, true).add(in[0].amax(new int[] {0}, false).sum()), a).orThrow();
        GradCheck.check(in -> in[0].logsumexp(1, false), a).orThrow();
    }

    @Test
    void secondOrder() {
        Generator g = new Generator(4);
        Tensor a = leaf(g, 3, 3);
        GradCheck.checkSecondOrder(in -> in[0].matmul(in[0]).tanh().sum(), a).orThrow();
    }
}
