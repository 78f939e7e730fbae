package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;

class TensorBasicsTest {

    @Test
    void createsAndReadsBack() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.zeros(3).toFloatArray());
        assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 1}, Tensor.eye(2).toFloatArray());
        assertEquals(28.0, Tensor.full(7, 2, 2).sum().item());
    }

    @Test
    void broadcastsAndPromotes() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor b = Tensor.of(new float[] {10, 20}, 2);
        Tensor c = a.add(b);
        assertArrayEquals(new int[] {3, 2}, c.shape());
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, c.toFloatArray());
        Tensor i = Tensor.of(new long[] {1, 2});
        assertEquals(DType.FLOAT32, i.add(Tensor.of(new float[] {0.5f, 0.5f})).dtype());
        assertEquals(DType.INT64, i.add(3).dtype());
        assertEquals(DType.FLOAT32, i.div(Tensor.of(new long[] {2, 2})).dtype());
        assertEquals(DType.FLOAT64, Tensor.of(new float[] {1}).add(Tensor.of(new double[] {1})).dtype());
        assertEquals(DType.FLOAT32, Tensor.of(new float[] {1}).add(Tensor.scalar(DType.FLOAT64, 1)).dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)", e.getMessage());
    }

    @Test
    void viewsShareStorage() {
        Tensor t = Tensor.arange(0, 12, 1, DType.FLOAT32).reshape(3, 4);
        Tensor tt = t.t();
        assertFalse(tt.isContiguous());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, tt.contiguous().toFloatArray());
        Tensor col = t.select(1, 2);
        assertArrayEquals(new float[] {2, 6, 10}, col.toFloatArray());
        try (NoGrad ng = NoGrad.open()) {
            col.fill_(-1);
        }
        assertArrayEquals(new float[] {0, 1, -1, 3}, t.select(0, 0).toFloatArray());
        assertArrayEquals(new float[] {1, 3}, t.slice(1, 1, 4, 2).select(0, 0).toFloatArray());
        assertArrayEquals(new int[] {3, 2, 2}, t.unfold(1, 2, 2).shape());
        assertArrayEquals(new int[] {1, 3, 4}, t.unsqueeze(0).shape());
        assertArrayEquals(new int[] {2, 3, 4}, t.unsqueeze(0).expand(2, 3, 4).shape());
        assertThrows(IllegalArgumentException.class, () -> tt.view(12));
        assertArrayEquals(new int[] {12}, tt.reshape(12).shape());
    }

    @Test
    void matmulMatchesHandComputation() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, a.matmul(b).toFloatArray());
        // transposed views go to BLAS without a copy and give the same product
        Tensor at = Tensor.of(new float[] {1, 4, 2, 5, 3, 6}, 3, 2).t();
        Tensor bt = Tensor.of(new float[] {7, 9, 11, 8, 10, 12}, 2, 3).t();
        assertArrayEquals(new float[] {58, 64, 139, 154}, at.matmul(bt).toFloatArray());
        // a strided slice BLAS cannot describe is copied first
        Tensor wide = Tensor.of(new float[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, 2, 6).slice(1, 0, 6, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, wide.matmul(b).toFloatArray());
        Tensor batch = Tensor.randn(5, 2, 3);
        Tensor out = batch.matmul(b);
        assertArrayEquals(new int[] {5, 2, 2}, out.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(64, 800).matmul(Tensor.zeros(500, 10)));
        assertEquals("matmul: shapes [64, 800] and [500, 10] cannot be multiplied (800 != 500)", e.getMessage());
    }

    @Test
    void reductions() {
        Tensor t = Tensor.of(new double[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertEquals(21.0, t.sum().item());
        assertArrayEquals(new double[] {9, 12}, t.sum(1, false).toDoubleArray());
        assertArrayEquals(new double[] {5, 7, 9}, t.sum(0, false).toDoubleArray());
        assertArrayEquals(new long[] {1, 2}, t.argmax(1, false).toLongArray());
        assertEquals(3.5, t.mean().item(), 1e-12);
        assertEquals(3.5, t.var(true).item(), 1e-12);
        assertEquals(720.0, t.prod().item());
        assertArrayEquals(new double[] {1, 6, 9, 13, 15, 21}, t.reshape(-1).cumsum(0).toDoubleArray());
        Tensor big = Tensor.ones(1 << 20);
        assertEquals(1 << 20, big.sum().item());
        Tensor sm = Tensor.of(new float[] {1, 2, 3}).softmax(0);
        assertEquals(1.0, sm.sum().item(), 1e-6);
        assertTrue(Tensor.of(new boolean[] {true, false}).any().item() != 0);
    }

    @Test
    void autogradOfSimpleExpression() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad_(true);
        Tensor y = x.mul(x).sum();
        y.backward();
        assertArrayEquals(new double[] {2, 4, 6}, x.grad().toDoubleArray());
        Tensor z = x.exp().sum();
        z.backward();
        assertEquals(2 + Math.E, x.grad().toDoubleArray()[0], 1e-12);
    }

    @Test
    void printsLikePytorch() {
        assertEquals("tensor([[1., 2.],\n        [3., 4.]])", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("tensor([1, 2])", Tensor.of(new long[] {1, 2}).toString());
        assertEquals("tensor(0.5000)", Tensor.scalar(0.5).toString());
    }

    @Test
    void randomIsSeeded() {
        float[] a = Tensor.rand(new Generator(1), 100).toFloatArray();
        float[] b = Tensor.rand(new Generator(1), 100).toFloatArray();
        assertArrayEquals(a, b);
        Tensor n = Tensor.randn(new Generator(3), 100000);
        assertEquals(0, n.mean().item(), 0.02);
        assertEquals(1, n.std(true).item(), 0.02);
        long[] r = Tensor.randint(0, 10, new Generator(5), 1000).toLongArray();
        for (long v : r) {
            assertTrue(v >= 0 && v < 10);
        }
    }
}
