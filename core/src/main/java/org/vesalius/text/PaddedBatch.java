package org.vesalius.text;

import org.vesalius.tensor.Tensor;

/**
 * Token ids padded to one length: {@code tokens [N, L]} int64 and each sequence's own length
 * {@code lengths [N]} int64 (what an RNN needs to stop at a sequence's end). Closing it closes both.
 */
public record PaddedBatch(Tensor tokens, Tensor lengths) implements AutoCloseable {
    @Override
    public void close() {
        tokens.close();
        lengths.close();
    }
}
