package org.vesalius.rnn.embeddings;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Runs index ranges on a pool of its own (or on the calling thread when it has one thread), so that
 * t-SNE's per-point loops neither queue behind nor starve the common pool's other users. Blocks are
 * fixed by the grain, not by the thread count, and each block writes only its own indices, so results
 * do not depend on how many threads ran them.
 */
final class Parallel implements AutoCloseable {
    /** A loop body over {@code [from, to)}. */
    interface Range {
        void run(int from, int to);
    }

    private final ForkJoinPool pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** Runs {@code body} over {@code [0, n)} in blocks of {@code grain} indices, returning when all are done. */
    void forRange(int n, int grain, Range body) {
        if (pool == null || n <= grain) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Split(0, n, grain, body));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static final class Split extends RecursiveAction {
        private final int from;
        private final int to;
        private final int grain;
        private final Range body;

        Split(int from, int to, int grain, Range body) {
            this.from = from;
            this.to = to;
            this.grain = grain;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                body.run(from, to);
                return;
            }
            // split on a multiple of the grain, so the blocks are the same whatever the thread count
            int blocks = (to - from + grain - 1) / grain;
            int mid = from + blocks / 2 * grain;
            invokeAll(new Split(from, mid, grain, body), new Split(mid, to, grain, body));
        }
    }
}
