package org.vesalius.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.Scope;

/**
 * Memory over a long run of one workload ({@code --soak}): the resident set and the backend's native
 * bytes sampled every few hundred steps, each step in a {@link Scope} of its own as a training loop
 * runs it. Growth after the first sample is what a leak looks like; the first sample comes after the
 * warm-up and {@code sampleEvery} steps, when the allocator's cache and the JIT have settled.
 */
final class Soak {
    private Soak() {
    }

    static void run(String name, Bench.Workload w, int warmup, int steps, int sampleEvery, int threads) {
        if (steps < 1 || sampleEvery < 1) {
            throw new IllegalArgumentException("--soak and --sample-every must be positive, got " + steps + " and "
                    + sampleEvery);
        }
        Backend cpu = Backends.cpu();
        for (int i = 0; i < warmup; i++) {
            try (Scope s = Scope.open()) {
                w.step.run();
            }
        }
        long[] first = null;
        long[] last = null;
        long t0 = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            try (Scope s = Scope.open()) {
                for (int r = 0; r < w.reps; r++) {
                    w.step.run();
                }
            }
            if (step % sampleEvery == 0 || step == steps) {
                long now = System.nanoTime();
                int done = step % sampleEvery == 0 ? sampleEvery : step % sampleEvery;
                Runtime rt = Runtime.getRuntime();
                long[] sample = {rssBytes(), cpu.liveBytes(), cpu.cachedBytes(), rt.totalMemory() - rt.freeMemory(),
                    heapAfterLastGc(), rt.totalMemory()};
                System.out.println(String.format(Locale.ROOT,
                        "{\"peer\": \"vesalius\", \"workload\": \"%s\", \"step\": %d, \"rss_mb\": %.1f, "
                                + "\"native_live_mb\": %.2f, \"native_cached_mb\": %.2f, \"heap_used_mb\": %.1f, "
                                + "\"heap_after_gc_mb\": %.1f, \"heap_committed_mb\": %.1f, \"ms_per_step\": %.2f, "
                                + "\"threads\": %d}",
                        name, step, mb(sample[0]), mb(sample[1]), mb(sample[2]), mb(sample[3]), mb(sample[4]),
                        mb(sample[5]), (now - t0) / 1e6 / done, threads));
                t0 = now;
                if (first == null) {
                    first = sample;
                }
                last = sample;
            }
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"peer\": \"vesalius\", \"workload\": \"%s\", \"soak_steps\": %d, \"rss_growth_mb\": %.1f, "
                        + "\"native_live_growth_mb\": %.2f, \"native_cached_growth_mb\": %.2f, "
                        + "\"heap_after_gc_growth_mb\": %.1f, \"rss_first_mb\": %.1f, \"rss_last_mb\": %.1f}",
                name, steps, mb(last[0] - first[0]), mb(last[1] - first[1]), mb(last[2] - first[2]),
                mb(last[4] - first[4]), mb(first[0]), mb(last[0])));
    }

    /**
     * The Java heap in use right after the most recent collection (summed over the heap's pools): the
     * live objects, without the garbage that {@code heap_used_mb} includes until the next GC.
     */
    static long heapAfterLastGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                used += u.getUsed();
            }
        }
        return used;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** VmRSS of this process, or -1 where /proc is not there (not Linux). */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
