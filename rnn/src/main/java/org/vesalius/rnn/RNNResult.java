package org.vesalius.rnn;

import org.vesalius.tensor.Tensor;

/**
 * What a recurrent layer returns for a padded batch: {@code output [L, N, D*out]} (batch first when the
 * layer is), the final hidden states {@code h [numLayers*D, N, out]} and, for an LSTM, the final cell
 * states {@code c [numLayers*D, N, hidden]} (null otherwise). Unbatched input drops the N dims.
 */
public record RNNResult(Tensor output, Tensor h, Tensor c) {
}
