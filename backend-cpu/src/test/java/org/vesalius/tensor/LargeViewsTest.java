package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Views past 2^31 and 2^32 elements (expand: no memory behind them) through numel, reductions,
 * indexing and the ops that must refuse them (ADR 0010). Expected numbers are PyTorch 1.13's for the
 * same expressions. Every full reduction here reads each element once, so the sizes stay just past
 * the 32-bit limits: 2^31 + a few thousand elements for most, 2^32 where PyTorch's table had it.
 */
class LargeViewsTest {
    /** 46341^2 = 2,147,488,281: the first square past 2^31 - 1. */
    private static final int PAST_2_31 = 46341;

    private static Tensor ones(int rows, int cols) {
        return Tensor.ones(1, 1).expand(rows, cols);
    }

    @Test
    void numelIsALong() {
        assertEquals(4294967296L, Tensor.ones(1).expand(65536, 65536).numel());
        assertEquals(10_000_000_000L, ones(100000, 100000).numel());
        assertEquals(1L << 62, Tensor.ones(1).expand(1 << 16, 1 << 16, 1 << 16, 1 << 14).numel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ones(1).expand(1 << 16, 1 << 16, 1 << 16, 1 << 16));
        assertTrue(e.getMessage().startsWith("expand: shape [65536, 65536, 65536, 65536]"), e.getMessage());
    }

    @Test
    void sumOf2To32OnesIsExact() {
        // PyTorch: torch.ones(1).expand(65536, 65536).sum() == 4294967296.0 (float32 holds 2^32 exactly,
        // and both accumulate in wider partial sums); the old int numel gave 0
        Tensor x = Tensor.ones(1).expand(65536, 65536);
        Tensor sum = x.sum();
        assertEquals(DType.FLOAT32, sum.dtype());
        assertEquals(4294967296.0, sum.item());
    }

    @Test
    void reductionsPast2To31() {
        Tensor x = ones(PAST_2_31, PAST_2_31);
        // PyTorch: 2147488256.0, the float32 nearest to 2147488281
        assertEquals(2147488256.0, x.sum().item());
        assertEquals(1.0, x.mean().item());
        assertEquals(1.0, x.max().item());
        Tensor trues = Tensor.ones(1, 1).gt(0).expand(PAST_2_31, PAST_2_31);
        assertTrue(trues.all().item() != 0);
        // counting trues: PyTorch sums bool into int64 (here without a widened copy of the view)
        Tensor count = trues.sum();
        assertEquals(DType.INT64, count.dtype());
        assertEquals(2147488281L, count.toLongArray()[0]);
        assertFalse(Tensor.zeros(DType.BOOL, 1, 1).expand(PAST_2_31, PAST_2_31).any().item() != 0);
    }

    @Test
    void reductionsAlongOneDim() {
        // row i holds i everywhere: sums along dim 1 are i * cols; the max of each column is in the last row
        Tensor col = Tensor.arange(PAST_2_31).toDouble().reshape(PAST_2_31, 1);
        Tensor x = col.expand(PAST_2_31, PAST_2_31);
        double[] rows = x.sum(1, false).toDoubleArray();
        assertEquals(PAST_2_31, rows.length);
        assertEquals(0.0, rows[0]);
        assertEquals((double) (PAST_2_31 - 1) * PAST_2_31, rows[PAST_2_31 - 1]);
        ValuesIndices best = x.max(0, false);
        assertEquals(PAST_2_31, best.values().numel());
        assertEquals(PAST_2_31 - 1, best.values().toDoubleArray()[12345]);
        assertEquals(PAST_2_31 - 1, best.indices().toLongArray()[12345]);
    }

    @Test
    void argmaxPast2To31() {
        // the first of two maxima, in row 45000 of 50000 x 50000: flat index 2,250,000,000 (PyTorch's
        // answer, which it reached through a 10 GB copy)
        Tensor col = Tensor.zeros(50000, 1);
        col.narrow(0, 45000, 1).fill_(1);
        col.narrow(0, 47000, 1).fill_(1);
        Tensor x = col.expand(50000, 50000);
        Tensor i = x.argmax();
        assertEquals(DType.INT64, i.dtype());
        assertEquals(0, i.dim());
        assertEquals(2_250_000_000L, i.toLongArray()[0]);
        // NaN wins for argmin too, the first one in row-major order
        col.narrow(0, 49000, 1).fill_(Float.NaN);
        col.narrow(0, 49500, 1).fill_(Float.NaN);
        assertEquals(2_450_000_000L, x.argmin().toLongArray()[0]);
    }

    @Test
    void indexingExpandedViewsPastTheLinearLimit() {
        // b[i, j, k] = 3 i + k over 70000 x 70000 x 3 (1.47e10 elements): x[[69999, 5], [69998, 3]]
        // reaches linear positions near 1.47e10; PyTorch: [[209997, 209998, 209999], [15, 16, 17]]
        Tensor b = Tensor.arange(210000).toDouble().reshape(70000, 1, 3).expand(70000, 70000, 3);
        Tensor picked = b.index(Tensor.of(new long[] {69999, 5}), Tensor.of(new long[] {69998, 3}));
        assertArrayEquals(new int[] {2, 3}, picked.shape());
        assertArrayEquals(new double[] {209997, 209998, 209999, 15, 16, 17}, picked.toDoubleArray());

        // c[i, j] = i over 70000 x 70000
        Tensor c = Tensor.arange(70000).toDouble().reshape(70000, 1).expand(70000, 70000);
        Tensor gathered = c.gather(0, Tensor.of(new long[] {69999, 3, 12345}, 1, 3));
        assertArrayEquals(new double[] {69999, 3, 12345}, gathered.toDoubleArray()); // PyTorch's
        Tensor rows = c.indexSelect(0, Tensor.of(new long[] {69999, 0}));
        assertArrayEquals(new int[] {2, 70000}, rows.shape());
        assertEquals(69999.0, rows.toDoubleArray()[69999]);
        assertEquals(0.0, rows.toDoubleArray()[70000 + 69999]);
        Tensor cols = c.indexSelect(1, Tensor.of(new long[] {69999, 0}));
        assertArrayEquals(new int[] {70000, 2}, cols.shape());
        assertEquals(69999.0, cols.toDoubleArray()[2 * 69999 + 1]);
    }

    @Test
    void whatCannotBeMaterializedIsRefusedByName() {
        Tensor x = Tensor.ones(1).expand(65536, 65536);
        refused("add", "4294967296", () -> x.add(x));
        refused("mul", "4294967296", () -> x.mul(x));
        refused("gt", "4294967296", () -> x.gt(0.5));
        refused("contiguous", "4294967296", x::contiguous);
        refused("clone", "4294967296", x::clone);
        refused("toFloatArray", "4294967296", x::toFloatArray);
        refused("toDoubleArray", "4294967296", x::toDoubleArray);
        refused("cumsum", "4294967296", () -> x.cumsum(1));
        refused("softmax", "4294967296", () -> x.softmax(1));
        refused("reshape", "4294967296", () -> x.reshape(-1));
        refused("flatten", "65536", () -> x.flatten(0, 1));
        refused("to", "4294967296", () -> x.to(DType.FLOAT64));
        // eye's n * m used to overflow into NegativeArraySizeException
        refused("eye", "2500000000", () -> Tensor.eye(50000));
        refused("empty", "4294967296", () -> Tensor.zeros(65536, 65536));
    }

    private static void refused(String op, String count, Supplier<?> call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get, op);
        String m = e.getMessage();
        assertTrue(m.startsWith(op + ":") && m.contains(count) && m.contains("2^31-1"), m);
    }

    @Test
    void aHugeViewPrintsItsEdges() {
        // PyTorch's str(torch.ones(1).expand(65536, 65536))
        String expected = "tensor([[1., 1., 1.,  ..., 1., 1., 1.],\n"
                + "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
                + "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
                + "        ...,\n"
                + "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
                + "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
                + "        [1., 1., 1.,  ..., 1., 1., 1.]])";
        assertEquals(expected, Tensor.ones(1).expand(65536, 65536).toString());
        // str(torch.arange(24000).reshape(2, 3, 4000)): the number width comes from the shown elements
        assertEquals("tensor([[[    0,     1,     2,  ...,  3997,  3998,  3999],\n"
                + "         [ 4000,  4001,  4002,  ...,  7997,  7998,  7999],\n"
                + "         [ 8000,  8001,  8002,  ..., 11997, 11998, 11999]],\n\n"
                + "        [[12000, 12001, 12002,  ..., 15997, 15998, 15999],\n"
                + "         [16000, 16001, 16002,  ..., 19997, 19998, 19999],\n"
                + "         [20000, 20001, 20002,  ..., 23997, 23998, 23999]]])",
                Tensor.arange(24000).reshape(2, 3, 4000).toString());
    }
}
