package org.vesalius.backend.cpu.dnnl;

import org.bytedeco.javacpp.Pointer;

/**
 * Growable, 64-byte aligned native buffers owned by one thread: slot 0 holds primitive scratchpads,
 * the others hold tensors reordered into a primitive's preferred layout. A slot grows to the largest
 * size the thread has needed and is kept, so steady-state training allocates nothing here; slots
 * above {@code vesalius.dnnl.retainBytes} (default 64 MiB; large 3-d volumes) are freed after each
 * use instead, and everything is freed when the thread is gone.
 */
final class ThreadBuffers {
    static final int SCRATCHPAD = 0;
    // one per primitive argument plus the scratchpad: an LSTM backward has 22 arguments
    static final int SLOTS = 32;
    private static final int ALIGN = 64;
    private static final long RETAIN = Long.getLong("vesalius.dnnl.retainBytes", 64L << 20);
    private static final ThreadLocal<ThreadBuffers> LOCAL = ThreadLocal.withInitial(ThreadBuffers::new);

    /** Owns the malloc'd blocks; separate from ThreadBuffers so the cleaner does not keep it reachable. */
    private static final class Blocks implements Runnable {
        final Pointer[] raw = new Pointer[SLOTS];

        void free(int slot) {
            if (raw[slot] != null) {
                Pointer.free(raw[slot]);
                raw[slot] = null;
            }
        }

        @Override
        public void run() {
            for (int i = 0; i < SLOTS; i++) {
                free(i);
            }
        }
    }

    private final Blocks blocks = new Blocks();
    private final long[] capacity = new long[SLOTS];
    private final long[] aligned = new long[SLOTS];

    private ThreadBuffers() {
        Dnnl.CLEANER.register(this, blocks);
    }

    /** Address of at least {@code bytes} bytes in {@code slot}, valid on this thread until the slot is asked for again. */
    static long get(int slot, long bytes) {
        return LOCAL.get().ensure(slot, bytes);
    }

    private long ensure(int slot, long bytes) {
        if (bytes > capacity[slot]) {
            blocks.free(slot);
            long size = Math.max(bytes, capacity[slot] + capacity[slot] / 2);
            Pointer p = Pointer.malloc(size + ALIGN);
            if (p == null || p.isNull()) {
                throw new OutOfMemoryError("oneDNN buffer: cannot allocate " + size + " bytes");
            }
            blocks.raw[slot] = p;
            capacity[slot] = size;
            aligned[slot] = (p.address() + ALIGN - 1) & -ALIGN;
        }
        return aligned[slot];
    }

    /** Frees this thread's slots that are larger than the retain limit. */
    static void trim() {
        ThreadBuffers b = LOCAL.get();
        for (int i = 0; i < SLOTS; i++) {
            if (b.capacity[i] > RETAIN) {
                b.blocks.free(i);
                b.capacity[i] = 0;
                b.aligned[i] = 0;
            }
        }
    }
}
