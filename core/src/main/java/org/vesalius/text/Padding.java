package org.vesalius.text;

import java.util.List;
import org.vesalius.tensor.Tensor;

/** Padding and truncation of token-id sequences into one batch tensor, like {@code pad_sequence}. */
public final class Padding {
    private Padding() {
    }

    /** Pads every sequence on the right with {@code padId} to the longest one's length. */
    public static PaddedBatch pad(List<int[]> sequences, int padId) {
        return pad(sequences, padId, Integer.MAX_VALUE, false);
    }

    /**
     * Pads on the right to the longest length, at most {@code maxLength}; a longer sequence keeps its
     * first {@code maxLength} ids, or its last ones with {@code keepLast} (the end of a review often
     * carries its verdict). Lengths are after truncation; an empty sequence has length 0.
     */
    public static PaddedBatch pad(List<int[]> sequences, int padId, int maxLength, boolean keepLast) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("Padding.pad: no sequences");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("Padding.pad: maxLength must be at least 1, got " + maxLength);
        }
        int n = sequences.size();
        int len = 0;
        for (int[] s : sequences) {
            if (s == null) {
                throw new IllegalArgumentException("Padding.pad: a sequence is null");
            }
            len = Math.max(len, Math.min(s.length, maxLength));
        }
        if ((long) n * len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Padding.pad: " + n + " sequences of length " + len
                    + " are more than 2^31-1 ids; pad smaller batches");
        }
        long[] ids = new long[n * len];
        long[] lengths = new long[n];
        for (int i = 0; i < n; i++) {
            int[] s = sequences.get(i);
            int keep = Math.min(s.length, len);
            int from = keepLast ? s.length - keep : 0;
            for (int j = 0; j < len; j++) {
                ids[i * len + j] = j < keep ? s[from + j] : padId;
            }
            lengths[i] = keep;
        }
        return new PaddedBatch(Tensor.of(ids, n, len), Tensor.of(lengths, n));
    }
}
