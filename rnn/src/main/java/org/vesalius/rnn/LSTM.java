package org.vesalius.rnn;

import org.vesalius.backend.RnnMode;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A long short-term memory layer stack, like {@code torch.nn.LSTM}: gates i, f, g, o,
 * {@code c' = f c + i g}, {@code h' = o tanh(c')} (times {@code W_hr^T} with {@code projSize > 0});
 * shapes and parameters as {@link RNNBase}.
 */
public class LSTM extends RNNBase {
    /** One layer over {@code [L, N, inputSize]}, from the default generator. */
    public LSTM(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, true, false, 0, false, 0, Generator.defaultGenerator());
    }

    /** Stacked layers, optionally batch first and bidirectional, from the default generator. */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean batchFirst, double dropout, boolean bidirectional) {
        this(inputSize, hiddenSize, numLayers, true, batchFirst, dropout, bidirectional, 0, Generator.defaultGenerator());
    }

    /** The full form, PyTorch's arguments in order. */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
                boolean bidirectional, int projSize, Generator generator) {
        super(RnnMode.LSTM, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, generator);
    }

    /** The output and final states from {@code h0} and {@code c0} (null: zeros). */
    public RNNResult forward(Tensor input, Tensor h0, Tensor c0) {
        return run(input, h0, c0);
    }

    /** A packed batch from {@code h0} and {@code c0} (null: zeros). */
    public PackedRNNResult forward(PackedSequence input, Tensor h0, Tensor c0) {
        return run(input, h0, c0);
    }
}
