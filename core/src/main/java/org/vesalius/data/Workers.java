package org.vesalius.data;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of one epoch: they load batches 0..n-1 in claim order, at most
 * {@code prefetch} ahead of the consumer, and {@link #take} hands them out in index order whichever
 * worker finished first.
 *
 * <p>This object must not reference the iterator that owns it: the iterator's cleaner calls
 * {@link #shutdown} when an abandoned iterator becomes unreachable.
 */
final class Workers<B> {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    private static final long JOIN_MILLIS = 10_000;

    /** A loaded batch or the failure that replaced it. */
    record Outcome<B>(B batch, RuntimeException error) {
    }

    private final int batches;
    private final IntFunction<Outcome<B>> load;
    private final Semaphore permits;
    private final AtomicInteger nextClaim = new AtomicInteger();
    private final Object lock = new Object();
    private final Map<Integer, Outcome<B>> ready = new HashMap<>();
    private final Thread[] threads;
    private volatile boolean closed;

    /**
     * Starts {@code count} daemon threads loading {@code batches} batches with {@code load}, which
     * catches its own failures into an outcome.
     */
    Workers(String name, int count, int prefetch, int batches, IntFunction<Outcome<B>> load) {
        this.batches = batches;
        this.load = load;
        this.permits = new Semaphore(prefetch);
        this.threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::work, name + "-w" + i);
            t.setDaemon(true);
            threads[i] = t;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    private void work() {
        while (!closed) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            int k = nextClaim.getAndIncrement();
            if (closed || k >= batches) {
                permits.release();
                return;
            }
            Outcome<B> o = load.apply(k);
            synchronized (lock) {
                if (!closed) {
                    ready.put(k, o);
                    lock.notifyAll();
                    continue;
                }
            }
            free(o);
        }
    }

    /** Waits for batch {@code k} (the consumer takes 0, 1, 2, ... in order) and frees its prefetch slot. */
    Outcome<B> take(int k) {
        Outcome<B> o;
        synchronized (lock) {
            while ((o = ready.remove(k)) == null) {
                if (closed) {
                    throw new IllegalStateException("DataLoader: the iterator was closed while waiting for batch " + k);
                }
                if (!anyAlive()) {
                    throw new IllegalStateException("DataLoader: every worker thread stopped before batch " + k
                            + " was loaded");
                }
                try {
                    lock.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + k, e);
                }
            }
        }
        permits.release();
        return o;
    }

    private boolean anyAlive() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops the workers, frees the batches they loaded that nobody took, and waits for the threads
     * to end (a batch being loaded is finished and freed by its worker first). Idempotent; any thread.
     */
    void shutdown() {
        Map<Integer, Outcome<B>> left;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            left = new HashMap<>(ready);
            ready.clear();
            lock.notifyAll();
        }
        for (Outcome<B> o : left.values()) {
            free(o);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread t : threads) {
            try {
                long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMillis > 0) {
                    t.join(waitMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("DataLoader worker {} is still loading a batch {} ms after shutdown; it will free the batch "
                        + "and end when the load returns", t.getName(), JOIN_MILLIS);
            }
        }
    }

    private static void free(Outcome<?> o) {
        if (o.batch() != null) {
            BatchTensors.close(o.batch());
        }
    }
}
