package org.vesalius.rnn;

import org.vesalius.tensor.Tensor;

/**
 * What a recurrent layer returns for a {@link PackedSequence}: the packed output (same batch sizes
 * and order as the input), and the final states {@code h} and (LSTM) {@code c} taken at each
 * sequence's own end, in the batch's original order.
 */
public record PackedRNNResult(PackedSequence output, Tensor h, Tensor c) {
}
