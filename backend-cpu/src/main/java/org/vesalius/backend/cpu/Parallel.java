package org.vesalius.backend.cpu;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;

/**
 * The CPU backend's worker threads. Kernels split an index range into one part per thread; the
 * calling thread runs the first part itself so a two-thread machine keeps both cores busy.
 */
final class Parallel {
    /** Below this many elements of work, a kernel runs on the calling thread. */
    static final long GRAIN = 32 * 1024;

    /** A piece of work over the index range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(long from, long to);
    }

    private static volatile int threads = defaultThreads();
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {
    }

    private static int defaultThreads() {
        String prop = System.getProperty("vesalius.threads");
        if (prop != null) {
            try {
                return Math.max(1, Integer.parseInt(prop.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("vesalius.threads must be a positive integer, got '" + prop + "'", e);
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(Math.max(1, n - 1), p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("vesalius-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    static int threads() {
        return threads;
    }

    static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("setThreads: thread count must be >= 1, got " + n);
        }
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = newPool(n);
            threads = n;
            old.shutdown();
        }
    }

    /**
     * Where part {@code i} of {@code parts} near-equal parts of [0, n) starts; {@code n * i / parts}
     * without the product, which overflows for the views (expand) of up to 2^63-1 elements.
     */
    static long split(long n, long parts, long i) {
        return i * (n / parts) + Math.min(i, n % parts);
    }

    /** Runs {@code body} over [0, n), split across threads when each part gets at least {@code grain}. */
    static void range(long n, long grain, Range body) {
        int t = threads;
        long parts = Math.min(t, n / Math.max(grain, 1));
        if (parts <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        ForkJoinPool p = pool;
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[(int) parts - 1];
        for (int i = 1; i < parts; i++) {
            long from = split(n, parts, i);
            long to = split(n, parts, i + 1);
            try {
                tasks[i - 1] = p.submit(() -> body.run(from, to));
            } catch (RejectedExecutionException e) {
                tasks[i - 1] = null; // the pool was shut down after we read it: run the part below
            }
        }
        RuntimeException first = null;
        try {
            body.run(0, split(n, parts, 1));
        } catch (RuntimeException e) {
            first = e;
        }
        for (int i = 1; i < parts; i++) {
            try {
                joinOrRun(tasks[i - 1], body, split(n, parts, i), split(n, parts, i + 1));
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Waits for a part, or runs it on this thread when the pool never will: {@link #setThreads} on
     * another thread may shut the pool down between our reading it and submitting (null task), or
     * terminate it with the part still queued (cancelled, so it never started).
     */
    private static void joinOrRun(ForkJoinTask<?> task, Range body, long from, long to) {
        if (task != null) {
            try {
                task.join();
                return;
            } catch (CancellationException e) {
                // fall through
            }
        }
        body.run(from, to);
    }
}
