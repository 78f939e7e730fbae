package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The kernels' thread pool while another thread changes the thread count. */
class ParallelTest {
    @Test
    void everyPartRunsWhenThePoolIsReplacedMidKernel() throws Exception {
        int original = Parallel.threads();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread toggler = new Thread(() -> {
            while (!stop.get()) {
                Parallel.setThreads(original + 1);
                Parallel.setThreads(original);
                swaps.incrementAndGet();
            }
        }, "parallel-toggler");
        toggler.start();
        long n = 1 << 16;
        try {
            for (int i = 0; i < 5_000; i++) {
                LongAdder covered = new LongAdder();
                // a submit to a pool shut down by setThreads used to throw RejectedExecutionException
                Parallel.range(n, 1, (from, to) -> covered.add(to - from));
                assertEquals(n, covered.sum(), "call " + i + " skipped part of the range");
            }
        } finally {
            stop.set(true);
            toggler.join();
            Parallel.setThreads(original);
        }
        assertTrue(swaps.get() > 0, "the pool was never replaced");
        assertEquals(original, Parallel.threads());
    }
}
