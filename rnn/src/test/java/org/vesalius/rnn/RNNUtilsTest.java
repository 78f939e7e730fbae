package org.vesalius.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

class RNNUtilsTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** [T=3, N=3, 1] with value 10 * batch + step. */
    private static Tensor batch() {
        double[] v = new double[9];
        for (int t = 0; t < 3; t++) {
            for (int b = 0; b < 3; b++) {
                v[t * 3 + b] = 10 * b + t;
            }
        }
        return Tensor.of(v, 3, 3, 1);
    }

    @Test
    void packsTimeMajorSortedByLength() {
        PackedSequence p = RNNUtils.packPaddedSequence(batch(), new long[] {2, 3, 1}, false, false);
        assertArrayEquals(new int[] {3, 2, 1}, p.batchSizes());
        // step 0 of sequences 1, 0, 2; step 1 of 1, 0; step 2 of 1
        assertArrayEquals(new double[] {10, 0, 20, 11, 1, 12}, p.data().toDoubleArray());
        assertArrayEquals(new long[] {1, 0, 2}, p.sortedIndices().toLongArray());
        assertArrayEquals(new long[] {1, 0, 2}, p.unsortedIndices().toLongArray());
        RNNUtils.Padded back = RNNUtils.padPackedSequence(p, false, -1, 4);
        assertArrayEquals(new long[] {2, 3, 1}, back.lengths().toLongArray());
        assertArrayEquals(new double[] {0, 10, 20, 1, 11, -1, -1, 12, -1, -1, -1, -1},
                back.padded().toDoubleArray());
    }

    @Test
    void sortedBatchesKeepTheirOrder() {
        PackedSequence p = RNNUtils.packPaddedSequence(batch().transpose(0, 1), Tensor.of(new long[] {3, 3, 2}, 3), true, true);
        assertNull(p.sortedIndices());
        assertArrayEquals(new int[] {3, 3, 2}, p.batchSizes());
    }

    @Test
    void badLengths() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RNNUtils.packPaddedSequence(batch(), new long[] {1, 3, 2}, false, true)).getMessage()
                .contains("enforceSorted=false"));
        assertThrows(IllegalArgumentException.class, () -> RNNUtils.packPaddedSequence(batch(), new long[] {3, 0, 1}, false, false));
        assertThrows(IllegalArgumentException.class, () -> RNNUtils.packPaddedSequence(batch(), new long[] {4, 1, 1}, false, false));
        assertThrows(IllegalArgumentException.class, () -> RNNUtils.packPaddedSequence(batch(), new long[] {3, 1}, false, false));
        assertThrows(IllegalArgumentException.class,
                () -> RNNUtils.packPaddedSequence(batch(), Tensor.of(new float[] {3, 1, 1}, 3), false, false));
    }

    @Test
    void padAndPackLists() {
        List<Tensor> seqs = List.of(Tensor.of(new double[] {1, 2}, 2), Tensor.of(new double[] {3, 4, 5}, 3));
        Tensor padded = RNNUtils.padSequence(seqs, true, 0);
        assertArrayEquals(new int[] {2, 3}, padded.shape());
        assertArrayEquals(new double[] {1, 2, 0, 3, 4, 5}, padded.toDoubleArray());
        PackedSequence p = RNNUtils.packSequence(seqs, false);
        assertArrayEquals(new double[] {3, 1, 4, 2, 5}, p.data().toDoubleArray());
        assertTrue(p.data().dtype() == DType.FLOAT64);
    }
}
