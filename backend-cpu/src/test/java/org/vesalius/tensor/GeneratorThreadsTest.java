package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Generators used from several threads: an explicit generator shared by threads hands out every
 * counter value exactly once, and the default generator is one stream per thread.
 */
class GeneratorThreadsTest {
    private static final int THREADS = 4;

    /** Runs {@code task} on {@code n} threads started together; returns their results in thread order. */
    private static <T> List<T> onThreads(int n, Callable<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sharedGeneratorReservesEveryCounterValueOnce() throws Exception {
        Generator g = new Generator(5);
        int perThread = 20_000;
        List<long[]> blocks = onThreads(THREADS, () -> {
            long[] starts = new long[2 * perThread];
            for (int i = 0; i < perThread; i++) {
                long n = 1 + i % 7;
                Generator.State s = g.reserve(n);
                assertEquals(5, s.seed());
                starts[2 * i] = s.offset();
                starts[2 * i + 1] = n;
            }
            return starts;
        });
        long total = 0;
        List<long[]> all = new ArrayList<>();
        for (long[] b : blocks) {
            for (int i = 0; i < b.length; i += 2) {
                all.add(new long[] {b[i], b[i + 1]});
                total += b[i + 1];
            }
        }
        all.sort((a, b) -> Long.compare(a[0], b[0]));
        long next = 0;
        for (long[] block : all) {
            assertEquals(next, block[0], "a reservation starts where the previous one ended: none lost, none overlapping");
            next += block[1];
        }
        assertEquals(total, next);
        assertEquals(total, g.offset(), "the generator counted every number drawn");
    }

    @Test
    void threadsDrawingFromOneGeneratorGetTheNumbersOfOneStreamOnceEach() throws Exception {
        Generator shared = new Generator(42);
        int draws = 5_000;
        int randSize = 64;
        List<double[]> got = onThreads(THREADS, () -> {
            double[] mine = new double[draws + randSize * 10];
            for (int i = 0; i < draws; i++) {
                mine[i] = shared.nextDouble();
            }
            for (int k = 0; k < 10; k++) {
                try (Tensor t = Tensor.rand(DType.FLOAT64, Device.CPU, shared, randSize)) {
                    System.arraycopy(t.toDoubleArray(), 0, mine, draws + k * randSize, randSize);
                }
            }
            return mine;
        });
        // the first `total` numbers of the stream drawn on one thread: each value identifies its counter
        int total = THREADS * (draws + randSize * 10);
        assertEquals(total, shared.offset(), "the generator counted every number drawn");
        Generator alone = new Generator(42);
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < total; i++) {
            expected.add(Double.doubleToLongBits(alone.nextDouble()));
        }
        assertEquals(total, expected.size());
        // host draws and float64 rand elements alike are those numbers, each drawn once
        Set<Long> seen = new HashSet<>();
        for (double[] mine : got) {
            for (double v : mine) {
                long bits = Double.doubleToLongBits(v);
                assertTrue(expected.contains(bits), v + " is not one of the stream's first " + total + " numbers");
                assertTrue(seen.add(bits), v + " was drawn twice: two draws overlapped");
            }
        }
        assertEquals(total, seen.size());
    }

    @Test
    void theDefaultGeneratorIsPerThread() throws Exception {
        Generator mine = Generator.defaultGenerator();
        assertSame(mine, Generator.defaultGenerator(), "one default generator per thread");
        List<Generator> others = onThreads(3, Generator::defaultGenerator);
        Set<Long> seeds = new HashSet<>();
        seeds.add(mine.initialSeed());
        for (Generator g : others) {
            assertFalse(g == mine, "another thread has its own default generator");
            seeds.add(g.initialSeed());
        }
        // a thread that never seeded draws its own stream, not a copy of another thread's
        assertEquals(4, seeds.size(), "fresh threads start from different seeds: " + seeds);
    }

    @Test
    void theFirstThreadStartsFromTheDefaultSeedAndLaterOnesFromMixedSeeds() {
        assertEquals(Generator.DEFAULT_SEED, Generator.defaultSeed(0));
        Set<Long> seeds = new HashSet<>();
        for (long k = 0; k < 10_000; k++) {
            assertTrue(seeds.add(Generator.defaultSeed(k)), "thread " + k + " repeats an earlier thread's seed");
        }
        assertNotEquals(Generator.mix(Generator.DEFAULT_SEED, 0), Generator.defaultSeed(1),
                "the second thread's seed is not the first thread's first number");
    }

    @Test
    void manualSeedSeedsOnlyTheCallingThread() throws Exception {
        long seed = 2024;
        Generator reference = new Generator(seed);
        float[] expected = Tensor.rand(reference, 32).toFloatArray();
        // two threads seed and draw at once: each gets the seeded stream, whatever the other does
        List<float[]> got = onThreads(2, () -> {
            Tensor.manualSeed(seed);
            float[] all = new float[0];
            for (int i = 0; i < 200; i++) {
                all = Tensor.rand(32).toFloatArray();
                Tensor.manualSeed(seed);
            }
            return all;
        });
        for (float[] g : got) {
            assertArrayEquals(expected, g);
        }
        // and a seeded stream matches a reseeded one on this thread, with its state saved and restored
        Generator.State before = Generator.defaultGenerator().state();
        try {
            Tensor.manualSeed(seed);
            assertArrayEquals(expected, Tensor.rand(32).toFloatArray());
        } finally {
            Generator.defaultGenerator().setState(before);
        }
    }
}
