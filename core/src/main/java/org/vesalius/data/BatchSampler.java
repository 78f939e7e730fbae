package org.vesalius.data;

/**
 * Which samples make up each batch of an epoch, like PyTorch's {@code batch_sampler}: a
 * {@link DataLoader} given one loads batch k from {@code batches(...)[k]} instead of cutting its
 * (shuffled) order into equal runs. Must be a pure function of its arguments, so that epochs repeat
 * and resume exactly.
 */
@FunctionalInterface
public interface BatchSampler {
    /**
     * The sample indices of every batch of {@code epoch}, in the order they are served.
     *
     * @param datasetSize the number of samples
     * @param epoch       the epoch (0 first)
     * @param seed        the loader's seed, for samplers that draw
     */
    int[][] batches(int datasetSize, int epoch, long seed);
}
