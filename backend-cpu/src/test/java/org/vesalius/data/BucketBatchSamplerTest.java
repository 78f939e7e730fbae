package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.Generator;

class BucketBatchSamplerTest {
    private static int[] lengths(int n) {
        Generator g = new Generator(11);
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1 + g.nextInt(500);
        }
        return len;
    }

    @Test
    void everySampleOnceAndBatchesOfSimilarLength() {
        int[] len = lengths(1000);
        int[][] batches = new BucketBatchSampler(len, 32, 10, false).batches(1000, 0, 7);
        int[] seen = new int[1000];
        long bucketPadding = 0;
        for (int[] b : batches) {
            int max = 0;
            for (int i : b) {
                seen[i]++;
                max = Math.max(max, len[i]);
            }
            for (int i : b) {
                bucketPadding += max - len[i];
            }
        }
        for (int s : seen) {
            assertEquals(1, s);
        }
        // the same batches in a random order pad far more
        int[][] plain = new BucketBatchSampler(len, 32, 1, false).batches(1000, 0, 7);
        long plainPadding = 0;
        for (int[] b : plain) {
            int max = Arrays.stream(b).map(i -> len[i]).max().orElse(0);
            for (int i : b) {
                plainPadding += max - len[i];
            }
        }
        assertTrue(bucketPadding * 5 < plainPadding, "bucketed padding " + bucketPadding + " vs " + plainPadding);
    }

    @Test
    void repeatsPerEpochAndDropsIncompleteBatches() {
        int[] len = lengths(100);
        BucketBatchSampler s = new BucketBatchSampler(len, 8, 4, true);
        assertArrayEquals(s.batches(100, 3, 1), s.batches(100, 3, 1));
        assertFalse(Arrays.deepEquals(s.batches(100, 3, 1), s.batches(100, 4, 1)));
        for (int[] b : s.batches(100, 0, 1)) {
            assertEquals(8, b.length);
        }
        assertThrows(IllegalArgumentException.class, () -> s.batches(99, 0, 1));
    }

    @Test
    void theLoaderServesTheSamplersBatches() {
        int n = 40;
        List<Integer> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(i);
        }
        Dataset<Integer> ds = new Dataset<>() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Integer get(int index) {
                return samples.get(index);
            }
        };
        int[] len = lengths(n);
        BucketBatchSampler sampler = new BucketBatchSampler(len, 6, 3, false);
        DataLoader<int[]> loader = new DataLoader<>(ds, 6, list -> list.stream().mapToInt(Integer::intValue).toArray())
                .batchSampler(sampler).seed(5).numWorkers(2);
        int[][] expected = sampler.batches(n, 0, 5);
        assertEquals(expected.length, loader.size());
        int k = 0;
        for (int[] batch : loader) {
            assertArrayEquals(expected[k++], batch);
        }
        assertEquals(expected.length, k);
        DataLoader<int[]> bad = new DataLoader<>(ds, 6, list -> new int[0]).batchSampler((size, e, seed) -> new int[][] {{n}});
        assertThrows(IllegalArgumentException.class, bad::iterator);
    }
}
