package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Flattens a range of dims into one, like {@code torch.nn.Flatten}: by default {@code [N, C, H, W]} to
 * {@code [N, C*H*W]} (dims 1 to -1), the step between convolutions and a linear head.
 */
public class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** Flattens dims 1 to -1 (every dim but the batch dim). */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens dims {@code startDim} to {@code endDim} inclusive (negative dims count from the end). */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /** The input with dims {@code startDim..endDim} merged. */
    @Override
    public Tensor forward(Tensor input) {
        return input.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "startDim=" + startDim + ", endDim=" + endDim;
    }
}
