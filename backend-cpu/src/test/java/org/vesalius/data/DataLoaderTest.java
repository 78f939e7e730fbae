package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

class DataLoaderTest {
    /**
     * Sample i is {x = [i, i, i] float32, y = i int64 scalar}; loading sleeps a little, differently per
     * sample, so workers finish out of order.
     */
    static final class Numbers implements Dataset<Tensor[]> {
        final int n;
        final boolean slow;
        final AtomicInteger reads = new AtomicInteger();

        Numbers(int n, boolean slow) {
            this.n = n;
            this.slow = slow;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Tensor[] get(int i) {
            Dataset.checkIndex(i, n);
            reads.incrementAndGet();
            if (slow && i % 3 == 0) {
                try {
                    Thread.sleep(1 + (i * 7) % 3);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Tensor[] {Tensor.full(i, 3), Tensor.scalar(DType.INT64, i)};
        }
    }

    /** The sample ids of one epoch, batch by batch; closes the batches. */
    static List<long[]> epochIds(DataLoader<Tensor[]> loader) {
        List<long[]> ids = new ArrayList<>();
        for (Tensor[] b : loader) {
            ids.add(b[1].toLongArray());
            float[] x = b[0].toFloatArray();
            long[] y = ids.get(ids.size() - 1);
            assertEquals(3 * y.length, x.length);
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], x[3 * i], "x and y of one sample stay together");
            }
            for (Tensor t : b) {
                t.close();
            }
        }
        return ids;
    }

    static long[] flat(List<long[]> batches) {
        return batches.stream().flatMapToLong(Arrays::stream).toArray();
    }

    static int liveLoaderThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vesalius-data-") && t.isAlive()).count();
    }

    @Test
    void everySampleOncePerEpochInTheSameSeededOrderWithZeroAndThreeWorkers() {
        Numbers data = new Numbers(103, true);
        DataLoader<Tensor[]> serial = DataLoader.of(data, 8).shuffle(true).seed(42);
        DataLoader<Tensor[]> parallel = DataLoader.of(data, 8).shuffle(true).seed(42).numWorkers(3);
        assertEquals(13, serial.size());
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = serial.order(epoch);
            List<long[]> a = epochIds(serial);
            List<long[]> b = epochIds(parallel);
            assertEquals(13, a.size());
            assertEquals(7, a.get(12).length, "the last batch holds the 103 % 8 samples left");
            long[] seen = flat(a);
            assertArrayEquals(Arrays.stream(order).asLongStream().toArray(), seen, "batches follow the seeded order");
            long[] sorted = seen.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 103; i++) {
                assertEquals(i, sorted[i], "every sample exactly once");
            }
            assertArrayEquals(seen, flat(b), "3 workers yield the same batches in the same order, epoch " + epoch);
        }
        assertEquals(3, serial.epoch());
        waitForThreads(0);
        assertEquals(0, liveLoaderThreads(), "workers end with their epoch");
    }

    @Test
    void aListOfPlainSamplesIsADatasetForACustomCollate() {
        record Word(String text, int label) {
        }
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            words.add(new Word("w" + i, i % 3));
        }
        Dataset<Word> data = Dataset.of(words);
        assertEquals(11, data.size());
        assertEquals(words.get(4), data.get(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.get(11));
        assertTrue(e.getMessage().contains("index 11") && e.getMessage().contains("size 11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(null));

        DataLoader<Tensor> loader = new DataLoader<>(data, 4, (List<Word> batch) -> Tensor.of(
                batch.stream().mapToLong(w -> Long.parseLong(w.text().substring(1))).toArray(), batch.size()))
                .shuffle(true).seed(3);
        long[] seen = new long[0];
        for (Tensor t : loader) {
            try (t) {
                long[] ids = t.toLongArray();
                seen = java.util.stream.LongStream.concat(Arrays.stream(seen), Arrays.stream(ids)).toArray();
            }
        }
        assertArrayEquals(Arrays.stream(loader.order(0)).asLongStream().toArray(), seen, "the seeded order, each sample once");
    }

    @Test
    void orderChangesBetweenEpochsAndSetEpochReproducesIt() {
        Numbers data = new Numbers(50, false);
        DataLoader<Tensor[]> loader = DataLoader.of(data, 10).shuffle(true).seed(7);
        long[] e0 = flat(epochIds(loader));
        long[] e1 = flat(epochIds(loader));
        long[] e2 = flat(epochIds(loader));
        assertFalse(Arrays.equals(e0, e1), "epoch 1 is shuffled differently from epoch 0");
        assertFalse(Arrays.equals(e1, e2));

        DataLoader<Tensor[]> resumed = DataLoader.of(data, 10).shuffle(true).seed(7).numWorkers(2).setEpoch(1);
        assertArrayEquals(e1, flat(epochIds(resumed)), "a resumed run sees epoch 1's order");
        assertArrayEquals(e2, flat(epochIds(resumed)));

        DataLoader<Tensor[]> otherSeed = DataLoader.of(data, 10).shuffle(true).seed(8);
        assertFalse(Arrays.equals(e0, flat(epochIds(otherSeed))));

        long[] plain = flat(epochIds(DataLoader.of(data, 10)));
        for (int i = 0; i < 50; i++) {
            assertEquals(i, plain[i], "without shuffle the order is the dataset's");
        }
    }

    @Test
    void withoutASeedTheDefaultGeneratorDecides() {
        Numbers data = new Numbers(40, false);
        Tensor.manualSeed(123);
        long[] a = flat(epochIds(DataLoader.of(data, 8).shuffle(true)));
        Tensor.manualSeed(123);
        DataLoader<Tensor[]> again = DataLoader.of(data, 8).shuffle(true);
        assertArrayEquals(a, flat(epochIds(again)));
        assertArrayEquals(a, flat(epochIds(DataLoader.of(data, 8).shuffle(true).seed(again.seed()))), "seed() reports it");
        Tensor.manualSeed(124);
        assertFalse(Arrays.equals(a, flat(epochIds(DataLoader.of(data, 8).shuffle(true)))));
    }

    @Test
    void dropLastDropsTheShortBatch() {
        Numbers data = new Numbers(10, false);
        DataLoader<Tensor[]> keep = DataLoader.of(data, 4);
        DataLoader<Tensor[]> drop = DataLoader.of(data, 4).dropLast(true).numWorkers(2);
        assertEquals(3, keep.size());
        assertEquals(2, drop.size());
        List<long[]> k = epochIds(keep);
        List<long[]> d = epochIds(drop);
        assertEquals(3, k.size());
        assertEquals(2, k.get(2).length);
        assertEquals(2, d.size());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, flat(d));
        assertEquals(0, DataLoader.of(new Numbers(3, false), 4).dropLast(true).size());
        assertFalse(DataLoader.of(new Numbers(3, false), 4).dropLast(true).iterator().hasNext());
    }

    /** A custom batch type: the loader must find its tensors inside the record and the list. */
    record Batch(Tensor x, List<Tensor> extras, int[] ids) {
    }

    @Test
    void customCollateGetsTheSamplesAndItsBatchTensorsBelongToTheConsumer() {
        Numbers data = new Numbers(20, false);
        DataLoader<Batch> loader = new DataLoader<>(data, 6, (List<Tensor[]> samples) -> {
            List<Tensor> xs = new ArrayList<>();
            int[] ids = new int[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                xs.add(samples.get(i)[0]);
                ids[i] = (int) samples.get(i)[1].item();
            }
            Tensor x = Tensor.stack(xs, 0);
            return new Batch(x.sum(1, false), List.of(x.mul(2)), ids);
        }).numWorkers(2);
        List<Batch> batches = new ArrayList<>();
        try (Scope consumer = Scope.open()) {
            for (Batch b : loader) {
                batches.add(b);
            }
        }
        // the consumer's scope did not take the batches: they are still open, and ours to close
        assertEquals(4, batches.size());
        assertArrayEquals(new int[] {18, 19}, batches.get(3).ids());
        for (Batch b : batches) {
            assertFalse(b.x().isClosed());
            assertFalse(b.extras().get(0).isClosed());
            assertEquals(3.0 * b.ids()[0], b.x().toFloatArray()[0], 0);
            assertEquals(2.0 * b.ids()[1], b.extras().get(0).toFloatArray()[3], 0);
            b.x().close();
            b.extras().get(0).close();
        }
    }

    @Test
    void aWorkersExceptionReachesTheConsumerAtItsBatch() {
        Numbers good = new Numbers(64, false);
        Dataset<Tensor[]> bad = new Dataset<>() {
            @Override
            public int size() {
                return 64;
            }

            @Override
            public Tensor[] get(int i) {
                if (i == 37) {
                    throw new IllegalArgumentException("sample 37 is corrupt");
                }
                return good.get(i);
            }
        };
        for (int workers : new int[] {0, 3}) {
            DataLoader<Tensor[]> loader = DataLoader.of(bad, 8).shuffle(true).seed(3).numWorkers(workers);
            int[] order = loader.order(0);
            int badBatch = 0;
            while (order[badBatch] != 37) {
                badBatch++;
            }
            badBatch /= 8;
            int delivered = 0;
            BatchIterator<Tensor[]> it = loader.iterator();
            IllegalArgumentException e = null;
            while (it.hasNext()) {
                try {
                    for (Tensor t : it.next()) {
                        t.close();
                    }
                    delivered++;
                } catch (IllegalArgumentException thrown) {
                    e = thrown;
                }
            }
            assertTrue(e != null, "the failure must surface");
            assertEquals(badBatch, delivered, "batches before the bad one arrive; workers=" + workers);
            assertTrue(e.getMessage().contains("batch " + badBatch + " of epoch 0"), e.getMessage());
            assertTrue(e.getMessage().contains("sample 37 is corrupt"), e.getMessage());
            assertEquals("sample 37 is corrupt", e.getCause().getMessage());
            assertFalse(it.hasNext(), "the epoch ends at the failure");
        }
        waitForThreads(0);
    }

    @Test
    void closingOrAbandoningAnIteratorStopsItsWorkers() {
        waitForThreads(0);
        int before = liveLoaderThreads();
        DataLoader<Tensor[]> loader = DataLoader.of(new Numbers(400, true), 4).numWorkers(3).prefetch(4);
        try (BatchIterator<Tensor[]> it = loader.iterator()) {
            for (Tensor t : it.next()) {
                t.close();
            }
            assertEquals(before + 3, liveLoaderThreads(), "three workers run");
        }
        assertEquals(before, liveLoaderThreads(), "close() ends them at once");

        abandon(loader);
        waitForThreads(before);
        assertEquals(before, liveLoaderThreads(), "an unreachable iterator's workers end after GC");
    }

    private static void abandon(DataLoader<Tensor[]> loader) {
        for (Tensor[] b : loader) {
            for (Tensor t : b) {
                t.close();
            }
            break;
        }
    }

    private static void waitForThreads(int expected) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (liveLoaderThreads() > expected && System.nanoTime() < deadline) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void prefetchBoundsHowFarWorkersRunAhead() throws InterruptedException {
        Numbers data = new Numbers(200, false);
        DataLoader<Tensor[]> loader = DataLoader.of(data, 2).numWorkers(3).prefetch(3);
        try (BatchIterator<Tensor[]> it = loader.iterator()) {
            for (Tensor t : it.next()) {
                t.close();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (data.reads.get() < 2 * 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2 * 4, data.reads.get(), "workers prefetch batches 1..3 after batch 0 was taken");
            Thread.sleep(200);
            assertEquals(2 * 4, data.reads.get(), "and no further: prefetch(3) bounds them");
        }
    }

    @Test
    void generatorIsSeededPerBatchSoAugmentationReproducesWithAnyWorkerCount() {
        Dataset<Tensor[]> noisy = new Numbers(30, true).map(s -> new Tensor[] {
                Tensor.scalar(DataLoader.generator().nextDouble()), s[1]});
        double[] serial = draws(DataLoader.of(noisy, 4).seed(5).shuffle(true));
        double[] parallel = draws(DataLoader.of(noisy, 4).seed(5).shuffle(true).numWorkers(3));
        assertArrayEquals(serial, parallel, 0);
        DataLoader<Tensor[]> twice = DataLoader.of(noisy, 4).seed(5).shuffle(true);
        double[] first = draws(twice);
        assertFalse(Arrays.equals(first, draws(twice)), "a new epoch draws new numbers");
        assertArrayEquals(first, draws(twice.setEpoch(0)), 0);
    }

    private static double[] draws(DataLoader<Tensor[]> loader) {
        List<Double> out = new ArrayList<>();
        for (Tensor[] b : loader) {
            for (double d : b[0].toDoubleArray()) {
                out.add(d);
            }
            for (Tensor t : b) {
                t.close();
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void defaultCollateStacksFieldsAndScalarsBecomeVectors() {
        Tensor images = Tensor.arange(0, 5 * 2 * 3, 1, DType.FLOAT32).reshape(5, 2, 3);
        Tensor labels = Tensor.of(new long[] {4, 3, 2, 1, 0});
        TensorDataset td = new TensorDataset(images, labels);
        Tensor[] s = td.get(2);
        assertArrayEquals(new int[] {2, 3}, s[0].shape());
        assertArrayEquals(new int[0], s[1].shape());
        assertEquals(2, s[1].item());

        Tensor[] viaStack = Collate.stack(List.of(td.get(1), td.get(4)));
        Tensor[] viaIndex = td.batch(new int[] {1, 4});
        assertArrayEquals(new int[] {2, 2, 3}, viaStack[0].shape());
        assertArrayEquals(new int[] {2}, viaStack[1].shape());
        assertArrayEquals(viaStack[0].toFloatArray(), viaIndex[0].toFloatArray());
        assertArrayEquals(new long[] {3, 0}, viaIndex[1].toLongArray());
        assertEquals(DType.INT64, viaStack[1].dtype());

        // the TensorDataset fast path and the generic one give the same batches
        DataLoader<Tensor[]> fast = DataLoader.of(td, 2).shuffle(true).seed(1);
        DataLoader<Tensor[]> generic = DataLoader.of(td.map(x -> x), 2).shuffle(true).seed(1);
        Tensor[] a = fast.iterator().next();
        Tensor[] b = generic.iterator().next();
        assertArrayEquals(a[0].toFloatArray(), b[0].toFloatArray());
        assertArrayEquals(a[1].toLongArray(), b[1].toLongArray());
    }

    @Test
    void badInputGetsClearMessages() {
        Numbers data = new Numbers(5, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.get(5));
        assertTrue(e.getMessage().contains("index 5") && e.getMessage().contains("size 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(4)).get(-1));
        assertTrue(e.getMessage().contains("index -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(data, 0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(data, 2).numWorkers(-1));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.of(data, 2).prefetch(0));
        e = assertThrows(IllegalArgumentException.class, () -> Collate.stack(List.of(
                new Tensor[] {Tensor.zeros(2)}, new Tensor[] {Tensor.zeros(3)})));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]") && e.getMessage().contains("sample 1"),
                e.getMessage());
        assertNotEquals(0, DataLoader.of(data, 2).size());
    }
}
