package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /** Sample i is the integer i. */
    static final Dataset<Integer> IDS = new Dataset<>() {
        @Override
        public int size() {
            return 103;
        }

        @Override
        public Integer get(int i) {
            return Dataset.checkIndex(i, 103);
        }
    };

    static int[] items(Dataset<Integer> d) {
        int[] out = new int[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i);
        }
        return out;
    }

    static void assertPartition(int n, int[]... parts) {
        int[] all = Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().toArray();
        assertEquals(n, all.length, "the parts cover every sample once");
        for (int i = 0; i < n; i++) {
            assertEquals(i, all[i]);
        }
    }

    @Test
    void randomSplitByFractionsAndSizes() {
        List<Dataset<Integer>> parts = Datasets.randomSplit(IDS, new double[] {0.7, 0.2, 0.1}, 5);
        // floor(72.1, 20.6, 10.3) = 72, 20, 10; the one left over goes to the first part
        assertEquals(List.of(73, 20, 10), parts.stream().map(Dataset::size).toList());
        assertPartition(103, items(parts.get(0)), items(parts.get(1)), items(parts.get(2)));
        int[] first = items(parts.get(0));
        assertFalse(Arrays.equals(first, Arrays.copyOf(items(IDS), 73)), "the split is shuffled");
        assertArrayEquals(first, items(Datasets.randomSplit(IDS, new double[] {0.7, 0.2, 0.1}, 5).get(0)), "seeded");
        assertFalse(Arrays.equals(first, items(Datasets.randomSplit(IDS, new double[] {0.7, 0.2, 0.1}, 6).get(0))));

        List<Dataset<Integer>> bySize = Datasets.randomSplit(IDS, new double[] {100, 3}, 5);
        assertEquals(3, bySize.get(1).size());
        assertPartition(103, items(bySize.get(0)), items(bySize.get(1)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(IDS, new double[] {50, 50}, 1));
        assertTrue(e.getMessage().contains("sum to 100") && e.getMessage().contains("103"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(IDS, new double[] {0.5, 0.4}, 1));
    }

    @Test
    void subsetMapsIndicesAndChecksThem() {
        Subset<Integer> s = new Subset<>(IDS, new int[] {5, 2, 2});
        assertArrayEquals(new int[] {5, 2, 2}, items(s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.get(3));
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("size 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Subset<>(IDS, new int[] {0, 103}));
        assertTrue(e.getMessage().contains("103"), e.getMessage());
    }

    @Test
    void kFoldValidatesEverySampleExactlyOnce() {
        for (boolean shuffle : new boolean[] {false, true}) {
            KFold kf = new KFold(5, shuffle, 11);
            List<Fold> folds = kf.split(103);
            int[][] vals = new int[5][];
            for (int i = 0; i < 5; i++) {
                Fold f = folds.get(i);
                vals[i] = f.validation();
                // sklearn's sizes: the first 103 % 5 = 3 folds get one more
                assertEquals(i < 3 ? 21 : 20, f.validation().length);
                assertPartition(103, f.train(), f.validation());
                assertArrayEquals(f.validation(), kf.fold(103, i).validation());
            }
            assertPartition(103, vals);
            if (!shuffle) {
                assertArrayEquals(java.util.stream.IntStream.range(0, 21).toArray(), vals[0], "folds are contiguous");
            } else {
                assertFalse(Arrays.equals(java.util.stream.IntStream.range(0, 21).toArray(), vals[0]));
            }
        }
        Fold f = new KFold(4).fold(8, 1);
        assertArrayEquals(new int[] {2, 3}, f.validation());
        assertArrayEquals(new int[] {0, 1, 4, 5, 6, 7}, f.train());
        assertArrayEquals(new int[] {2, 3}, items(f.validationSet(IDS)));
        assertThrows(IllegalArgumentException.class, () -> new KFold(1));
        assertThrows(IllegalArgumentException.class, () -> new KFold(5).fold(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new KFold(5).fold(10, 5));
    }

    /** 60 of class 0, 30 of class 1, 13 of class 7, interleaved. */
    static long[] labels() {
        long[] y = new long[103];
        for (int i = 0; i < 103; i++) {
            y[i] = i % 8 == 3 ? 7 : i % 3 == 0 ? 1 : 0;
        }
        return y;
    }

    static Map<Long, Integer> counts(long[] y, int[] idx) {
        Map<Long, Integer> c = new TreeMap<>();
        for (int i : idx) {
            c.merge(y[i], 1, Integer::sum);
        }
        return c;
    }

    @Test
    void stratifiedKFoldKeepsClassProportions() {
        long[] y = labels();
        Map<Long, Integer> total = counts(y, java.util.stream.IntStream.range(0, 103).toArray());
        for (boolean shuffle : new boolean[] {false, true}) {
            List<Fold> folds = new StratifiedKFold(4, shuffle, 2).split(y);
            int[][] vals = new int[4][];
            for (int i = 0; i < 4; i++) {
                vals[i] = folds.get(i).validation();
                assertPartition(103, folds.get(i).train(), vals[i]);
                int size = vals[i].length;
                assertTrue(size == 25 || size == 26, "fold sizes differ by at most one: " + size);
                Map<Long, Integer> c = counts(y, vals[i]);
                for (Map.Entry<Long, Integer> e : total.entrySet()) {
                    int got = c.getOrDefault(e.getKey(), 0);
                    assertTrue(got == e.getValue() / 4 || got == (e.getValue() + 3) / 4,
                            "class " + e.getKey() + ": " + got + " of " + e.getValue() + " in fold " + i);
                }
            }
            assertPartition(103, vals);
        }
        assertArrayEquals(new StratifiedKFold(4, true, 2).fold(y, 3).validation(),
                new StratifiedKFold(4, true, 2).split(y).get(3).validation());
    }

    @Test
    void stratifiedHoldoutKeepsClassProportions() {
        long[] y = labels();
        Fold f = Datasets.stratifiedSplit(y, 0.2, 9);
        assertPartition(103, f.train(), f.validation());
        assertEquals(21, f.validation().length, "round(103 * 0.2)");
        Map<Long, Integer> c = counts(y, f.validation());
        Map<Long, Integer> total = counts(y, java.util.stream.IntStream.range(0, 103).toArray());
        for (Map.Entry<Long, Integer> e : total.entrySet()) {
            double ideal = e.getValue() * 0.2;
            assertTrue(Math.abs(c.get(e.getKey()) - ideal) < 1, "class " + e.getKey() + ": " + c.get(e.getKey())
                    + " vs " + ideal);
        }
        assertArrayEquals(f.validation(), Datasets.stratifiedSplit(y, 0.2, 9).validation(), "seeded");
        assertFalse(Arrays.equals(f.validation(), Datasets.stratifiedSplit(y, 0.2, 10).validation()));
        assertThrows(IllegalArgumentException.class, () -> Datasets.stratifiedSplit(y, 1.5, 0));
    }
}
