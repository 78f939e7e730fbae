package org.vesalius.backend.cpu.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The LRU cache's bookkeeping (with plain Java values), and the oneDNN runtime facts the README states. */
class PrimitiveCacheTest {
    /** Stands in for a native object: counts closes. */
    static final class Thing implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static PrimitiveKey key(String op, long... v) {
        PrimitiveKey.Builder b = PrimitiveKey.builder(op);
        for (long x : v) {
            b.add(x);
        }
        return b.build();
    }

    @Test
    void keysCompareByOpAndValues() {
        assertEquals(key("conv", 1, 2, 3), key("conv", 1, 2, 3));
        assertEquals(key("conv", 1, 2, 3).hashCode(), key("conv", 1, 2, 3).hashCode());
        assertNotEquals(key("conv", 1, 2, 3), key("pool", 1, 2, 3));
        assertNotEquals(key("conv", 1, 2, 3), key("conv", 1, 2, 4));
        // arrays carry their length, so [1, 2] + [3] differs from [1] + [2, 3]
        PrimitiveKey a = PrimitiveKey.builder("x").add(new long[] {1, 2}).add(new long[] {3}).build();
        PrimitiveKey b = PrimitiveKey.builder("x").add(new long[] {1}).add(new long[] {2, 3}).build();
        assertNotEquals(a, b);
    }

    @Test
    void hitsReuseAndMissesCreate() {
        PrimitiveCache cache = new PrimitiveCache(4);
        AtomicInteger created = new AtomicInteger();
        Thing first;
        try (PrimitiveCache.Lease<Thing> l = cache.acquire(key("a", 1), k -> {
            created.incrementAndGet();
            return new Thing();
        })) {
            first = l.get();
        }
        for (int i = 0; i < 5; i++) {
            try (PrimitiveCache.Lease<Thing> l = cache.acquire(key("a", 1), k -> {
                created.incrementAndGet();
                return new Thing();
            })) {
                assertSame(first, l.get());
            }
        }
        assertEquals(1, created.get());
        assertEquals(1, cache.size());
        assertEquals(5, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void evictsLeastRecentlyUsedAndClosesIt() {
        PrimitiveCache cache = new PrimitiveCache(2);
        Thing t1 = new Thing();
        Thing t2 = new Thing();
        Thing t3 = new Thing();
        cache.acquire(key("a", 1), k -> t1).close();
        cache.acquire(key("a", 2), k -> t2).close();
        cache.acquire(key("a", 1), k -> new Thing()).close(); // touch 1: 2 is now the oldest
        cache.acquire(key("a", 3), k -> t3).close();
        assertEquals(2, cache.size());
        assertEquals(1, cache.evictions());
        assertEquals(1, t2.closes.get());
        assertEquals(0, t1.closes.get());
        assertEquals(0, t3.closes.get());
        cache.clear();
        assertEquals(0, cache.size());
        assertEquals(1, t1.closes.get());
        assertEquals(1, t3.closes.get());
    }

    @Test
    void entryEvictedWhileLeasedIsClosedOnRelease() {
        PrimitiveCache cache = new PrimitiveCache(1);
        Thing held = new Thing();
        PrimitiveCache.Lease<Thing> lease = cache.acquire(key("a", 1), k -> held);
        cache.acquire(key("a", 2), k -> new Thing()).close();
        assertEquals(0, held.closes.get(), "closed while still in use");
        lease.close();
        lease.close();
        assertEquals(1, held.closes.get());
    }

    @Test
    void oneDnnRunsOnOpenMp() {
        assumeTrue(Dnnl.isAvailable());
        assertEquals("OpenMP", Dnnl.cpuRuntime());
        assertTrue(Dnnl.version().startsWith("3."));
        assertTrue(OpenMp.maxThreads() >= 1);
        // asking for the current count is a no-op that always succeeds
        assertTrue(OpenMp.setThreads(OpenMp.maxThreads()));
        assertFalse(Dnnl.stream().isNull());
    }

    @Test
    void waitPolicyIsSetOnlyWhenTheUserLeftItOpen() {
        assertEquals("PASSIVE", OpenMp.waitPolicyToSet(null, null));
        assertNull(OpenMp.waitPolicyToSet("ACTIVE", null), "the user's environment wins");
        assertNull(OpenMp.waitPolicyToSet("ACTIVE", "PASSIVE"));
        assertNull(OpenMp.waitPolicyToSet(null, ""), "an empty property keeps libgomp's default");
        assertEquals("ACTIVE", OpenMp.waitPolicyToSet(null, " ACTIVE "));
    }

    @Test
    void threadCountReachesLibgompOnEveryThread() throws InterruptedException {
        assumeTrue(Dnnl.isAvailable());
        assumeTrue(OpenMp.queryCurrentThread() > 0, "calling libgomp needs java.lang.foreign (Java 22+)");
        int before = OpenMp.maxThreads();
        int other = before == 1 ? 2 : 1;
        try {
            assertTrue(OpenMp.setThreads(other));
            assertEquals(other, OpenMp.queryCurrentThread());
            int[] seen = new int[1];
            Thread t = new Thread(() -> seen[0] = OpenMp.queryCurrentThread());
            t.start();
            t.join();
            assertEquals(other, seen[0]);
            assertNotEquals(key("conv", 1), keyWithThreads(before), "thread count is part of the key");
        } finally {
            OpenMp.setThreads(before);
        }
        assertEquals(before, OpenMp.queryCurrentThread());
    }

    private static PrimitiveKey keyWithThreads(int threads) {
        int now = OpenMp.maxThreads();
        OpenMp.setThreads(threads);
        try {
            return key("conv", 1);
        } finally {
            OpenMp.setThreads(now);
        }
    }
}
