package org.vesalius.data;

import java.util.List;
import java.util.function.Function;

/**
 * A sized collection of samples read by index, like {@code torch.utils.data.Dataset} with
 * {@code __len__}: {@link DataLoader} draws batches from it.
 *
 * <p>Ownership: tensors returned by {@link #get} belong to the caller. Return new tensors or views
 * (a view's {@code close()} only drops its reference to shared memory), never a tensor the dataset
 * itself keeps and would miss if it were closed. A {@link DataLoader} frees the samples once they
 * are collated into a batch.
 *
 * @param <T> the sample type, e.g. {@code Tensor[]} of (input, target)
 */
public interface Dataset<T> {
    /** Number of samples. */
    int size();

    /**
     * Sample {@code index}, for {@code 0 <= index < size()}; other indices throw an
     * {@link IllegalArgumentException} naming the index and the size (see {@link #checkIndex}).
     */
    T get(int index);

    /**
     * The elements of {@code samples} as a dataset, like handing a Python list to PyTorch's
     * {@code DataLoader}: e.g. records of token ids and a label, batched by a custom collate function.
     * The list is read, not copied, so it must not change size while a loader reads it; its elements are
     * handed out as they are, so a collate function must not close tensors they hold (for tensors, prefer
     * {@link TensorDataset}).
     */
    static <T> Dataset<T> of(List<? extends T> samples) {
        if (samples == null) {
            throw new IllegalArgumentException("Dataset.of: samples is null");
        }
        return new Dataset<T>() {
            @Override
            public int size() {
                return samples.size();
            }

            @Override
            public T get(int index) {
                return samples.get(checkIndex(index, samples.size()));
            }
        };
    }

    /**
     * This dataset with {@code f} applied to each sample as it is read (lazily, on the thread that
     * reads it, so transforms run on a loader's workers). The view has the same size.
     */
    default <R> Dataset<R> map(Function<? super T, ? extends R> f) {
        Dataset<T> source = this;
        return new Dataset<R>() {
            @Override
            public int size() {
                return source.size();
            }

            @Override
            public R get(int index) {
                return f.apply(source.get(index));
            }
        };
    }

    /**
     * Throws an {@link IllegalArgumentException} naming the index and size unless
     * {@code 0 <= index < size}; returns {@code index}. For implementations of {@link #get}.
     */
    static int checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("Dataset.get: index " + index + " is out of range for a dataset of size "
                    + size + " (valid: 0 to " + (size - 1) + ")");
        }
        return index;
    }
}
