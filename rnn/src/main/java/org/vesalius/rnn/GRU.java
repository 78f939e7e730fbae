package org.vesalius.rnn;

import org.vesalius.backend.RnnMode;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A gated recurrent unit layer stack, like {@code torch.nn.GRU}: gates r, z, n with
 * {@code n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))} and {@code h' = (1 - z) n + z h}; shapes and
 * parameters as {@link RNNBase}.
 */
public class GRU extends RNNBase {
    /** One layer over {@code [L, N, inputSize]}, from the default generator. */
    public GRU(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, true, false, 0, false, Generator.defaultGenerator());
    }

    /** Stacked layers, optionally batch first and bidirectional, from the default generator. */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean batchFirst, double dropout, boolean bidirectional) {
        this(inputSize, hiddenSize, numLayers, true, batchFirst, dropout, bidirectional, Generator.defaultGenerator());
    }

    /** The full form, PyTorch's arguments in order. */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
               boolean bidirectional, Generator generator) {
        super(RnnMode.GRU, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, generator);
    }

    /** The output and final hidden state from {@code h0} (null: zeros). */
    public RNNResult forward(Tensor input, Tensor h0) {
        return run(input, h0, null);
    }

    /** A packed batch from {@code h0} (null: zeros). */
    public PackedRNNResult forward(PackedSequence input, Tensor h0) {
        return run(input, h0, null);
    }
}
