package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link Tensor#close()} releases its storage once however many threads close it at the same time. */
class CloseRaceTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 2000;

    @Test
    void concurrentClosesReleaseTheStorageOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Tensor t = Tensor.ones(4);
                Tensor alias = t.detach();
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<?>> done = new ArrayList<>();
                for (int k = 0; k < THREADS; k++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        t.close();
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(); // a second release would throw "Storage released more often than retained"
                }
                assertTrue(t.isClosed());
                assertEquals(1, alias.storage().refCount(), "round " + round + ": the alias's reference must remain");
                assertEquals(4.0, alias.sum().item(), "round " + round);
                alias.close();
                assertEquals(0, alias.storage().refCount());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
