package org.vesalius.rnn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** One GRU step (gates r, z, n), like {@code torch.nn.GRUCell}. */
public class GRUCell extends RNNCellBase {
    public GRUCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    public GRUCell(int inputSize, int hiddenSize, boolean bias, Generator generator) {
        super(inputSize, hiddenSize, bias, 3, generator);
    }

    /** The next hidden state from a zero one. */
    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /** The next hidden state from {@code hx} (null: zeros). */
    public Tensor forward(Tensor input, Tensor hx) {
        return Cells.gru(inputGates(input), state("hx", hx, input), weightHh(), biasHh());
    }
}
