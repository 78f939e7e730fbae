package org.vesalius.backend;

import java.util.concurrent.atomic.AtomicInteger;
import org.vesalius.tensor.Device;

/**
 * A block of backend memory that one or more tensors view.
 *
 * <p>Reference counted: every tensor that views the block holds one reference, and the block goes
 * back to its backend when the last one is released. Backends also register a GC cleaner as a
 * safety net for tensors that are never closed.
 */
public abstract class Storage {
    private final AtomicInteger refs = new AtomicInteger();

    /** The backend that owns this memory and runs kernels on it. */
    public abstract Backend backend();

    /** The device the memory is on. */
    public abstract Device device();

    /** Size in bytes. */
    public abstract long byteSize();

    /** Returns the memory to the backend; called once, when the last reference is released. */
    protected abstract void free();

    /** Adds a reference (a new tensor viewing this storage). */
    public final void retain() {
        refs.incrementAndGet();
    }

    /** Drops a reference; frees the memory when none are left. */
    public final void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            free();
        } else if (left < 0) {
            throw new IllegalStateException("Storage released more often than retained");
        }
    }

    /** Number of tensors viewing this storage. */
    public final int refCount() {
        return refs.get();
    }
}
