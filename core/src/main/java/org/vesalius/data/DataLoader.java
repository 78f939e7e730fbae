package org.vesalius.data;

import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Batches of a {@link Dataset}, like {@code torch.utils.data.DataLoader}: each {@link #iterator()}
 * is one epoch.
 * <pre>{@code
 * var loader = DataLoader.of(new TensorDataset(images, labels), 64).shuffle(true).seed(7).numWorkers(2);
 * for (Tensor[] batch : loader) {          // batch[0]: [64, 1, 28, 28], batch[1]: [64]
 *     try (var s = Scope.open()) { ... }   // the training step
 *     for (Tensor t : batch) t.close();    // batches belong to the consumer
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Without shuffle, batch k holds samples {@code k*batchSize ..}. With shuffle, the
 * order is a permutation drawn from {@code (seed, epoch)}: the same for any number of workers, new
 * each epoch, and reproduced by {@link #setEpoch} when a run resumes. Random transforms that draw from
 * {@link #generator()} are seeded the same way per batch, so augmentation reproduces too.
 *
 * <p><b>Workers.</b> With {@code numWorkers(n > 0)}, n daemon threads load and collate batches while
 * the consumer trains, at most {@link #prefetch(int) prefetch} batches ahead; batch k is still the k-th
 * yielded. The dataset's {@code get} and the collate function are then called from several threads
 * at once, so they must be safe for that (reading shared tensors is). A failure while loading batch
 * k is rethrown by the k-th {@code next()} with the batch index and sample indices in the message and
 * the original exception as cause. The threads end with the epoch, or when its {@link BatchIterator}
 * is closed or becomes unreachable.
 *
 * <p><b>Memory.</b> Loading runs under {@link NoGrad} inside a {@link Scope}: samples and collate
 * intermediates are freed as soon as the batch is made. The batch's tensors are in no scope and
 * belong to the consumer, who closes them. The loader finds them in a tensor, an array, an
 * {@link Iterable}, a {@link java.util.Map} or a record, nested; a custom collate returning another type
 * must {@link Scope#untrack} its tensors itself, and such a batch is freed, when an abandoned epoch
 * drops it, by its {@code close()} if it is {@link AutoCloseable}.
 *
 * @param <B> the batch type, {@code Tensor[]} for {@link #of}
 */
public final class DataLoader<B> implements Iterable<B> {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ThreadLocal<Generator> BATCH_GENERATOR = new ThreadLocal<>();

    private final Dataset<?> dataset;
    private final int batchSize;
    private final Function<int[], B> load;
    private final int id = IDS.incrementAndGet();
    private boolean shuffle;
    private Long seed;
    private boolean dropLast;
    private int numWorkers;
    private int prefetch;
    private int epoch;
    private BatchSampler batchSampler;

    /**
     * Batches of {@code batchSize} samples made by {@code collate}, which gets the samples in order
     * and returns the batch (whose tensors the consumer will own).
     */
    public <S> DataLoader(Dataset<S> dataset, int batchSize, Function<List<S>, B> collate) {
        this(dataset, batchSize, indices -> {
            if (collate == null) {
                throw new IllegalArgumentException("DataLoader: collate is null");
            }
            List<S> samples = new ArrayList<>(indices.length);
            for (int i : indices) {
                samples.add(dataset.get(i));
            }
            return collate.apply(samples);
        }, collate == null);
    }

    private DataLoader(Dataset<?> dataset, int batchSize, Function<int[], B> load, boolean nullCollate) {
        if (dataset == null) {
            throw new IllegalArgumentException("DataLoader: dataset is null");
        }
        if (nullCollate) {
            throw new IllegalArgumentException("DataLoader: collate is null; use DataLoader.of for the default stacking");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("DataLoader: batchSize must be at least 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.load = load;
    }

    /**
     * Batches of samples of tensors, collated by {@link Collate#stack}: field j of the batch stacks
     * field j of the samples along a new dim 0. A {@link TensorDataset} is gathered with one index
     * op per tensor instead of per-sample views.
     */
    public static DataLoader<Tensor[]> of(Dataset<Tensor[]> dataset, int batchSize) {
        if (dataset instanceof TensorDataset) {
            TensorDataset td = (TensorDataset) dataset;
            return new DataLoader<>(td, batchSize, td::batch, false);
        }
        return new DataLoader<>(dataset, batchSize, Collate::stack);
    }

    /**
     * Batches chosen by {@code sampler} (e.g. a {@link BucketBatchSampler} grouping sequences of similar
     * length) instead of the (shuffled) order cut into runs of {@code batchSize}; {@code shuffle} and
     * {@code dropLast} are then the sampler's business. Null restores the default.
     */
    public DataLoader<B> batchSampler(BatchSampler sampler) {
        this.batchSampler = sampler;
        return this;
    }

    /** Whether each epoch visits the samples in a new seeded random order (default false). */
    public DataLoader<B> shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /**
     * Seed of the shuffle order and of {@link #generator()} during loading. Without one, the first
     * epoch draws a seed from the default generator of the thread that starts it (so a
     * {@code Tensor.manualSeed} on that thread fixes it).
     */
    public DataLoader<B> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Whether to drop the last batch when it has fewer than {@code batchSize} samples (default false). */
    public DataLoader<B> dropLast(boolean dropLast) {
        this.dropLast = dropLast;
        return this;
    }

    /** Number of loader threads; 0 (the default) loads on the consumer's thread in {@code next()}. */
    public DataLoader<B> numWorkers(int numWorkers) {
        if (numWorkers < 0) {
            throw new IllegalArgumentException("DataLoader: numWorkers must be 0 or more, got " + numWorkers);
        }
        this.numWorkers = numWorkers;
        return this;
    }

    /**
     * The most batches loaded (or being loaded) ahead of the consumer, for all workers together;
     * bounds the memory of prefetching. Default {@code 2 * numWorkers}. Ignored without workers.
     */
    public DataLoader<B> prefetch(int batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("DataLoader: prefetch must be at least 1 batch, got " + batches);
        }
        this.prefetch = batches;
        return this;
    }

    /** Sets the epoch the next {@link #iterator()} runs (its shuffle order), e.g. when resuming a run. */
    public DataLoader<B> setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch must be 0 or more, got " + epoch);
        }
        this.epoch = epoch;
        return this;
    }

    /** The epoch the next {@link #iterator()} runs: the number of epochs started, unless {@link #setEpoch} said otherwise. */
    public int epoch() {
        return epoch;
    }

    /** The seed in use (drawing it from the default generator if none was set). */
    public long seed() {
        if (seed == null) {
            seed = (long) (Generator.defaultGenerator().nextDouble() * 0x1p53);
        }
        return seed;
    }

    /**
     * Batches per epoch, like {@code len(loader)}: {@code ceil(size / batchSize)}, or floor with dropLast;
     * with a {@link #batchSampler}, the number it gives for the next epoch.
     */
    public int size() {
        int n = dataset.size();
        if (batchSampler != null) {
            return batchSampler.batches(n, epoch, seed()).length;
        }
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public Dataset<?> dataset() {
        return dataset;
    }

    /**
     * The generator random transforms should draw from: while a loader makes batch k of an epoch, one
     * seeded from (seed, epoch, k), on whichever thread makes it; elsewhere the calling thread's default
     * generator. Transforms that draw from it are repeatable with workers; ones that call
     * {@code Tensor.rand} and the like draw from the worker thread's own default stream instead, which
     * is not.
     */
    public static Generator generator() {
        Generator g = BATCH_GENERATOR.get();
        return g != null ? g : Generator.defaultGenerator();
    }

    /** The sample order of epoch {@code epoch}: a seeded permutation with shuffle, else 0..size-1. */
    public int[] order(int epoch) {
        int n = dataset.size();
        if (shuffle) {
            return Datasets.permutation(n, new Generator(Generator.mix(seed(), epoch)));
        }
        return Datasets.range(n);
    }

    /** Starts the next epoch (see {@link #epoch()}), with workers if any were asked for. */
    @Override
    public BatchIterator<B> iterator() {
        int e = epoch++;
        return new Epoch<>(this, e, batches(e));
    }

    /** The sample indices of every batch of {@code epoch}. */
    private int[][] batches(int epoch) {
        if (batchSampler != null) {
            int n = dataset.size();
            int[][] b = batchSampler.batches(n, epoch, seed());
            for (int[] batch : b) {
                for (int i : batch) {
                    if (i < 0 || i >= n) {
                        throw new IllegalArgumentException("DataLoader: the batch sampler gave sample index " + i
                                + " for a dataset of " + n);
                    }
                }
            }
            return b;
        }
        int[] order = order(epoch);
        int count = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
        int[][] b = new int[count][];
        for (int k = 0; k < count; k++) {
            int from = k * batchSize;
            b[k] = Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length));
        }
        return b;
    }

    /** Loads batch k of an epoch on the calling thread; failures come back in the outcome. */
    private Workers.Outcome<B> loadBatch(int epoch, int k, int[] indices, long batchSeed) {
        Generator previous = BATCH_GENERATOR.get();
        BATCH_GENERATOR.set(new Generator(Generator.mix(batchSeed, k)));
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            B batch = load.apply(indices);
            if (batch == null) {
                throw new IllegalStateException("the collate function returned null");
            }
            BatchTensors.untrack(batch);
            return new Workers.Outcome<>(batch, null);
        } catch (RuntimeException | Error e) {
            return new Workers.Outcome<>(null, failure(epoch, k, indices, e));
        } finally {
            BATCH_GENERATOR.set(previous);
        }
    }

    /** The exception the consumer sees: same kind where it matters, with the batch named. */
    private RuntimeException failure(int epoch, int k, int[] indices, Throwable cause) {
        String samples = indices.length <= 8 ? Arrays.toString(indices)
                : Arrays.toString(Arrays.copyOf(indices, 8)).replace("]", ", ...]");
        String msg = "DataLoader: loading batch " + k + " of epoch " + epoch + " (samples " + samples + ") on thread "
                + Thread.currentThread().getName() + " failed: " + cause;
        if (cause instanceof IllegalArgumentException) {
            return new IllegalArgumentException(msg, cause);
        }
        if (cause instanceof UncheckedIOException) {
            return new UncheckedIOException(msg, ((UncheckedIOException) cause).getCause());
        }
        if (cause instanceof IllegalStateException) {
            return new IllegalStateException(msg, cause);
        }
        return new RuntimeException(msg, cause);
    }

    /** One epoch; holds no reference the workers could use to keep it reachable. */
    private static final class Epoch<B> implements BatchIterator<B> {
        private final DataLoader<B> loader;
        private final int epoch;
        private final int[][] indices;
        private final int batches;
        private final long batchSeed;
        private final Workers<B> workers;
        private final Cleaner.Cleanable cleanable;
        private int next;
        private boolean closed;

        Epoch(DataLoader<B> loader, int epoch, int[][] indices) {
            this.loader = loader;
            this.epoch = epoch;
            this.indices = indices;
            this.batches = indices.length;
            this.batchSeed = Generator.mix(loader.seed(), epoch);
            if (loader.numWorkers > 0 && batches > 0) {
                int prefetch = loader.prefetch > 0 ? loader.prefetch : 2 * loader.numWorkers;
                int[][] idx = indices;
                int ep = epoch;
                long seed = batchSeed;
                // the lambda captures the loader and the batches, never this iterator
                workers = new Workers<>("vesalius-data-" + loader.id + "-e" + epoch, Math.min(loader.numWorkers, batches),
                        prefetch, batches, k -> loader.loadBatch(ep, k, idx[k].clone(), seed));
                cleanable = CLEANER.register(this, workers::shutdown);
            } else {
                workers = null;
                cleanable = null;
            }
        }

        @Override
        public boolean hasNext() {
            return !closed && next < batches;
        }

        @Override
        public B next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed ? "DataLoader: this epoch's iterator was closed"
                        : "DataLoader: epoch " + epoch + " has only " + batches + " batches");
            }
            int k = next++;
            Workers.Outcome<B> o = workers != null ? workers.take(k)
                    : loader.loadBatch(epoch, k, indices[k].clone(), batchSeed);
            if (o.error() != null) {
                close();
                throw o.error();
            }
            if (next == batches) {
                close();
            }
            return o.batch();
        }

        @Override
        public int nextIndex() {
            return next;
        }

        @Override
        public void close() {
            closed = true;
            if (cleanable != null) {
                cleanable.clean();
            }
        }

        @Override
        public String toString() {
            return "DataLoader epoch " + epoch + ", batch " + next + " of " + batches;
        }
    }
}
