package org.vesalius.rnn;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * A batch of variable-length sequences packed time step by time step, as PyTorch's
 * {@code PackedSequence}: {@code data [sum of lengths, *]} holds step 0 of every sequence, then step 1
 * of those still running, and so on, with the sequences sorted by decreasing length;
 * {@code batchSizes[t]} says how many run at step t. {@code sortedIndices} maps sorted position to
 * original batch index ({@code null} when the batch came sorted) and {@code unsortedIndices} is its
 * inverse. Made by {@link RNNUtils#packPaddedSequence} or {@link RNNUtils#packSequence}.
 */
public final class PackedSequence {
    private final Tensor data;
    private final int[] batchSizes;
    private final Tensor sortedIndices;
    private final Tensor unsortedIndices;

    PackedSequence(Tensor data, int[] batchSizes, Tensor sortedIndices, Tensor unsortedIndices) {
        this.data = data;
        this.batchSizes = batchSizes;
        this.sortedIndices = sortedIndices;
        this.unsortedIndices = unsortedIndices;
    }

    /** The packed steps, {@code [sum of lengths, *]}. */
    public Tensor data() {
        return data;
    }

    /** How many sequences run at each step (non-increasing; a copy). */
    public int[] batchSizes() {
        return batchSizes.clone();
    }

    /** Sorted position to original index (int64), or null for a batch packed in its own order. */
    public Tensor sortedIndices() {
        return sortedIndices;
    }

    /** Original index to sorted position (int64), or null. */
    public Tensor unsortedIndices() {
        return unsortedIndices;
    }

    /** Number of sequences. */
    public int batchSize() {
        return batchSizes.length == 0 ? 0 : batchSizes[0];
    }

    /** Length of each sequence in sorted order. */
    int[] sortedLengths() {
        int[] len = new int[batchSize()];
        for (int b : batchSizes) {
            for (int i = 0; i < b; i++) {
                len[i]++;
            }
        }
        return len;
    }

    /** {@code [T, N, *]} in sorted order, {@code fill} where a sequence has ended. Differentiable. */
    Tensor paddedTimeMajor(double fill) {
        int n = batchSize();
        int[] rest = Arrays.copyOfRange(data.shape(), 1, data.dim());
        Tensor[] steps = new Tensor[batchSizes.length];
        int offset = 0;
        for (int t = 0; t < batchSizes.length; t++) {
            int b = batchSizes[t];
            Tensor rows = data.narrow(0, offset, b);
            if (b < n) {
                int[] padShape = new int[rest.length + 1];
                padShape[0] = n - b;
                System.arraycopy(rest, 0, padShape, 1, rest.length);
                rows = Tensor.cat(0, rows, Tensor.full(data.dtype(), data.device(), fill, padShape));
            }
            steps[t] = rows;
            offset += b;
        }
        return Tensor.stack(0, steps);
    }

    /** The active rows of a time-major {@code [T, N, *]} tensor, packed like {@code like}. */
    static PackedSequence fromPaddedTimeMajor(Tensor padded, PackedSequence like) {
        Tensor[] rows = new Tensor[like.batchSizes.length];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = padded.select(0, t).narrow(0, 0, like.batchSizes[t]);
        }
        return new PackedSequence(Tensor.cat(0, rows), like.batchSizes, like.sortedIndices, like.unsortedIndices);
    }

    /** States {@code [S, N, *]} in original batch order to sorted order (null stays null). */
    Tensor sortStates(Tensor states) {
        return states == null || sortedIndices == null ? states : states.indexSelect(1, sortedIndices);
    }

    /** States in sorted order back to the original batch order. */
    Tensor unsortStates(Tensor states) {
        return states == null || unsortedIndices == null ? states : states.indexSelect(1, unsortedIndices);
    }

    @Override
    public String toString() {
        return "PackedSequence(data=" + Arrays.toString(data.shape()) + ", batchSizes=" + Arrays.toString(batchSizes) + ")";
    }
}
