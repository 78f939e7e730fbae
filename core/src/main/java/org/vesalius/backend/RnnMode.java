package org.vesalius.backend;

/** The recurrence of a sequence layer, with PyTorch's gate order in its weights. */
public enum RnnMode {
    /** {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)}. */
    RNN_TANH(1),
    /** As RNN_TANH with relu. */
    RNN_RELU(1),
    /** Gates i, f, g, o. */
    LSTM(4),
    /** Gates r, z, n; the reset gate multiplies the recurrent product (PyTorch's and cuDNN's GRU). */
    GRU(3);

    private final int gates;

    RnnMode(int gates) {
        this.gates = gates;
    }

    /** Number of gate blocks in the weights ({@code weight_ih} is {@code [gates * hidden, input]}). */
    public int gates() {
        return gates;
    }
}
