package org.vesalius.rnn;

import java.util.function.Supplier;
import org.vesalius.tensor.Tensor;

/**
 * What a recurrent layer returns for a {@link PackedSequence}: the packed output (same batch sizes
 * and order as the input), and the final states {@code h} and (LSTM) {@code c} taken at each
 * sequence's own end, in the batch's original order.
 *
 * <p>On the fused kernel the LSTM's final {@code c} is not one of the kernel's results for rows that
 * end early, so it is computed from the layer's outputs the first time {@link #c()} is called
 * (classifiers that use only {@code h} never pay for it). Call it while the step's tensors are open.
 */
public final class PackedRNNResult {
    private final PackedSequence output;
    private final Tensor h;
    private final Supplier<Tensor> c;
    private Tensor cValue;

    PackedRNNResult(PackedSequence output, Tensor h, Supplier<Tensor> c) {
        this.output = output;
        this.h = h;
        this.c = c;
    }

    /** The packed output {@code [sum of lengths, D*out]}. */
    public PackedSequence output() {
        return output;
    }

    /** Final hidden states {@code [numLayers*D, N, out]}. */
    public Tensor h() {
        return h;
    }

    /** Final cell states {@code [numLayers*D, N, hidden]} (LSTM), or null for RNN and GRU. */
    public Tensor c() {
        if (cValue == null && c != null) {
            cValue = c.get();
        }
        return cValue;
    }
}
