package org.vesalius.rnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Packing and padding of variable-length batches, as {@code torch.nn.utils.rnn}:
 * <pre>{@code
 * PackedSequence packed = RNNUtils.packPaddedSequence(embedded, lengths, true, false);
 * PackedRNNResult r = lstm.forward(packed, null, null);          // states at each sequence's end
 * RNNUtils.Padded out = RNNUtils.padPackedSequence(r.output(), true, 0, -1);
 * }</pre>
 */
public final class RNNUtils {
    private RNNUtils() {
    }

    /** A padded batch and each sequence's length (int64), as {@code pad_packed_sequence} returns. */
    public record Padded(Tensor padded, Tensor lengths) {
    }

    /**
     * Packs a padded batch {@code [T, N, *]} ({@code [N, T, *]} with {@code batchFirst}) whose
     * sequence i has {@code lengths[i]} valid steps (1 to T).
     *
     * @param enforceSorted require lengths in decreasing order (PyTorch's default); false sorts the
     *                      batch (stably) and remembers the order
     */
    public static PackedSequence packPaddedSequence(Tensor input, long[] lengths, boolean batchFirst,
                                                    boolean enforceSorted) {
        String op = "packPaddedSequence";
        if (input.dim() < 2) {
            throw new IllegalArgumentException(op + ": input must be at least 2-D ([T, N, *] or [N, T, *]), got shape "
                    + Arrays.toString(input.shape()));
        }
        Tensor x = batchFirst ? input.transpose(0, 1) : input;
        int steps = x.size(0);
        int n = x.size(1);
        if (lengths.length != n) {
            throw new IllegalArgumentException(op + ": " + lengths.length + " lengths for a batch of " + n + " sequences");
        }
        for (int i = 0; i < n; i++) {
            if (lengths[i] < 1 || lengths[i] > steps) {
                throw new IllegalArgumentException(op + ": length " + lengths[i] + " of sequence " + i
                        + " is outside 1.." + steps + " (zero-length sequences cannot be packed)");
            }
            if (enforceSorted && i > 0 && lengths[i] > lengths[i - 1]) {
                throw new IllegalArgumentException(op + ": lengths must be sorted in decreasing order when enforceSorted "
                        + "is true (sequence " + i + " has " + lengths[i] + " > " + lengths[i - 1]
                        + "); pass enforceSorted=false to have them sorted");
            }
        }
        Tensor sorted = null;
        Tensor unsorted = null;
        long[] len = lengths.clone();
        if (!enforceSorted) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(lengths[b], lengths[a]));
            long[] idx = new long[n];
            long[] inv = new long[n];
            for (int i = 0; i < n; i++) {
                idx[i] = order[i];
                inv[order[i]] = i;
                len[i] = lengths[order[i]];
            }
            sorted = Tensor.of(idx, n);
            unsorted = Tensor.of(inv, n);
            x = x.indexSelect(1, sorted);
        }
        int maxLen = (int) len[0];
        int[] batchSizes = new int[maxLen];
        for (long l : len) {
            for (int t = 0; t < l; t++) {
                batchSizes[t]++;
            }
        }
        Tensor[] rows = new Tensor[maxLen];
        for (int t = 0; t < maxLen; t++) {
            rows[t] = x.select(0, t).narrow(0, 0, batchSizes[t]);
        }
        return new PackedSequence(Tensor.cat(0, rows), batchSizes, sorted, unsorted);
    }

    /** {@link #packPaddedSequence(Tensor, long[], boolean, boolean)} with lengths as an integer tensor. */
    public static PackedSequence packPaddedSequence(Tensor input, Tensor lengths, boolean batchFirst,
                                                    boolean enforceSorted) {
        if (lengths.dim() != 1 || lengths.dtype().isFloatingPoint() || lengths.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("packPaddedSequence: lengths must be a 1-D integer tensor, got "
                    + lengths.dtype() + " of shape " + Arrays.toString(lengths.shape()));
        }
        return packPaddedSequence(input, lengths.toLongArray(), batchFirst, enforceSorted);
    }

    /**
     * Unpacks to {@code [T, N, *]} ({@code [N, T, *]} with {@code batchFirst}) in the original batch order,
     * {@code paddingValue} past each sequence's end; {@code totalLength > 0} pads T up to it.
     */
    public static Padded padPackedSequence(PackedSequence packed, boolean batchFirst, double paddingValue,
                                           int totalLength) {
        Tensor x = packed.paddedTimeMajor(paddingValue);
        int steps = x.size(0);
        if (totalLength > 0) {
            if (totalLength < steps) {
                throw new IllegalArgumentException("padPackedSequence: totalLength " + totalLength
                        + " is less than the longest sequence, " + steps);
            }
            if (totalLength > steps) {
                int[] shape = x.shape();
                shape[0] = totalLength - steps;
                x = Tensor.cat(0, x, Tensor.full(x.dtype(), x.device(), paddingValue, shape));
            }
        }
        int[] sortedLen = packed.sortedLengths();
        long[] len = new long[sortedLen.length];
        Tensor unsorted = packed.unsortedIndices();
        if (unsorted != null) {
            x = x.indexSelect(1, unsorted);
            long[] inv = unsorted.toLongArray();
            for (int i = 0; i < len.length; i++) {
                len[i] = sortedLen[(int) inv[i]];
            }
        } else {
            for (int i = 0; i < len.length; i++) {
                len[i] = sortedLen[i];
            }
        }
        return new Padded(batchFirst ? x.transpose(0, 1) : x, Tensor.of(len, len.length));
    }

    /** Pads {@code [L_i, *]} tensors with {@code paddingValue} into {@code [maxL, N, *]} ({@code [N, maxL, *]} batch first). */
    public static Tensor padSequence(List<Tensor> sequences, boolean batchFirst, double paddingValue) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("padSequence: no sequences");
        }
        int maxLen = 0;
        for (Tensor s : sequences) {
            if (s.dim() < 1) {
                throw new IllegalArgumentException("padSequence: every sequence must be at least 1-D, got a 0-D tensor");
            }
            maxLen = Math.max(maxLen, s.size(0));
        }
        List<Tensor> padded = new ArrayList<>();
        for (Tensor s : sequences) {
            if (s.size(0) < maxLen) {
                int[] shape = s.shape();
                shape[0] = maxLen - s.size(0);
                s = Tensor.cat(0, s, Tensor.full(s.dtype(), s.device(), paddingValue, shape));
            }
            padded.add(s);
        }
        return Tensor.stack(padded, batchFirst ? 0 : 1);
    }

    /** Packs {@code [L_i, *]} tensors (see {@link #packPaddedSequence}). */
    public static PackedSequence packSequence(List<Tensor> sequences, boolean enforceSorted) {
        long[] lengths = new long[sequences.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = sequences.get(i).dim() == 0 ? 0 : sequences.get(i).size(0);
        }
        return packPaddedSequence(padSequence(sequences, false, 0), lengths, false, enforceSorted);
    }
}
