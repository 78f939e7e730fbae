package org.vesalius.data;

import java.util.Iterator;

/**
 * One epoch of a {@link DataLoader}. Closing it before the end stops the loader's worker threads
 * and frees the batches they prefetched; an iterator that is simply dropped is closed when the
 * garbage collector finds it unreachable, so {@code break} out of a for-each loop leaks nothing for
 * long, but try-with-resources frees at once:
 * <pre>{@code
 * try (var it = loader.iterator()) {
 *     while (it.hasNext()) { ... if (done) break; }
 * }
 * }</pre>
 */
public interface BatchIterator<B> extends Iterator<B>, AutoCloseable {
    /** Index within the epoch of the batch the next call to {@link #next()} returns. */
    int nextIndex();

    /** Stops the workers and frees prefetched batches. Idempotent; never throws. */
    @Override
    void close();
}
