package org.vesalius.rnn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** One LSTM step (gates i, f, g, o), like {@code torch.nn.LSTMCell}. */
public class LSTMCell extends RNNCellBase {
    /** The states after a step: hidden {@code h} and cell {@code c}. */
    public record State(Tensor h, Tensor c) {
    }

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator generator) {
        super(inputSize, hiddenSize, bias, 4, generator);
    }

    /** The next hidden state from zero states. */
    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null, null).h();
    }

    /** The next states from {@code h} and {@code c} (null: zeros). */
    public State forward(Tensor input, Tensor h, Tensor c) {
        Tensor[] hc = Cells.lstm(inputGates(input), state("h", h, input), state("c", c, input), weightHh(), biasHh(), null);
        return new State(hc[0], hc[1]);
    }
}
