package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;

/**
 * {@code index} ({@code x[idx]} and {@code x[i, j, ...]}), {@code indexPut}, {@code maskedSelect}, {@code maskedScatter} and
 * {@code nonzero}: values against PyTorch 1.13 (snippets in comments), float64 gradient checks and
 * error messages.
 */
class IndexingExtrasTest {
    private static final Generator GEN = new Generator(77);

    private static Tensor leaf(int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, GEN, shape).requiresGrad_(true);
    }

    /** {@code torch.arange(12.).view(3, 4)}. */
    private static Tensor x34() {
        return Tensor.arange(12).toFloat().reshape(3, 4);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void integerIndexOfAnyShape() {
        // x[torch.tensor([[2, 0], [-1, 1]])] -> shape [2, 2, 4]
        Tensor r = x34().index(Tensor.of(new long[] {2, 0, -1, 1}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 4}, r.shape());
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7}, r.toFloatArray(), 0f);
        // int32 indices and a 0-dim index (which drops the dim, as x[torch.tensor(1)])
        assertArrayEquals(new float[] {4, 5, 6, 7}, x34().index(Tensor.of(new int[] {1})).toFloatArray(), 0f);
        assertArrayEquals(new int[] {4}, x34().index(Tensor.scalar(DType.INT64, 1)).shape());
    }

    @Test
    void boolMaskIndex() {
        // x[torch.tensor([True, False, True])]
        Tensor r = x34().index(Tensor.of(new boolean[] {true, false, true}));
        assertArrayEquals(new int[] {2, 4}, r.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 8, 9, 10, 11}, r.toFloatArray(), 0f);
        // a full-rank mask gives a 1-D result
        Tensor x = x34();
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10, 11}, x.index(x.gt(4.5)).toFloatArray(), 0f);
        // a 0-dim mask on a 0-dim tensor: torch.tensor(5.)[torch.tensor(True)] -> tensor([5.])
        assertArrayEquals(new float[] {5}, Tensor.scalar(5).index(Tensor.scalar(DType.BOOL, 1)).toFloatArray(), 0f);
    }

    @Test
    void indexGradientMatchesPyTorch() {
        Tensor x = x34().requiresGrad_(true);
        x.index(Tensor.of(new long[] {0, 0, 2, -1})).sum().backward();
        // x[torch.tensor([0, 0, 2, -1])].sum().backward(): repeated rows accumulate
        assertArrayEquals(new float[] {2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2}, x.grad().toFloatArray(), 0f);
    }

    @Test
    void indexGradients() {
        Tensor x = leaf(4, 3);
        Tensor idx = Tensor.of(new long[] {3, 0, -4, 2, 2, 1}, 3, 2);
        GradCheck.check(in -> in[0].index(idx).square(), x).orThrow();
        GradCheck.check(in -> in[0].t().index(Tensor.of(new boolean[] {true, false, true})), x).orThrow();
        Tensor mask = Tensor.of(new boolean[] {true, false, false, true, true, false, true, true, false, false, false, true}, 4, 3);
        GradCheck.check(in -> in[0].index(mask).exp(), x).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].index(idx).square().sum(), x).orThrow();
    }

    @Test
    void indexErrors() {
        Tensor x = Tensor.zeros(3, 2);
        assertEquals("index: indices must be int64, int32 or bool tensors, got float32; convert float indices with .toLong()",
                message(() -> x.index(Tensor.of(new float[] {1}))));
        assertTrue(message(() -> x.index(Tensor.of(new byte[] {1}))).startsWith("index: indices must be int64, int32 or bool tensors, got uint8"));
        assertEquals("index: index 5 is out of bounds for dimension 0 with size 3 (tensor of shape [3, 2])",
                message(() -> x.index(Tensor.of(new long[] {0, 5}))));
        assertEquals("index: index -4 is out of bounds for dimension 0 with size 3 (tensor of shape [3, 2])",
                message(() -> x.index(Tensor.of(new long[] {-4}))));
        assertEquals("index: the shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 2] at index 0",
                message(() -> x.index(Tensor.of(new boolean[] {true, false}))));
        assertTrue(message(() -> Tensor.scalar(1).index(Tensor.of(new long[] {0}))).startsWith("index: cannot index a 0-dim tensor"));
    }

    private static Tensor longs(long... v) {
        return Tensor.of(v);
    }

    @Test
    void multiIndexMatchesPyTorch() {
        Tensor x = x34();
        // x[torch.tensor([0, 2, -1]), torch.tensor([1, 3, 0])]: one element per pair (k = dim)
        Tensor pairs = x.index(longs(0, 2, -1), longs(1, 3, 0));
        assertArrayEquals(new int[] {3}, pairs.shape());
        assertArrayEquals(new float[] {1, 11, 8}, pairs.toFloatArray(), 0f);
        // x[torch.tensor([[0], [2]]), torch.tensor([1, 0, 3])]: [2, 1] and [3] broadcast to [2, 3]
        Tensor grid = x.index(Tensor.of(new long[] {0, 2}, 2, 1), longs(1, 0, 3));
        assertArrayEquals(new int[] {2, 3}, grid.shape());
        assertArrayEquals(new float[] {1, 0, 3, 9, 8, 11}, grid.toFloatArray(), 0f);
        // torch.arange(24.).view(2, 3, 4)[torch.tensor([1, 0]), torch.tensor([2, -3])]: trailing dim kept
        Tensor x3 = Tensor.arange(24).toFloat().reshape(2, 3, 4);
        Tensor rows = x3.index(longs(1, 0), Tensor.of(new int[] {2, -3}));
        assertArrayEquals(new int[] {2, 4}, rows.shape());
        assertArrayEquals(new float[] {20, 21, 22, 23, 0, 1, 2, 3}, rows.toFloatArray(), 0f);
        // 0-dim indices give a 0-dim result; integer tensors index too
        Tensor one = Tensor.arange(12).reshape(3, 4).index(Tensor.scalar(DType.INT64, 2), Tensor.scalar(DType.INT64, -1));
        assertEquals(0, one.dim());
        assertEquals(11L, one.toLongArray()[0]);
        // one index through the varargs overload is x[idx], bool mask included
        Tensor idx = longs(2, 0);
        assertArrayEquals(x.index(idx).toFloatArray(), x.index(new Tensor[] {idx}).toFloatArray(), 0f);
        Tensor mask = Tensor.of(new boolean[] {true, false, true});
        assertArrayEquals(x.index(mask).toFloatArray(), x.index(new Tensor[] {mask}).toFloatArray(), 0f);
    }

    @Test
    void multiIndexRepeatedPairsAccumulate() {
        Tensor x = x34().requiresGrad_(true);
        // (x[torch.tensor([1, 1, 0, 1]), torch.tensor([2, 2, -1, -2])] * torch.tensor([1., 2, 3, 4])).sum().backward()
        x.index(longs(1, 1, 0, 1), longs(2, 2, -1, -2)).mul(Tensor.of(new float[] {1, 2, 3, 4})).sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 3, 0, 0, 7, 0, 0, 0, 0, 0}, x.grad().toFloatArray(), 0f);
    }

    @Test
    void multiIndexGradients() {
        Tensor x = leaf(3, 4, 2);
        Tensor i = Tensor.of(new long[] {2, -1, 0}, 3, 1);
        Tensor j = longs(0, 3, -4, 3);
        GradCheck.check(in -> in[0].index(i, j).square(), x).orThrow();
        GradCheck.check(in -> in[0].index(longs(1, 1, 0), longs(2, 2, 3), longs(0, 0, -1)).exp(), x).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].index(i, j).square().sum(), x).orThrow();
    }

    @Test
    void multiIndexErrors() {
        Tensor x = Tensor.zeros(3, 4);
        assertEquals("index: index tensors of shapes [2], [3] cannot be broadcast together",
                message(() -> x.index(longs(0, 1), longs(0, 1, 2))));
        assertEquals("index: index 4 is out of bounds for dimension 1 with size 4 (tensor of shape [3, 4])",
                message(() -> x.index(longs(0, 1), longs(1, 4))));
        assertEquals("index: index -4 is out of bounds for dimension 0 with size 3 (tensor of shape [3, 4])",
                message(() -> x.index(longs(-4, 1), longs(1, 2))));
        assertEquals("index: too many indices for a tensor of shape [3, 4]: 3 index tensors given, at most 2",
                message(() -> x.index(longs(0), longs(0), longs(0))));
        assertTrue(message(() -> x.index(longs(0, 1), Tensor.of(new boolean[] {true, false, true, true})))
                .startsWith("index: a bool mask (index tensor 1) cannot be combined with other index tensors"));
        assertTrue(message(() -> x.index(longs(0), Tensor.of(new float[] {1})))
                .startsWith("index: indices must be int64 or int32 tensors when several are given, got float32 (index tensor 1)"));
        assertEquals("index: needs at least one index tensor, got none", message(() -> x.index(new Tensor[0])));
    }

    @Test
    void indexPutMatchesPyTorch() {
        // x.index_put((torch.tensor([0, 2, 0]),), torch.tensor([100., 200, 300, 400]), accumulate=True)
        Tensor r = x34().indexPut(Tensor.of(new long[] {0, 2, 0}), Tensor.of(new float[] {100, 200, 300, 400}), true);
        assertArrayEquals(new float[] {200, 401, 602, 803, 4, 5, 6, 7, 108, 209, 310, 411}, r.toFloatArray(), 0f);
        // x[torch.tensor([True, False, True])] = -1, out of place
        Tensor m = x34().indexPut(Tensor.of(new boolean[] {true, false, true}), -1);
        assertArrayEquals(new float[] {-1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1}, m.toFloatArray(), 0f);
        // full-rank mask with one value per selected element
        Tensor x = x34();
        Tensor s = x.indexPut(x.lt(2), Tensor.of(new float[] {7, 8}), false);
        assertArrayEquals(new float[] {7, 8, 2, 3}, s.narrow(0, 0, 1).reshape(-1).toFloatArray(), 0f);
    }

    @Test
    void indexPutGradients() {
        Tensor x = leaf(4, 3);
        Tensor v = leaf(2, 3);
        Tensor idx = Tensor.of(new long[] {3, -3});
        GradCheck.check(in -> in[0].indexPut(idx, in[1], false).square(), x, v).orThrow();
        GradCheck.check(in -> in[0].indexPut(Tensor.of(new long[] {1, 1, 0}), in[1].sum(0, false), true), x, v).orThrow();
        Tensor row = leaf(3);
        GradCheck.check(in -> in[0].indexPut(Tensor.of(new boolean[] {false, true, true, false}), in[1], false).mul(in[0]),
                x, row).orThrow();
        assertTrue(message(() -> Tensor.zeros(4, 3).indexPut(idx, Tensor.zeros(3, 3), false))
                .startsWith("indexPut: values of shape [3, 3] cannot be broadcast to the indexed shape [2, 3]"));
    }

    @Test
    void maskedSelectAndScatterMatchPyTorch() {
        Tensor x = x34();
        // x.masked_select(x > 4.5); x.masked_select(torch.tensor([True, False, False, True])) broadcasts
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10, 11}, x.maskedSelect(x.gt(4.5)).toFloatArray(), 0f);
        assertArrayEquals(new float[] {0, 3, 4, 7, 8, 11},
                x.maskedSelect(Tensor.of(new boolean[] {true, false, false, true})).toFloatArray(), 0f);
        // torch.zeros(2, 3).masked_scatter(mask, torch.arange(10., 16.))
        Tensor mask = Tensor.of(new boolean[] {true, false, true, false, true, false}, 2, 3);
        Tensor ms = Tensor.zeros(2, 3).maskedScatter(mask, Tensor.arange(10, 16, 1).toFloat());
        assertArrayEquals(new float[] {10, 0, 11, 0, 12, 0}, ms.toFloatArray(), 0f);

        Tensor a = leaf(3, 4);
        Tensor src = leaf(2, 4);
        Tensor m2 = Tensor.of(new boolean[] {true, false, true, true, false, false, false, true, true, false, true, false}, 3, 4);
        GradCheck.check(in -> in[0].maskedSelect(m2).square(), a).orThrow();
        GradCheck.check(in -> in[0].maskedSelect(Tensor.of(new boolean[] {false, true, true, false})), a).orThrow();
        GradCheck.check(in -> in[0].maskedScatter(m2, in[1]).mul(in[0]), a, src).orThrow();

        assertEquals("maskedSelect: mask must be a bool tensor, got int64; build it with a comparison such as x.gt(0), or .to(DType.BOOL)",
                message(() -> x.maskedSelect(Tensor.of(new long[] {1, 0, 1, 0}))));
        assertTrue(message(() -> Tensor.zeros(3).maskedScatter(Tensor.of(new boolean[] {true, false, true}), Tensor.zeros(1)))
                .contains("has 1 elements but the mask of shape [3] selects 2"));
    }

    @Test
    void nonzeroMatchesPyTorch() {
        // torch.tensor([[0, 1, 0], [2, 0, 3]]).nonzero()
        Tensor nz = Tensor.of(new long[] {0, 1, 0, 2, 0, 3}, 2, 3).nonzero();
        assertEquals(DType.INT64, nz.dtype());
        assertArrayEquals(new int[] {3, 2}, nz.shape());
        assertArrayEquals(new long[] {0, 1, 1, 0, 1, 2}, nz.toLongArray());
        assertArrayEquals(new int[] {0, 1}, Tensor.zeros(4).nonzero().shape());
        assertArrayEquals(new long[] {1, 3}, Tensor.of(new boolean[] {false, true, false, true}).nonzero().reshape(-1).toLongArray());
    }
}
