package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Hundreds of augmented batches made by worker threads, each closed by the consumer as a trainer
 * would: the native memory the allocator holds must not grow, and iterators closed or dropped
 * mid-epoch must give back what their workers prefetched.
 */
class DataLoaderMemoryTest {
    /** Allowed growth of live native bytes; one batch here is 16 x 28 x 28 x 4 = 50 KiB. */
    private static final long BOUND_BYTES = 16 * 1024;

    @Test
    void liveNativeMemoryStaysFlatOverManyEpochsWithWorkers() throws InterruptedException {
        Backend cpu = Backends.cpu();
        Generator g = new Generator(3);
        try (Tensor images = Tensor.randint(0, 256, g, 256, 1, 28, 28).to(DType.UINT8);
             Tensor labels = Tensor.randint(0, 10, g, 256)) {
            Transform augment = new ToDtype(DType.FLOAT32, true)
                    .andThen(new RandomCrop(28, 2))
                    .andThen(new RandomRotation(10))
                    .andThen(new RandomHorizontalFlip())
                    .andThen(new Normalize(0.1307, 0.3081));
            Dataset<Tensor[]> train = new TensorDataset(images, labels).map(s -> new Tensor[] {augment.apply(s[0]), s[1]});
            DataLoader<Tensor[]> loader = DataLoader.of(train, 16).shuffle(true).seed(1).numWorkers(2);

            consume(loader, Integer.MAX_VALUE); // warm-up epoch: allocator caches fill
            long baseline = cpu.liveBytes();
            long peak = baseline;
            int batches = 0;
            for (int epoch = 0; epoch < 20; epoch++) {
                for (Tensor[] b : loader) {
                    assertEquals(16, b[0].size(0));
                    for (Tensor t : b) {
                        t.close();
                    }
                    batches++;
                    peak = Math.max(peak, cpu.liveBytes());
                }
                assertTrue(cpu.liveBytes() <= baseline + BOUND_BYTES, "after epoch " + epoch + ": live native bytes "
                        + cpu.liveBytes() + ", " + baseline + " after the warm-up epoch");
            }
            assertEquals(320, batches);
            // while running, at most the prefetched batches and those being made are alive
            assertTrue(peak <= baseline + 16 * 50_176L * 8, "peak " + peak + " vs baseline " + baseline);

            // a closed iterator frees the batches its workers had prefetched
            try (BatchIterator<Tensor[]> it = loader.iterator()) {
                consumeOne(it);
                Thread.sleep(100); // let the workers fill the prefetch queue
            }
            assertTrue(cpu.liveBytes() <= baseline + BOUND_BYTES, "after close: " + cpu.liveBytes() + " vs " + baseline);

            // so does a dropped one, once the GC finds it
            consume(loader, 1);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (cpu.liveBytes() > baseline + BOUND_BYTES && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertTrue(cpu.liveBytes() <= baseline + BOUND_BYTES, "after dropping an iterator: " + cpu.liveBytes() + " vs "
                    + baseline);
        }
    }

    private static void consume(DataLoader<Tensor[]> loader, int batches) {
        int n = 0;
        for (Tensor[] b : loader) {
            for (Tensor t : b) {
                t.close();
            }
            if (++n == batches) {
                break;
            }
        }
    }

    private static void consumeOne(BatchIterator<Tensor[]> it) {
        for (Tensor t : it.next()) {
            t.close();
        }
    }
}
