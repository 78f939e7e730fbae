package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** The README's quick start, line for line, with what its comments promise: if this fails, fix the README too. */
class ReadmeQuickStartTest {

    @Test
    void tensorsAndAutograd() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.ones(3, 2);
        assertEquals("tensor([[ 6.,  6.],\n        [15., 15.]])", a.matmul(b).toString());
        assertEquals("tensor([ 6., 15.])", a.sum(1, false).toString());
        assertArrayEquals(new int[] {4, 3}, Tensor.cat(0, a, a).shape());
        assertEquals("tensor([[2., 1., 2., 3., 2.],\n        [5., 4., 5., 6., 5.]])", a.pad(new int[] {1, 1}, "reflect").toString());
        assertEquals("tensor([4., 5., 6.])", a.index(a.gt(3)).toString());

        Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        x.square().mul(3).sum().backward();
        assertEquals("tensor([ 6., 12., 18.], dtype=torch.float64)", x.grad().toString());
    }

    @Test
    void trainingLoop() {
        Tensor xs = Tensor.linspace(-1, 1, 64).reshape(64, 1);
        Tensor ys = xs.mul(3).add(1);
        Tensor w = Tensor.zeros(1, 1).requiresGrad_(true);
        Tensor c = Tensor.zeros(1).requiresGrad_(true);
        for (int step = 0; step < 300; step++) {
            try (Scope s = Scope.open()) {
                Tensor loss = xs.matmul(w).add(c).sub(ys).square().mean();
                loss.backward();
                try (NoGrad ng = NoGrad.open()) {
                    w.sub_(w.grad().mul(0.5));
                    c.sub_(c.grad().mul(0.5));
                }
                w.zeroGrad();
                c.zeroGrad();
            }
        }
        assertEquals("w = 3.000, c = 1.000", String.format(java.util.Locale.ROOT, "w = %.3f, c = %.3f", w.item(), c.item()));
    }

    @Test
    void errorMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(64, 800).matmul(Tensor.zeros(500, 10)));
        assertEquals("matmul: shapes [64, 800] and [500, 10] cannot be multiplied (800 != 500)", e.getMessage());
    }
}
