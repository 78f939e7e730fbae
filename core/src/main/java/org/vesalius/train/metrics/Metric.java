package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * A quantity accumulated over batches, like torchmetrics' {@code Metric} or a Keras metric: call
 * {@link #update} with each batch's model output and target, read {@link #compute()} at the end of an
 * epoch, then {@link #reset()}. The value over the whole data equals the value computed on all samples at
 * once (not a mean of per-batch values), so it does not depend on how the data is batched.
 *
 * <p>A metric copies what it needs out of the tensors it is given (a few numbers per sample) and keeps no
 * tensor, so updating it inside a per-step {@code Scope} is safe. Output and target are only read; they
 * may require grad. Shapes each metric accepts are in its documentation; a mismatch, a label out of range
 * or a differing batch size is an {@link IllegalArgumentException} naming the metric and the shapes.
 * A metric is used from one thread at a time.
 */
public interface Metric {
    /** The key under which the value is logged ({@code "accuracy"}, {@code "f1"}, ...). */
    String name();

    /**
     * Adds one batch.
     *
     * @param output the model's output for the batch (first dimension: the samples)
     * @param target the expected values for the batch (same number of samples)
     */
    void update(Tensor output, Tensor target);

    /**
     * The value over every sample since the last {@link #reset()}. NaN when it is undefined (nothing
     * seen yet, or an ROC-AUC with a single class present).
     */
    double compute();

    /** Forgets every batch seen. */
    void reset();
}
