package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * CPU tensors past 2^31-1 bytes, which one NIO buffer cannot index (ADR 0010's amendment): one
 * float32 tensor of 537,871 x 1000 = 2^29 + 1,000,088 elements (2.15 GB, a segmented
 * {@link NativeBlock} of 1 GiB segments) through the ops a batch of large volumes needs, on both
 * the Java kernels and the oneDNN routes where they differ. Its segment boundaries lie at elements
 * 2^28 and 2^29 (row 536,870, column 912), inside the 64 "pattern" rows from {@link #R0} on, which
 * hold {@code i * 1000 + j}; every other element is 0.5. Each check reads or writes across a
 * boundary. Native memory peaks at about 4.3 GB (the float64 case allocates a second 2.15 GB
 * tensor while the first is alive); the tensors are closed after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeStorageTest {
    private static final int C = 1000;
    private static final int R = 537_871;
    private static final int N = R * C;
    /** Element 2^29, the second segment boundary. */
    private static final int B = 1 << 29;
    /** First pattern row: rows R0 .. R0 + 63 span the boundary at B. */
    private static final int R0 = B / C - 20;
    private static final int ROWS = 64;

    private Tensor x;
    private Tensor pattern;

    @BeforeAll
    void allocate() {
        x = Tensor.empty(DType.FLOAT32, R, C);
        pattern = Tensor.arange(ROWS * C).toFloat().reshape(ROWS, C);
        reset();
    }

    @AfterAll
    void free() {
        try {
            x.close();
        } finally {
            pattern.close();
        }
    }

    @AfterEach
    void dnnlBackOn() {
        CpuDnnl.setEnabled(true);
    }

    private void reset() {
        x.fill_(0.5);
        rows().copy_(pattern);
    }

    private Tensor rows() {
        return x.narrow(0, R0, ROWS);
    }

    private static NativeBlock block(Tensor t) {
        return ((CpuStorage) t.storage()).block;
    }

    /** What x holds at flat position p after {@link #reset}. */
    private static float expected(long p) {
        long row = p / C;
        return row >= R0 && row < R0 + ROWS ? (row - R0) * C + p % C : 0.5f;
    }

    private static float[] expected(long from, int len, int step) {
        float[] e = new float[len];
        for (int i = 0; i < len; i++) {
            e[i] = expected(from + (long) i * step);
        }
        return e;
    }

    private Tensor flat() {
        return x.view(N);
    }

    @Test
    void storageIsSegmentedAndRefusesSingleBufferViews() {
        assertTrue(block(x).segmented());
        assertEquals(3, block(x).segments.length);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> block(x).floats());
        assertTrue(e.getMessage().contains("segmented"), e.getMessage());
        // a request that one buffer can index is never rounded into a segmented block
        assertEquals(Integer.MAX_VALUE, CpuAllocator.roundSize((1L << 31) - 64));
        assertEquals((1L << 31) + (1 << 20), CpuAllocator.roundSize((1L << 31) + 1));
        NativeBlock single = NativeBlock.allocate(Integer.MAX_VALUE);
        NativeBlock two = NativeBlock.allocate(1L << 31);
        try {
            assertFalse(single.segmented());
            assertEquals(2, two.segments.length);
            assertEquals(two.address + (1L << 30), two.segments[1].address);
        } finally {
            single.free();
            two.free();
        }
    }

    @Test
    void sumMaxAndReadsAcrossSegments() {
        // 0.5 everywhere but the pattern rows, which hold 0 .. 63999
        double sum = 0.5 * (N - ROWS * C) + (ROWS * C - 1.0) * (ROWS * C) / 2;
        // oneDNN sums 8208 pieces (CpuDnnl.MAX_PIECE) in float32 per vector lane, and after the pattern's large
        // values a lane drops some of the 0.5s; the pieces, and the 760 elements after them (read through
        // Access), add up in double
        long before = CpuDnnl.calls();
        assertEquals(sum, x.sum().item(), sum * 5e-5);
        assertEquals(ROWS * C - 1, x.max().item());
        assertTrue(CpuDnnl.calls() > before);
        CpuDnnl.setEnabled(false); // the Java kernel, which adds in double, reading chunks through Access
        assertEquals(sum, x.sum().item(), sum * 1e-6);
        assertArrayEquals(expected(B - 1500, 3000, 1), flat().narrow(0, B - 1500, 3000).toFloatArray());
        // the last elements, in the third segment
        assertArrayEquals(expected(N - 5, 5, 1), flat().narrow(0, N - 5, 5).toFloatArray());
    }

    @Test
    void javaArraysWriteAndReadAcrossTheBoundary() {
        Tensor slice = flat().narrow(0, B - 1500, 3000);
        float[] values = new float[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = -i;
        }
        try {
            slice.backend().write(values, slice);
            float[] back = new float[3000];
            slice.backend().read(slice, back);
            assertArrayEquals(values, back);
            assertEquals(expected(B - 1501), flat().narrow(0, B - 1501, 1).item());
        } finally {
            rows().copy_(pattern);
        }
    }

    @Test
    void contiguousCopiesOfStridedViews() {
        float[] transposed = pattern.t().contiguous().toFloatArray();
        for (boolean dnnl : new boolean[] {true, false}) {
            CpuDnnl.setEnabled(dnnl);
            // [1000, 64] with strides [1, 1000]: each run of 64 steps over the boundary (64,000 elements:
            // oneDNN's reorder when enabled, else the Java strided path)
            assertArrayEquals(transposed, rows().t().contiguous().toFloatArray(), "dnnl " + dnnl);
        }
        // stride 2 from an odd position over the even boundary
        assertArrayEquals(expected(B - 1001, 1001, 2),
                flat().slice(0, B - 1001, B + 1001, 2).contiguous().toFloatArray());
        // a strided write back over the boundary, and a cast
        Tensor evens = flat().slice(0, B - 1000, B + 1000, 2);
        try {
            evens.copy_(Tensor.full(7, 1000));
            float[] around = flat().narrow(0, B - 1000, 2000).toFloatArray();
            for (int i = 0; i < around.length; i++) {
                assertEquals(i % 2 == 0 ? 7f : expected(B - 1000 + i), around[i], "element " + (B - 1000 + i));
            }
            assertArrayEquals(new double[] {7, expected(B - 1), 7, expected(B + 1)},
                    flat().narrow(0, B - 2, 4).toDouble().toDoubleArray());
        } finally {
            rows().copy_(pattern);
        }
    }

    @Test
    void broadcastingInPlaceArithmeticOverTheWholeTensor() {
        float[] a = new float[C];
        for (int j = 0; j < C; j++) {
            a[j] = j % 7;
        }
        float[] w = new float[R];
        for (int i = 0; i < R; i++) {
            w[i] = i % 3 + 1;
        }
        try (Tensor col = Tensor.of(a, C); Tensor row = Tensor.of(w, R, 1)) {
            long before = CpuDnnl.calls();
            x.add_(col); // oneDNN's binary, on the tensor's address
            assertTrue(CpuDnnl.calls() > before);
            CpuDnnl.setEnabled(false);
            x.mul_(row); // the Java kernel, chunks cut at the segment boundaries
            // sum over i, j of (v(i, j) + a[j]) * w[i], with v 0.5 outside the pattern rows
            double perRow = 0;
            for (float aj : a) {
                perRow += 0.5 + aj;
            }
            double sum = 0;
            for (float wi : w) {
                sum += wi * perRow;
            }
            for (int i = R0; i < R0 + ROWS; i++) {
                for (int j = 0; j < C; j++) {
                    sum += w[i] * (expected((long) i * C + j) - 0.5);
                }
            }
            assertEquals(sum, x.sum().item(), sum * 1e-6);
            float[] around = flat().narrow(0, B - 1000, 2000).toFloatArray();
            for (int k = 0; k < around.length; k++) {
                long p = B - 1000L + k;
                assertEquals((expected(p) + a[(int) (p % C)]) * w[(int) (p / C)], around[k], "element " + p);
            }
            float[] last = flat().narrow(0, N - 3, 3).toFloatArray();
            assertEquals((0.5f + a[C - 1]) * w[R - 1], last[2]);
        } finally {
            CpuDnnl.setEnabled(true);
            reset();
        }
    }

    @Test
    void outOfPlaceOpsOnSlicesAcrossTheBoundary() {
        for (boolean dnnl : new boolean[] {true, false}) {
            CpuDnnl.setEnabled(dnnl);
            try (Tensor y = rows().mul(2).add(rows()); Tensor want = pattern.mul(3)) {
                assertArrayEquals(want.toFloatArray(), y.toFloatArray(), "dnnl " + dnnl);
            }
            try (Tensor y = rows().sqrt(); Tensor wy = pattern.sqrt(); Tensor s = rows().softmax(1);
                 Tensor ws = pattern.softmax(1)) {
                assertTrue(y.allclose(wy, 1e-6, 0), "dnnl " + dnnl);
                assertTrue(s.allclose(ws, 1e-5, 1e-7), "dnnl " + dnnl);
            }
        }
    }

    @Test
    void matmulOfRowBlocks() {
        try (Tensor w = Tensor.arange(3 * C).toFloat().div(1000).reshape(C, 3);
             Tensor v = Tensor.arange(2 * ROWS).toFloat().reshape(ROWS, 2)) {
            assertTrue(rows().matmul(w).allclose(pattern.matmul(w), 1e-5, 1e-3));
            // a transposed operand (cblas reads it with its leading dimension)
            assertTrue(rows().t().matmul(v).allclose(pattern.t().matmul(v), 1e-5, 1e-3));
        }
    }

    @Test
    void indexingNearTheEnd() {
        long[] picks = {R - 1, R0 + 21, R0 + 20, 0, R0 + 63};
        try (Tensor idx = Tensor.of(picks, picks.length)) {
            float[] got = x.indexSelect(0, idx).toFloatArray();
            for (int k = 0; k < picks.length; k++) {
                for (int j = 0; j < C; j++) {
                    assertEquals(expected(picks[k] * C + j), got[k * C + j], "row " + picks[k] + " col " + j);
                }
            }
            // column 912 of the pattern rows (a stride-1000 gather over the boundary)
            float[] column = x.select(1, 912).narrow(0, R0, ROWS).contiguous().toFloatArray();
            assertArrayEquals(expected((long) R0 * C + 912, ROWS, C), column);
        }
    }

    @Test
    void catAndStackOfSlices() {
        Tensor a = rows().narrow(0, 19, 3);
        Tensor b = pattern.narrow(0, 0, 1);
        float[] joined = Tensor.cat(0, a, b).toFloatArray();
        float[] want = Tensor.cat(0, pattern.narrow(0, 19, 3), b).toFloatArray();
        assertArrayEquals(want, joined);
        assertArrayEquals(Tensor.stack(1, pattern.narrow(0, 19, 3), pattern.narrow(0, 0, 3)).toFloatArray(),
                Tensor.stack(1, a, rows().narrow(0, 0, 3)).toFloatArray());
    }

    @Test
    void convolutionAndPoolingOfASliceAcrossTheBoundary() {
        Tensor in = rows().view(1, 1, ROWS, C);
        Tensor ref = pattern.view(1, 1, ROWS, C);
        try (Tensor k = Tensor.full(1.0 / 9, 1, 1, 3, 3)) {
            assertTrue(in.conv2d(k, null, 1, 1).allclose(ref.conv2d(k, null, 1, 1), 1e-5, 1e-2));
        }
        assertArrayEquals(ref.maxPool2d(2).toFloatArray(), in.maxPool2d(2).toFloatArray());
        assertArrayEquals(ref.toDouble().maxPool2d(2).toFloatArray(), in.toDouble().maxPool2d(2).toFloatArray());
    }

    @Test
    void maxPoolingOverTheWholeTensor() {
        // x as 28,309 planes of 19 x 1000 (R = 19 * 28309), pooled 2 x 2: the Java kernel copies each
        // plane in and out through Access, planes 28,254 .. 28,259 hold the pattern rows and the boundary
        Tensor planes = x.view(R / 19, 1, 19, C);
        int p0 = 28_254;
        try (Tensor pooled = planes.maxPool2d(2); Tensor near = planes.narrow(0, p0, 6).clone();
             Tensor want = near.maxPool2d(2)) {
            assertArrayEquals(new int[] {R / 19, 1, 9, C / 2}, pooled.shape());
            float[] w = want.toFloatArray();
            assertArrayEquals(w, pooled.narrow(0, p0, 6).contiguous().toFloatArray());
            double sum = 0.5 * (pooled.numel() - w.length);
            for (float v : w) {
                sum += v;
            }
            CpuDnnl.setEnabled(false); // an exact sum (see sumMaxAndReadsAcrossSegments)
            assertEquals(sum, pooled.sum().item(), sum * 1e-6);
        }
    }

    @Test
    void fusedOptimizerStepsOnSlicesAcrossBoundaries() {
        // state in the same storage, over the first boundary (element 2^28), the parameter over the second
        int s0 = (1 << 28) / C - 10;
        Tensor m = x.narrow(0, s0, ROWS);
        Tensor v = x.narrow(0, s0 + ROWS, ROWS);
        try (Tensor g = Tensor.arange(ROWS * C).toFloat().remainder(Tensor.scalar(13)).sub(6).reshape(ROWS, C);
             Tensor p2 = pattern.clone(); Tensor m2 = Tensor.full(0.5, ROWS, C);
             Tensor v2 = Tensor.full(0.5, ROWS, C)) {
            assertTrue(x.backend().adamStep(rows(), g, m, v, null, 0.1, 0.9, 0.999, 1e-8, 0.01, true, 3));
            assertTrue(p2.backend().adamStep(p2, g, m2, v2, null, 0.1, 0.9, 0.999, 1e-8, 0.01, true, 3));
            assertArrayEquals(p2.toFloatArray(), rows().toFloatArray());
            assertArrayEquals(m2.toFloatArray(), m.toFloatArray());
            assertArrayEquals(v2.toFloatArray(), v.toFloatArray());
            assertTrue(x.backend().sgdStep(rows(), g, null, 0.5, 0, 0, 0, false, true));
            assertTrue(p2.backend().sgdStep(p2, g, null, 0.5, 0, 0, 0, false, true));
            assertArrayEquals(p2.toFloatArray(), rows().toFloatArray());
        } finally {
            m.fill_(0.5);
            v.fill_(0.5);
            rows().copy_(pattern);
        }
    }

    @Test
    void float64PastTwoGigabytes() {
        // 2^28 + 1000 doubles: boundaries at elements 2^27 and 2^28
        int n = (1 << 28) + 1000;
        int b = 1 << 28;
        Tensor t = Tensor.empty(DType.FLOAT64, n);
        try {
            assertTrue(block(t).segmented());
            t.fill_(1);
            t.narrow(0, b - 500, 1000).copy_(Tensor.arange(1000).toDouble());
            assertEquals(n - 1000 + 499500.0, t.sum().item());
            double[] around = t.slice(0, (1 << 27) - 4, (1 << 27) + 5, 3).toDoubleArray();
            assertArrayEquals(new double[] {1, 1, 1}, around);
            assertArrayEquals(new double[] {499, 500, 501}, t.narrow(0, b - 1, 3).toDoubleArray());
        } finally {
            t.close();
        }
    }
}
