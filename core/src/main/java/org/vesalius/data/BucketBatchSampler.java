package org.vesalius.data;

import java.util.Arrays;
import org.vesalius.tensor.Generator;

/**
 * Batches of samples of similar length, so that padding a batch to its longest member wastes little
 * (torchtext's bucket iterator): each epoch shuffles the samples, takes them in pools of
 * {@code batchSize * poolBatches}, sorts each pool by length, cuts it into batches, and shuffles the
 * order of all batches. Seeded by the loader's seed and the epoch, so runs repeat.
 * <pre>{@code
 * var loader = new DataLoader<>(reviews, 32, collate)
 *         .batchSampler(new BucketBatchSampler(lengths, 32, 50, false)).seed(7);
 * }</pre>
 */
public final class BucketBatchSampler implements BatchSampler {
    private final int[] lengths;
    private final int batchSize;
    private final int poolBatches;
    private final boolean dropLast;

    /**
     * @param lengths     each sample's length (e.g. its token count), indexed like the dataset
     * @param poolBatches how many batches' worth of samples are sorted together: 1 is no sorting, a
     *                    large value sorts the whole epoch (least padding, least randomness)
     * @param dropLast    drop the incomplete batch each pool may end with
     */
    public BucketBatchSampler(int[] lengths, int batchSize, int poolBatches, boolean dropLast) {
        if (batchSize < 1 || poolBatches < 1) {
            throw new IllegalArgumentException("BucketBatchSampler: batchSize and poolBatches must be at least 1, got "
                    + batchSize + " and " + poolBatches);
        }
        this.lengths = lengths.clone();
        this.batchSize = batchSize;
        this.poolBatches = poolBatches;
        this.dropLast = dropLast;
    }

    @Override
    public int[][] batches(int datasetSize, int epoch, long seed) {
        if (datasetSize != lengths.length) {
            throw new IllegalArgumentException("BucketBatchSampler: " + lengths.length + " lengths for a dataset of "
                    + datasetSize + " samples");
        }
        Generator g = new Generator(Generator.mix(seed, epoch));
        int[] order = Datasets.permutation(datasetSize, g);
        int pool = (int) Math.min((long) batchSize * poolBatches, Math.max(datasetSize, 1));
        int[][] out = new int[(datasetSize + batchSize - 1) / batchSize + datasetSize / pool + 1][];
        int count = 0;
        for (int from = 0; from < datasetSize; from += pool) {
            int to = Math.min(from + pool, datasetSize);
            Integer[] members = new Integer[to - from];
            for (int i = from; i < to; i++) {
                members[i - from] = order[i];
            }
            // stable: equal lengths keep their shuffled order
            Arrays.sort(members, (a, b) -> Integer.compare(lengths[a], lengths[b]));
            for (int b = 0; b < members.length; b += batchSize) {
                int end = Math.min(b + batchSize, members.length);
                if (dropLast && end - b < batchSize) {
                    break;
                }
                int[] batch = new int[end - b];
                for (int i = b; i < end; i++) {
                    batch[i - b] = members[i];
                }
                out[count++] = batch;
            }
        }
        int[][] batches = Arrays.copyOf(out, count);
        int[] batchOrder = Datasets.permutation(count, g);
        int[][] shuffled = new int[count][];
        for (int i = 0; i < count; i++) {
            shuffled[i] = batches[batchOrder[i]];
        }
        return shuffled;
    }
}
