package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What the PyTorch fixtures cannot check: randperm's streams, long lines and the error messages. */
class SortingTest {

    @Test
    void randpermIsASeededPermutation() {
        long[] a = Tensor.randperm(1000, new Generator(7)).toLongArray();
        long[] b = Tensor.randperm(1000, new Generator(7)).toLongArray();
        long[] c = Tensor.randperm(1000, new Generator(8)).toLongArray();
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        long[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertEquals(0, Tensor.randperm(0).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.randperm(-1));
    }

    @Test
    void longLinesSortLikeArraysSort() {
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 5, 3001);
        float[] v = x.sort(1, false).values().toFloatArray();
        float[] raw = x.toFloatArray();
        for (int r = 0; r < 5; r++) {
            float[] expect = Arrays.copyOfRange(raw, r * 3001, (r + 1) * 3001);
            Arrays.sort(expect);
            assertArrayEquals(expect, Arrays.copyOfRange(v, r * 3001, (r + 1) * 3001));
        }
        // indices point at the values they claim
        Tensor idx = x.argsort(1, true);
        assertArrayEquals(x.gather(1, idx).toFloatArray(), x.sort(1, true).values().toFloatArray());
    }

    @Test
    void topkChecksK() {
        Tensor x = Tensor.rand(2, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.topk(6, 1, true, true));
        assertTrue(e.getMessage().startsWith("topk: k must be in [0, 5]"), e.getMessage());
        assertArrayEquals(new int[] {2, 0}, x.topk(0, 1, true, true).values().shape());
    }
}
