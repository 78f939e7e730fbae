package org.vesalius.rnn;

import org.vesalius.backend.RnnMode;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * An Elman recurrence {@code h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)}, act tanh or relu,
 * like {@code torch.nn.RNN}; shapes and parameters as {@link RNNBase}.
 */
public class RNN extends RNNBase {
    /** One tanh layer over {@code [L, N, inputSize]}, from the default generator. */
    public RNN(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, "tanh", true, false, 0, false, Generator.defaultGenerator());
    }

    /**
     * The full form, PyTorch's arguments in order.
     *
     * @param nonlinearity {@code "tanh"} or {@code "relu"}
     */
    public RNN(int inputSize, int hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst,
               double dropout, boolean bidirectional, Generator generator) {
        super(mode(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0,
                generator);
    }

    private static RnnMode mode(String nonlinearity) {
        if ("tanh".equals(nonlinearity)) {
            return RnnMode.RNN_TANH;
        }
        if ("relu".equals(nonlinearity)) {
            return RnnMode.RNN_RELU;
        }
        throw new IllegalArgumentException("RNN: nonlinearity must be \"tanh\" or \"relu\", got \"" + nonlinearity + "\"");
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
