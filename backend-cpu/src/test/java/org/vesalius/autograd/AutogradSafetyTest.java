package org.vesalius.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.nn.Linear;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Version counters, the in-place rules for tensors that require grad, and gradient accumulation that
 * never shares or closes another tensor's gradient: the cases where PyTorch refuses or gets the
 * number right, and a library without these checks returns a wrong gradient quietly.
 */
class AutogradSafetyTest {
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

    private static String refused(Runnable r) {
        return assertThrows(IllegalStateException.class, r::run).getMessage();
    }

    // ---------------------------------------------------------------- version counters

    @Test
    void savedInputWrittenInPlaceIsRefused() {
        Tensor w = leaf(1, 2, 3);
        Tensor x = Tensor.of(new double[] {10, 20, 30}, 3);
        Tensor y = w.mul(x).sum();
        x.add_(100);
        String m = refused(y::backward);
        assertTrue(m.contains("mulBackward") && m.contains("float64 of shape [3]") && m.contains("version 1")
                && m.contains("version 0"), m);
        assertNull(w.grad(), "no gradient may be written by a refused backward");
    }

    @Test
    void parameterSteppedBetweenForwardAndBackwardIsRefused() {
        Linear layer = new Linear(3, 2);
        Tensor x = Tensor.randn(4, 3);
        Tensor loss = layer.forward(x).square().sum();
        try (NoGrad ng = NoGrad.open()) {
            layer.weight().add_(0.5);
        }
        String m = refused(loss::backward);
        assertTrue(m.contains("linearBackward") && m.contains("[2, 3]"), m);
    }

    @Test
    void optimizerStepBeforeBackwardIsRefused() {
        Linear layer = new Linear(3, 2);
        SGD sgd = new SGD(layer.parameters(), 0.1);
        layer.forward(Tensor.randn(4, 3)).sum().backward();
        Tensor loss = layer.forward(Tensor.randn(4, 3)).square().sum();
        sgd.step(); // the fused step writes behind the tensor API and must still bump the versions
        assertThrows(IllegalStateException.class, loss::backward);
    }

    @Test
    void writeThroughADetachedAliasOfASavedOutputIsRefused() {
        Tensor u = leaf(0.5, -1, 2);
        Tensor e = u.exp();
        Tensor s = e.sum().mul(e.sum());
        e.detach().mul_(0);
        String m = refused(s::backward);
        assertTrue(m.contains("expBackward"), m);
    }

    @Test
    void writeThroughAViewOfASavedTensorIsRefused() {
        Tensor w = leaf(1, 2, 3, 4);
        Tensor x = Tensor.of(new double[] {1, 1, 1, 1}, 2, 2);
        Tensor y = w.reshape(2, 2).matmul(x).sum();
        x.narrow(0, 1, 1).fill_(3);
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void opsThatSaveNothingAllowLaterWrites() {
        // PyTorch's add saves no input: changing one afterwards leaves its gradient well defined
        Tensor a = leaf(1, 2);
        Tensor b = Tensor.of(new double[] {3, 4}, 2);
        Tensor y = a.add(b).sum();
        b.mul_(10);
        y.backward();
        assertArrayEquals(new double[] {1, 1}, a.grad().toDoubleArray());
    }

    @Test
    void versionCountsEveryKindOfInPlaceWrite() {
        Tensor t = Tensor.zeros(2, 3);
        long v0 = t.storage().version();
        t.add_(1);
        t.sub_(Tensor.ones(3));
        t.mul_(Tensor.ones(2, 3));
        t.div_(2);
        t.clamp_(-1, 1);
        t.fill_(2);
        t.zero_();
        t.copy_(Tensor.ones(2, 3));
        t.narrow(1, 0, 1).add_(1);
        t.detach().mul_(3);
        assertEquals(v0 + 10, t.storage().version());
        Tensor fresh = t.add(1);
        assertEquals(0, fresh.storage().version(), "an op's output starts a new storage at version 0");
    }

    @Test
    void retainedGraphIsCheckedAgainOnTheSecondBackward() {
        Tensor w = leaf(1, 2);
        Tensor x = Tensor.of(new double[] {3, 4}, 2);
        Tensor y = w.mul(x).sum();
        y.backward(null, true, false);
        assertArrayEquals(new double[] {3, 4}, w.grad().toDoubleArray());
        x.add_(1);
        assertThrows(IllegalStateException.class, y::backward);
    }

    // ---------------------------------------------------------------- in-place rules with grad

    @Test
    void inPlaceOnALeafThatRequiresGradIsRefusedUnlessUnderNoGrad() {
        Tensor w = leaf(1, 2);
        assertTrue(refused(() -> w.mul_(2)).contains("a leaf tensor that requires grad"));
        assertTrue(refused(() -> w.copy_(Tensor.zeros(2))).startsWith("copy_: a leaf tensor"));
        try (NoGrad ng = NoGrad.open()) {
            w.mul_(2);
        }
        assertArrayEquals(new double[] {2, 4}, w.toDoubleArray());
    }

    @Test
    void inPlaceOnAViewOfALeafIsRefused() {
        Tensor w = leaf(1, 2, 3, 4);
        Tensor v = w.narrow(0, 1, 2);
        assertTrue(refused(() -> v.fill_(0)).contains("a view of a leaf tensor that requires grad"));
        Tensor made;
        try (NoGrad ng = NoGrad.open()) {
            made = w.reshape(2, 2);
        }
        Tensor view = made;
        assertTrue(refused(() -> view.zero_()).contains("the view was made under NoGrad"));
    }

    @Test
    void inPlaceOnANonLeafAndFromASourceThatRequiresGradAreRefused() {
        Tensor w = leaf(1, 2);
        Tensor h = w.mul(2);
        assertTrue(refused(() -> h.add_(1)).contains("part of the autograd graph"));
        Tensor buffer = Tensor.zeros(2).toDouble();
        assertTrue(refused(() -> buffer.add_(w)).contains("would drop the source's gradient"));
        assertTrue(refused(() -> buffer.copy_(w)).contains("would drop the source's gradient"));
    }

    // ---------------------------------------------------------------- accumulation

    @Test
    void higherOrderGradientThroughTwoAccumulatedBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        x.pow(3).sum().backward(null, true, true);
        x.pow(2).sum().backward(null, true, true);
        assertArrayEquals(new double[] {5, 16, 33}, x.grad().toDoubleArray(), 1e-12);
        Tensor second = Autograd.grad(new Tensor[] {x.grad().sum()}, new Tensor[] {x}, null, false, false, false)[0];
        assertArrayEquals(new double[] {8, 14, 20}, second.toDoubleArray(), 1e-12);
    }

    @Test
    void noTwoTensorsShareAGradient() {
        for (boolean createGraph : new boolean[] {false, true}) {
            Tensor a = leaf(1, 2);
            Tensor b = leaf(3, 4);
            a.add(b).sum().backward(null, createGraph, createGraph);
            assertNotSame(a.grad(), b.grad());
            a.zeroGrad();
            assertNull(a.grad());
            assertFalse(b.grad().isClosed());
            assertArrayEquals(new double[] {1, 1}, b.grad().toDoubleArray());
            Tensor c = leaf(1, 2);
            Tensor d = leaf(3, 4);
            c.add(d).sum().backward(null, createGraph, createGraph);
            c.zeroGrad(false);
            assertArrayEquals(new double[] {0, 0}, c.grad().toDoubleArray());
            assertArrayEquals(new double[] {1, 1}, d.grad().toDoubleArray());
        }
    }

    @Test
    void plainBackwardAfterACreateGraphOneKeepsTheOldGradientUsable() {
        Tensor x = leaf(1, 2);
        x.pow(2).sum().backward(null, true, true);
        Tensor graphGrad = x.grad();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {5, 7}, x.grad().toDoubleArray(), 1e-12);
        assertFalse(graphGrad.isClosed(), "a gradient that belongs to a graph is left to the scope");
        assertFalse(x.grad().requiresGrad());
        Tensor g = Autograd.grad(new Tensor[] {graphGrad.sum()}, new Tensor[] {x}, null, false, false, false)[0];
        assertArrayEquals(new double[] {2, 2}, g.toDoubleArray(), 1e-12);
    }

    @Test
    void zeroGradInPlaceKeepsTheTensorAndCutsItsGraph() {
        Tensor x = leaf(1, 2);
        x.pow(2).sum().backward(null, true, true);
        Tensor g = x.grad();
        assertTrue(g.requiresGrad());
        x.zeroGrad(false);
        assertSame(g, x.grad());
        assertFalse(g.requiresGrad());
        assertArrayEquals(new double[] {0, 0}, g.toDoubleArray());
    }
}
