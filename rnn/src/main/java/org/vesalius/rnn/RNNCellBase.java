package org.vesalius.rnn;

import java.util.Arrays;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * One step of a recurrence as a module, for loops the user writes: parameters {@code weight_ih
 * [G*hidden, input]}, {@code weight_hh [G*hidden, hidden]}, {@code bias_ih}, {@code bias_hh [G*hidden]},
 * uniform in {@code ±1/sqrt(hidden)}. Input {@code [N, input]} or unbatched {@code [input]}; states
 * {@code [N, hidden]} or {@code [hidden]}, zeros when null.
 */
public abstract class RNNCellBase extends Module {
    private final int inputSize;
    private final int hiddenSize;
    private final boolean bias;

    protected RNNCellBase(int inputSize, int hiddenSize, boolean bias, int gates, Generator generator) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": inputSize and hiddenSize must be positive, got "
                    + inputSize + " and " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.bias = bias;
        registerParameter("weight_ih", Tensor.empty(gates * hiddenSize, inputSize));
        registerParameter("weight_hh", Tensor.empty(gates * hiddenSize, hiddenSize));
        if (bias) {
            registerParameter("bias_ih", Tensor.empty(gates * hiddenSize));
            registerParameter("bias_hh", Tensor.empty(gates * hiddenSize));
        }
        double k = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) {
            Init.uniform_(p, -k, k, generator);
        }
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** {@code x W_ih^T + b_ih} after checking the input's shape. */
    Tensor inputGates(Tensor input) {
        if ((input.dim() != 1 && input.dim() != 2) || input.size(-1) != inputSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected input of shape [N, " + inputSize
                    + "] or [" + inputSize + "], got " + Arrays.toString(input.shape()));
        }
        return Tensor.linear(input, getParameter("weight_ih"), bias ? getParameter("bias_ih") : null);
    }

    /** The given state, checked against the input, or zeros. */
    Tensor state(String what, Tensor s, Tensor input) {
        int[] want = input.dim() == 1 ? new int[] {hiddenSize} : new int[] {input.size(0), hiddenSize};
        if (s == null) {
            return Tensor.zeros(input.dtype(), input.device(), want);
        }
        if (!Arrays.equals(s.shape(), want)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what + " must have shape "
                    + Arrays.toString(want) + ", got " + Arrays.toString(s.shape()));
        }
        return s;
    }

    Tensor weightHh() {
        return getParameter("weight_hh");
    }

    Tensor biasHh() {
        return bias ? getParameter("bias_hh") : null;
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (bias ? "" : ", bias=false");
    }
}
