package org.vesalius.rnn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** {@code h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)}, like {@code torch.nn.RNNCell}. */
public class RNNCell extends RNNCellBase {
    private final boolean relu;

    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, "tanh", Generator.defaultGenerator());
    }

    /** @param nonlinearity {@code "tanh"} or {@code "relu"} */
    public RNNCell(int inputSize, int hiddenSize, boolean bias, String nonlinearity, Generator generator) {
        super(inputSize, hiddenSize, bias, 1, generator);
        if (!"tanh".equals(nonlinearity) && !"relu".equals(nonlinearity)) {
            throw new IllegalArgumentException("RNNCell: nonlinearity must be \"tanh\" or \"relu\", got \"" + nonlinearity
                    + "\"");
        }
        this.relu = "relu".equals(nonlinearity);
    }

    /** The next hidden state from a zero one. */
    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /** The next hidden state from {@code hx} (null: zeros). */
    public Tensor forward(Tensor input, Tensor hx) {
        return Cells.rnn(inputGates(input), state("hx", hx, input), weightHh(), biasHh(), relu);
    }
}
