package org.vesalius.backend.cpu.dnnl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, least-recently-used cache of native objects (oneDNN primitives with their descriptors
 * and reorders), so a training loop builds each primitive once instead of every step.
 *
 * <p>Creating a oneDNN primitive descriptor walks the implementation list and can JIT-compile code;
 * that costs far more than small convolutions themselves. Entries are leased: an entry evicted while
 * another thread still executes it is destroyed only when the last lease is closed.
 *
 * <p>Capacity: system property {@code vesalius.dnnl.cacheCapacity} (default 1024 entries).
 */
public final class PrimitiveCache {
    private static final Logger LOG = LoggerFactory.getLogger(PrimitiveCache.class);
    private static final PrimitiveCache SHARED = new PrimitiveCache(Integer.getInteger("vesalius.dnnl.cacheCapacity", 1024));

    private final Object lock = new Object();
    private final LinkedHashMap<PrimitiveKey, Entry> map = new LinkedHashMap<>(64, 0.75f, true);
    private int capacity;
    private long hits;
    private long misses;
    private long evictions;

    /** A cache of at most {@code capacity} entries (at least 1). */
    public PrimitiveCache(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** The cache all CPU kernels share. */
    public static PrimitiveCache shared() {
        return SHARED;
    }

    /**
     * The entry for {@code key}, created with {@code create} on a miss, leased to the caller until the
     * returned lease is closed. {@code create} runs outside the cache's lock; if two threads miss the
     * same key at once, one of the two results is kept and the other closed.
     */
    public <T extends AutoCloseable> Lease<T> acquire(PrimitiveKey key, Function<PrimitiveKey, T> create) {
        synchronized (lock) {
            Entry e = map.get(key);
            if (e != null) {
                hits++;
                e.leases++;
                return new Lease<>(this, e);
            }
            misses++;
        }
        T value = create.apply(key);
        Entry fresh = new Entry(key, value);
        Entry winner;
        synchronized (lock) {
            Entry existing = map.get(key);
            if (existing != null) {
                winner = existing;
            } else {
                map.put(key, fresh);
                winner = fresh;
                evictOverflow();
            }
            winner.leases++;
        }
        if (winner != fresh) {
            closeQuietly(fresh);
        }
        return new Lease<>(this, winner);
    }

    private void evictOverflow() {
        Iterator<Map.Entry<PrimitiveKey, Entry>> it = map.entrySet().iterator();
        while (map.size() > capacity && it.hasNext()) {
            Entry victim = it.next().getValue();
            it.remove();
            evictions++;
            victim.evicted = true;
            if (victim.leases == 0) {
                closeQuietly(victim);
            }
        }
    }

    private void release(Entry e) {
        boolean close;
        synchronized (lock) {
            e.leases--;
            close = e.evicted && e.leases == 0;
        }
        if (close) {
            closeQuietly(e);
        }
    }

    private static void closeQuietly(Entry e) {
        try {
            e.value.close();
        } catch (Exception ex) {
            LOG.warn("Closing cached primitive {} failed: {}", e.key, ex.toString());
        }
    }

    /** Number of cached entries. */
    public int size() {
        synchronized (lock) {
            return map.size();
        }
    }

    /** Lookups that found an entry. */
    public long hits() {
        synchronized (lock) {
            return hits;
        }
    }

    /** Lookups that had to create one. */
    public long misses() {
        synchronized (lock) {
            return misses;
        }
    }

    /** Entries dropped to stay within capacity. */
    public long evictions() {
        synchronized (lock) {
            return evictions;
        }
    }

    /** The most entries kept. */
    public int capacity() {
        synchronized (lock) {
            return capacity;
        }
    }

    /** Changes the capacity, evicting the least recently used entries if needed. */
    public void setCapacity(int capacity) {
        synchronized (lock) {
            this.capacity = Math.max(1, capacity);
            evictOverflow();
        }
    }

    /** Drops every entry (entries in use are destroyed when their lease closes). */
    public void clear() {
        synchronized (lock) {
            Iterator<Map.Entry<PrimitiveKey, Entry>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Entry victim = it.next().getValue();
                it.remove();
                victim.evicted = true;
                if (victim.leases == 0) {
                    closeQuietly(victim);
                }
            }
        }
    }

    private static final class Entry {
        final PrimitiveKey key;
        final AutoCloseable value;
        int leases;
        boolean evicted;

        Entry(PrimitiveKey key, AutoCloseable value) {
            this.key = key;
            this.value = value;
        }
    }

    /** A cached value held for the duration of one use; close it when done. */
    public static final class Lease<T> implements AutoCloseable {
        private final PrimitiveCache cache;
        private final Entry entry;
        private boolean closed;

        private Lease(PrimitiveCache cache, Entry entry) {
            this.cache = cache;
            this.entry = entry;
        }

        @SuppressWarnings("unchecked")
        public T get() {
            return (T) entry.value;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cache.release(entry);
            }
        }
    }
}
