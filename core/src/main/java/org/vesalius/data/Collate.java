package org.vesalius.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vesalius.tensor.Tensor;

/**
 * Collate functions: how a {@link DataLoader} turns a list of samples into one batch.
 */
public final class Collate {
    private Collate() {
    }

    /**
     * The default collate, like PyTorch's for tuples of tensors: field j of the batch is field j of
     * every sample stacked along a new dim 0. Samples of shapes {@code {[C, H, W], []}} give
     * {@code {[N, C, H, W], [N]}} (0-dim scalars stack to a vector). Every sample must have the same
     * number of fields, and field j the same shape in every sample. The samples are not closed.
     */
    public static Tensor[] stack(List<Tensor[]> samples) {
        if (samples == null || samples.isEmpty()) {
            throw new IllegalArgumentException("Collate.stack: expected at least one sample");
        }
        int width = fields(samples, 0).length;
        for (int i = 1; i < samples.size(); i++) {
            if (fields(samples, i).length != width) {
                throw new IllegalArgumentException("Collate.stack: sample 0 has " + width + " tensors but sample " + i
                        + " has " + samples.get(i).length + "; every sample needs the same number");
            }
        }
        Tensor[] batch = new Tensor[width];
        List<Tensor> column = new ArrayList<>(samples.size());
        for (int j = 0; j < width; j++) {
            column.clear();
            int[] first = null;
            for (int i = 0; i < samples.size(); i++) {
                Tensor t = samples.get(i)[j];
                if (t == null) {
                    throw new IllegalArgumentException("Collate.stack: tensor " + j + " of sample " + i + " is null");
                }
                if (first == null) {
                    first = t.shape();
                } else if (!Arrays.equals(first, t.shape())) {
                    throw new IllegalArgumentException("Collate.stack: tensor " + j + " has shape " + Arrays.toString(first)
                            + " in sample 0 but " + Arrays.toString(t.shape()) + " in sample " + i
                            + "; samples of different shapes need a custom collate (e.g. padding)");
                }
                column.add(t);
            }
            batch[j] = Tensor.stack(column, 0);
        }
        return batch;
    }

    private static Tensor[] fields(List<Tensor[]> samples, int i) {
        Tensor[] s = samples.get(i);
        if (s == null) {
            throw new IllegalArgumentException("Collate.stack: sample " + i + " is null");
        }
        return s;
    }
}
