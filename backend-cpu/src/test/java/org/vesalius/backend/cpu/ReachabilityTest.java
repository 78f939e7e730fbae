package org.vesalius.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * A kernel's inputs stay reachable until the kernel returns, even when nothing else refers to them.
 *
 * <p>The input of each batch norm below is made in the call and never referenced again, as a
 * temporary in an expression is. Once the compiled caller has handed its buffer to the kernel it no
 * longer holds the tensor; without the backend's reachability fences a GC in the middle of the kernel
 * runs the storage's cleaner, the allocator hands the block to the next allocation of that size, and
 * the kernel goes on reading someone else's data. A second thread makes that happen as fast as it can:
 * when a kernel starts it runs a GC, waits for released blocks, takes two blocks of the input's size
 * and writes NaN into them. All-ones input normalizes to exactly 0, so a NaN in the output means the
 * kernel read memory that had been given away. (With the fences removed from {@code CpuBackend} the
 * test failed within its first three rounds in each of five runs on a 2-core machine.)
 */
class ReachabilityTest {
    /** The input is [2, 4, SIDE, SIDE] float64: 64 MiB, so the kernel outlasts a GC. */
    private static final int SIDE = 1024;
    private static final int ROUNDS = 12;
    /** Calls that get the call chain compiled (interpreted frames keep every local alive). */
    private static final int WARMUP = 20_000;
    private static final AtomicInteger KERNEL_STARTS = new AtomicInteger();

    @Test
    void unreferencedInputsOutliveTheKernelsThatReadThem() throws Exception {
        Backend cpu = Backends.cpu();
        for (int i = 0; i < WARMUP; i++) {
            // mostly tiny inputs, now and then a large one so the compiled code knows the large case
            boolean large = i % 1000 == 999;
            assertEquals(0, normalizeOnes(cpu, large ? SIDE : 16));
            if (large) {
                System.gc(); // the large inputs left behind go back now, not when native memory runs high
            }
        }
        Poisoner poisoner = new Poisoner(cpu, 8L * 8 * SIDE * SIDE);
        Thread thread = new Thread(poisoner, "reachability-poisoner");
        thread.setDaemon(true);
        thread.start();
        List<String> wrong = new ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS && wrong.isEmpty(); round++) {
                double sum = normalizeOnes(cpu, SIDE);
                if (sum != 0) {
                    wrong.add("round " + round + ": the outputs sum to " + sum + ", expected 0");
                }
            }
        } finally {
            poisoner.stop.set(true);
            thread.join();
            cpu.emptyCache();
        }
        assertTrue(wrong.isEmpty(), "batchNorm read its input after the input's storage was released and reused: "
                + wrong);
        assertTrue(poisoner.gcs.get() > 0, "the poisoning thread never ran a GC");
    }

    /**
     * Batch norm (training) of an all-ones [2, 4, side, side] input made in the call; returns the sum
     * of the outputs.
     */
    private static double normalizeOnes(Backend cpu, int side) {
        try (Tensor out = Tensor.empty(DType.FLOAT64, 2, 4, side, side); Tensor mean = Tensor.empty(DType.FLOAT64, 4);
             Tensor invStd = Tensor.empty(DType.FLOAT64, 4)) {
            Tensor x = Tensor.full(DType.FLOAT64, 1, 2, 4, side, side);
            // signalled on every call, so the compiled code is the same during warm-up and rounds
            KERNEL_STARTS.incrementAndGet();
            cpu.batchNorm(x, null, null, null, null, true, 0.1, 1e-5, out, mean, invStd);
            try (Tensor sum = out.sum()) {
                return sum.item();
            }
        }
    }

    /** On each kernel start: GC, wait for released blocks, take two of the input's size and write NaN in them. */
    private static final class Poisoner implements Runnable {
        private final Backend cpu;
        private final long bytes;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong gcs = new AtomicLong();

        Poisoner(Backend cpu, long bytes) {
            this.cpu = cpu;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            List<Tensor> held = new ArrayList<>();
            int seen = KERNEL_STARTS.get();
            try {
                while (!stop.get()) {
                    int now = KERNEL_STARTS.get();
                    if (now == seen) {
                        Thread.onSpinWait();
                        continue;
                    }
                    seen = now;
                    // give the blocks taken last round back first, so the next ones come from released storage
                    held.forEach(Tensor::close);
                    held.clear();
                    Thread.sleep(1);
                    long cached = cpu.cachedBytes();
                    System.gc();
                    gcs.incrementAndGet();
                    long until = System.nanoTime() + 50_000_000L;
                    while (cpu.cachedBytes() <= cached && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    for (int i = 0; i < 2; i++) {
                        // one NaN per 512 elements: quick to write, and every chunk a kernel reads has some
                        Tensor t = Tensor.empty(DType.FLOAT64, (int) (bytes / 8 / 512), 512);
                        try (Tensor column = t.narrow(1, 0, 1)) {
                            cpu.fill(column, Double.NaN);
                        }
                        held.add(t);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.forEach(Tensor::close);
            }
        }
    }
}
