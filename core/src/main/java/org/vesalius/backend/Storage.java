package org.vesalius.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.vesalius.tensor.Device;

/**
 * A block of backend memory that one or more tensors view.
 *
 * <p>Reference counted: every tensor that views the block holds one reference, and the block goes
 * back to its backend when the last one is released. Backends also register a GC cleaner as a
 * safety net for tensors that are never closed.
 *
 * <p>Carries the version counter that autograd uses, as PyTorch's tensors do: every in-place write
 * through any tensor viewing this memory (its views and {@code detach()}ed aliases included) bumps
 * it, and a backward pass refuses to use a saved tensor whose storage moved on since it was saved.
 */
public abstract class Storage {
    private final AtomicInteger refs = new AtomicInteger();
    private final AtomicLong version = new AtomicLong();

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

    /** How many in-place writes this memory has seen (autograd's version counter). */
    public final long version() {
        return version.get();
    }

    /**
     * Records an in-place write. Tensor-level in-place ops do this themselves; code that writes into
     * an existing tensor through a {@link Backend} kernel directly (an optimizer step, a loader)
     * calls it so that autograd notices.
     */
    public final void bumpVersion() {
        version.incrementAndGet();
    }

    /** Number of tensors viewing this storage. */
    public final int refCount() {
        return refs.get();
    }
}
