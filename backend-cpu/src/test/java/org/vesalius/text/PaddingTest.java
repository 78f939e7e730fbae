package org.vesalius.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaddingTest {
    private static final List<int[]> SEQS = List.of(new int[] {5, 6, 7}, new int[] {8}, new int[0]);

    @Test
    void padsToTheLongest() {
        try (PaddedBatch b = Padding.pad(SEQS, 0)) {
            assertArrayEquals(new int[] {3, 3}, b.tokens().shape());
            assertArrayEquals(new long[] {5, 6, 7, 8, 0, 0, 0, 0, 0}, b.tokens().toLongArray());
            assertArrayEquals(new long[] {3, 1, 0}, b.lengths().toLongArray());
        }
    }

    @Test
    void truncatesFromEitherEnd() {
        try (PaddedBatch head = Padding.pad(SEQS, 9, 2, false); PaddedBatch tail = Padding.pad(SEQS, 9, 2, true)) {
            assertArrayEquals(new long[] {5, 6, 8, 9, 9, 9}, head.tokens().toLongArray());
            assertArrayEquals(new long[] {6, 7, 8, 9, 9, 9}, tail.tokens().toLongArray());
            assertArrayEquals(new long[] {2, 1, 0}, tail.lengths().toLongArray());
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> Padding.pad(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> Padding.pad(SEQS, 0, 0, false));
    }
}
