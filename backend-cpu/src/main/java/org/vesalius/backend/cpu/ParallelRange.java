package org.vesalius.backend.cpu;

/**
 * How the pooling, normalization and interpolation kernels spread independent items (planes,
 * channels, rows) over threads. The backend supplies one backed by its pool; tests can run serially.
 */
@FunctionalInterface
interface ParallelRange {
    /** Runs the items {@code [start, end)} on one thread. */
    @FunctionalInterface
    interface Body {
        void run(int start, int end);
    }

    /**
     * Splits {@code [0, count)} into contiguous ranges and runs {@code body} on each, possibly at the
     * same time on several threads; returns when all have finished and rethrows the first failure.
     *
     * @param costPerItem rough number of element operations per item, so that small jobs stay on the
     *                    calling thread instead of paying for a hand-off
     */
    void run(int count, long costPerItem, Body body);

    /** The backend's worker pool ({@link Parallel}), splitting only when each part gets enough work. */
    ParallelRange POOL = (count, cost, body) -> {
        long grain = Math.max(1, Parallel.GRAIN / Math.max(cost, 1));
        Parallel.range(count, grain, (from, to) -> body.run((int) from, (int) to));
    };

    /** Everything on the calling thread. */
    ParallelRange SERIAL = (count, cost, body) -> {
        if (count > 0) {
            body.run(0, count);
        }
    };
}
