package org.vesalius.data;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * Samples that are rows of tensors sharing their first dimension, like
 * {@code torch.utils.data.TensorDataset}: {@code new TensorDataset(images, labels)} with images
 * {@code [N, 1, 28, 28]} and labels {@code [N]} has N samples, sample i being
 * {@code {images[i], labels[i]}} ({@code [1, 28, 28]} and a 0-dim scalar).
 *
 * <p>The dataset does not own the tensors: close them yourself when done. {@link #get} returns views
 * (no copy), which the caller may close without affecting the dataset.
 */
public final class TensorDataset implements Dataset<Tensor[]> {
    private final Tensor[] tensors;
    private final int size;

    /** The tensors (at least one) must have at least one dimension and the same size of dim 0. */
    public TensorDataset(Tensor... tensors) {
        if (tensors == null || tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset: expected at least one tensor");
        }
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] == null) {
                throw new IllegalArgumentException("TensorDataset: tensor " + i + " is null");
            }
            if (tensors[i].dim() == 0) {
                throw new IllegalArgumentException("TensorDataset: tensor " + i + " is 0-dimensional; every tensor needs "
                        + "a first dimension that indexes the samples");
            }
        }
        int n = tensors[0].size(0);
        for (int i = 1; i < tensors.length; i++) {
            if (tensors[i].size(0) != n) {
                StringBuilder shapes = new StringBuilder();
                for (int j = 0; j < tensors.length; j++) {
                    shapes.append(j == 0 ? "" : ", ").append(Arrays.toString(tensors[j].shape()));
                }
                throw new IllegalArgumentException("TensorDataset: tensors must have the same size in dim 0, got shapes "
                        + shapes);
            }
        }
        this.tensors = tensors.clone();
        this.size = n;
    }

    @Override
    public int size() {
        return size;
    }

    /** Row {@code index} of each tensor, as views. */
    @Override
    public Tensor[] get(int index) {
        Dataset.checkIndex(index, size);
        Tensor[] row = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            row[i] = tensors[i].select(0, index);
        }
        return row;
    }

    /**
     * Rows {@code indices} of each tensor gathered into new tensors of shape
     * {@code [indices.length, ...]}: the same as stacking {@link #get} of each index, in one copy per
     * tensor. {@link DataLoader#of} uses it for batches.
     */
    public Tensor[] batch(int[] indices) {
        long[] idx = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            idx[i] = Dataset.checkIndex(indices[i], size);
        }
        Tensor[] out = new Tensor[tensors.length];
        try (Tensor index = Tensor.of(idx)) {
            for (int i = 0; i < tensors.length; i++) {
                out[i] = tensors[i].index(index);
            }
        }
        return out;
    }

    /** Number of tensors per sample. */
    public int tensorCount() {
        return tensors.length;
    }

    /** Tensor {@code i} as given to the constructor (not a copy). */
    public Tensor tensor(int i) {
        return tensors[i];
    }
}
