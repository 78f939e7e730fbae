package org.vesalius.data;

/**
 * The samples of a dataset at given indices, in that order, like {@code torch.utils.data.Subset}.
 * Sample i of the subset is sample {@code indices[i]} of the dataset.
 */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> dataset;
    private final int[] indices;

    /** Every index must lie in {@code [0, dataset.size())}; repeats are allowed. */
    public Subset(Dataset<T> dataset, int[] indices) {
        if (dataset == null || indices == null) {
            throw new IllegalArgumentException("Subset: dataset and indices must not be null");
        }
        int n = dataset.size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IllegalArgumentException("Subset: indices[" + i + "] = " + indices[i]
                        + " is out of range for a dataset of size " + n);
            }
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public T get(int index) {
        return dataset.get(indices[Dataset.checkIndex(index, indices.length)]);
    }

    /** The underlying dataset. */
    public Dataset<T> dataset() {
        return dataset;
    }

    /** The indices into the underlying dataset (a copy). */
    public int[] indices() {
        return indices.clone();
    }
}
