package org.vesalius.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A caching allocator for native memory, like PyTorch's on the GPU: freed blocks are kept by
 * rounded size and handed out again, so a training loop that allocates the same shapes each step
 * stops calling malloc (and stops creating ByteBuffers) after the first step.
 *
 * <p>Sizes round up to a power of two below 1 MiB and to a multiple of 1 MiB above, which bounds
 * waste. The cache is capped ({@code vesalius.cpu.cacheBytes}, default 1 GiB); beyond it blocks go
 * back to the system. When live native memory passes {@code vesalius.cpu.gcThresholdBytes}
 * (default: a quarter of physical memory, at least 1 GiB) the allocator asks the JVM for a GC so
 * that tensors nobody closed are reclaimed by their cleaners.
 */
final class CpuAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(CpuAllocator.class);
    private static final long MIB = 1 << 20;

    /** Free blocks below 1 MiB by power-of-two class (index = log2 of the size). */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<NativeBlock>[] small = new ArrayDeque[21];
    /** Free blocks of 1 MiB and more, by size. */
    private final Map<Long, ArrayDeque<NativeBlock>> large = new HashMap<>();
    private final AtomicLong live = new AtomicLong();
    private long cached;
    private final long cacheLimit;
    private final long gcThreshold;
    /** Live bytes at which the next GC is requested; moves up after each request (see allocate). */
    private volatile long nextGcAt;
    private final AtomicLong peakLive = new AtomicLong();

    CpuAllocator() {
        cacheLimit = Long.getLong("vesalius.cpu.cacheBytes", 1L << 30);
        gcThreshold = Long.getLong("vesalius.cpu.gcThresholdBytes", defaultGcThreshold());
        nextGcAt = gcThreshold;
    }

    private static long defaultGcThreshold() {
        long physical = 0;
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean) {
                physical = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
            }
        } catch (LinkageError | RuntimeException e) {
            physical = 0;
        }
        return Math.max(1L << 30, physical / 4);
    }

    static long roundSize(long bytes) {
        if (bytes <= 64) {
            return 64;
        }
        if (bytes < MIB) {
            return Long.highestOneBit(bytes - 1) << 1;
        }
        long rounded = (bytes + MIB - 1) / MIB * MIB;
        // a request that one NIO buffer can index must not be rounded into a segmented block
        // (NativeBlock): the Java kernels' single-buffer path is the faster one
        return bytes <= Integer.MAX_VALUE ? Math.min(rounded, Integer.MAX_VALUE) : rounded;
    }

    /** The free list for a rounded size; callers hold the lock. */
    private ArrayDeque<NativeBlock> queue(long size, boolean create) {
        if (size < MIB) {
            int k = Long.numberOfTrailingZeros(size);
            ArrayDeque<NativeBlock> q = small[k];
            if (q == null && create) {
                q = small[k] = new ArrayDeque<>();
            }
            return q;
        }
        ArrayDeque<NativeBlock> q = large.get(size);
        if (q == null && create) {
            q = new ArrayDeque<>();
            large.put(size, q);
        }
        return q;
    }

    NativeBlock allocate(long bytes) {
        long size = roundSize(bytes);
        NativeBlock b = null;
        synchronized (this) {
            ArrayDeque<NativeBlock> q = queue(size, false);
            if (q != null) {
                b = q.pollLast();
                if (b != null) {
                    cached -= size;
                }
            }
        }
        if (b == null) {
            long wouldBe = live.get() + size;
            if (wouldBe > nextGcAt) {
                reclaimUnreachable(size);
                // A program that really holds this much must not pay a GC per allocation: ask
                // again only after another quarter of the threshold has been allocated.
                nextGcAt = wouldBe + gcThreshold / 4;
            } else if (wouldBe < gcThreshold / 2 && nextGcAt != gcThreshold) {
                nextGcAt = gcThreshold;
            }
            b = NativeBlock.allocate(size);
        }
        // allocating threads race here: a compare-and-set maximum keeps the highest
        peakLive.accumulateAndGet(live.addAndGet(size), Math::max);
        return b;
    }

    /** Returns a block; called on close or by a cleaner (any thread). */
    void release(NativeBlock b) {
        live.addAndGet(-b.capacity);
        synchronized (this) {
            if (cached + b.capacity <= cacheLimit) {
                queue(b.capacity, true).addLast(b);
                cached += b.capacity;
                return;
            }
        }
        b.free();
    }

    private void reclaimUnreachable(long size) {
        LOG.debug("native memory at {} MiB (threshold {} MiB): asking for a GC to run tensor cleaners",
                live.get() / MIB, gcThreshold / MIB);
        emptyCache();
        System.gc();
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long liveBytes() {
        return live.get();
    }

    synchronized long cachedBytes() {
        return cached;
    }

    long peakLiveBytes() {
        return peakLive.get();
    }

    void resetPeakLiveBytes() {
        peakLive.set(live.get());
    }

    void emptyCache() {
        ArrayDeque<NativeBlock> all = new ArrayDeque<>();
        synchronized (this) {
            for (ArrayDeque<NativeBlock> q : large.values()) {
                all.addAll(q);
            }
            large.clear();
            for (ArrayDeque<NativeBlock> q : small) {
                if (q != null) {
                    all.addAll(q);
                    q.clear();
                }
            }
            cached = 0;
        }
        for (NativeBlock b : all) {
            b.free();
        }
    }
}
