package org.vesalius.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** The autograd engine's contract, independent of any one op's derivative. */
class AutogradEngineTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
        assertTrue(GradMode.isEnabled(), "a test left grad mode off");
    }

    private static Tensor leaf(double... v) {
        return Tensor.of(v, v.length).requiresGrad_(true);
    }

    @Test
    void gradientsAccumulateOverTwoBackwardCalls() {
        Tensor x = leaf(1, -2, 3);
        x.square().sum().backward();
        assertArrayEquals(new double[] {2, -4, 6}, x.grad().toDoubleArray(), 1e-15);
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {5, -1, 9}, x.grad().toDoubleArray(), 1e-15);
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3, 3}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = leaf(2, 3);
        Tensor y = x.mul(x).add(x.exp());
        y.sum().backward();
        assertArrayEquals(new double[] {4 + Math.exp(2), 6 + Math.exp(3)}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = leaf(0.5, -1);
        Tensor y = x.exp().sum();
        y.backward(null, true, false);
        y.backward(null, false, false);
        assertArrayEquals(new double[] {2 * Math.exp(0.5), 2 * Math.exp(-1)}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void secondBackwardWithoutRetainGraphThrowsAClearError() {
        Tensor x = leaf(0.5, -1);
        Tensor y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time") && e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void noGradRecordsNothingAndRestoresTheMode() {
        Tensor x = leaf(1, 2);
        try (NoGrad ng = NoGrad.open()) {
            assertFalse(GradMode.isEnabled());
            Tensor y = x.mul(2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            try (NoGrad inner = NoGrad.open()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing a nested NoGrad must not turn recording back on");
        }
        assertTrue(GradMode.isEnabled());
        Tensor z = x.mul(2);
        assertTrue(z.requiresGrad());
        assertNotNull(z.gradFn());
    }

    @Test
    void backwardOfSomethingBuiltUnderNoGradFails() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (NoGrad ng = NoGrad.open()) {
            y = x.square().sum();
        }
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void detachCutsTheGraphAndSharesStorage() {
        Tensor x = leaf(1, 2, 3);
        Tensor h = x.mul(2);
        Tensor d = h.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertSame(h.storage(), d.storage());
        // only the direct use of x contributes: d/dx sum(d * x) = d = 2x
        d.mul(x).sum().backward();
        assertArrayEquals(new double[] {2, 4, 6}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void integerAndBoolTensorsCannotRequireGrad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new long[] {1, 2}, 2).requiresGrad_(true));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new boolean[] {true}, 1).requiresGrad_(true));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[] {1}, 1).requiresGrad_(true));
    }

    @Test
    void integerResultsOfDifferentiableInputsDoNotRequireGrad() {
        Tensor x = leaf(1, 5, 3);
        assertFalse(x.argmax().requiresGrad());
        assertFalse(x.gt(2).requiresGrad());
        assertFalse(x.toLong().requiresGrad());
        assertEquals(DType.INT64, x.max(0, false).indices().dtype());
        assertFalse(x.max(0, false).indices().requiresGrad());
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Tensor x = leaf(1, -2);
        Tensor h = x.mul(3).retainGrad();
        Tensor k = h.exp();
        k.square().sum().backward();
        assertNotNull(h.grad(), "retainGrad() on a non-leaf must keep its gradient");
        // d/dh sum(exp(h)^2) = 2 exp(2h)
        assertArrayEquals(new double[] {2 * Math.exp(6), 2 * Math.exp(-12)}, h.grad().toDoubleArray(), 1e-9);
        assertNull(k.grad(), "a non-leaf without retainGrad() keeps no gradient");
        assertArrayEquals(new double[] {6 * Math.exp(6), 6 * Math.exp(-12)}, x.grad().toDoubleArray(), 1e-8);
    }

    @Test
    void retainGradOnATensorThatDoesNotRequireGradFails() {
        assertThrows(IllegalStateException.class, () -> Tensor.of(new double[] {1}, 1).retainGrad());
    }

    @Test
    void gradReturnsGradientsWithoutAccumulating() {
        Tensor x = leaf(1, 2);
        Tensor[] g = Autograd.grad(new Tensor[] {x.square().sum()}, new Tensor[] {x}, null, false, false, false);
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray(), 1e-15);
        assertNull(x.grad(), "Autograd.grad must not write into grad()");
    }

    @Test
    void gradWithAllowUnusedReturnsNullForAnUnusedInput() {
        Tensor x = leaf(1, 2);
        Tensor unused = leaf(3);
        Tensor y = x.square().sum();
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x, unused}, null, true, false, true);
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray(), 1e-15);
        assertNull(g[1]);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Autograd.grad(new Tensor[] {y}, new Tensor[] {x, unused}, null, false, false, false));
        assertTrue(e.getMessage().contains("allowUnused"), e.getMessage());
    }

    @Test
    void gradWithExplicitOutputGradient() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.square();
        Tensor seed = Tensor.of(new double[] {1, 0.5, -1}, 3);
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, new Tensor[] {seed}, false, false, false);
        assertArrayEquals(new double[] {2, 2, -6}, g[0].toDoubleArray(), 1e-15);
    }

    @Test
    void backwardOfANonScalarNeedsAGradient() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("scalar"), e.getMessage());
        y.backward(Tensor.of(new double[] {1, -1}, 2));
        assertArrayEquals(new double[] {2, -2}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void createGraphMakesTheGradientDifferentiable() {
        Tensor x = leaf(0.7);
        Tensor y = x.pow(3).sum();
        Tensor g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, true, false)[0];
        assertTrue(g.requiresGrad());
        Tensor gg = Autograd.grad(new Tensor[] {g.sum()}, new Tensor[] {x}, null, false, false, false)[0];
        assertEquals(6 * 0.7, gg.item(), 1e-12);
    }

    @Test
    void backwardWithCreateGraphAccumulatesADifferentiableGradient() {
        Tensor x = leaf(0.5, 2);
        x.pow(3).sum().backward(null, false, true);
        Tensor g = x.grad();
        assertTrue(g.requiresGrad(), "with createGraph the stored gradient stays in the graph");
        Tensor[] gg = Autograd.grad(new Tensor[] {g.sum()}, new Tensor[] {x}, null, false, false, false);
        assertArrayEquals(new double[] {3, 12}, gg[0].toDoubleArray(), 1e-12);
    }

    @Test
    void inPlaceOnATensorThatRequiresGradIsRejected() {
        Tensor x = leaf(1, 2);
        assertThrows(IllegalStateException.class, () -> x.add_(1));
        try (NoGrad ng = NoGrad.open()) {
            x.add_(1);
        }
        assertArrayEquals(new double[] {2, 3}, x.toDoubleArray(), 0);
    }

    @Test
    void requiresGradCannotBeTurnedOffOnANonLeaf() {
        Tensor h = leaf(1).mul(2);
        assertThrows(IllegalStateException.class, () -> h.requiresGrad_(false));
    }
}
