package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Base of the loss modules (PyTorch's {@code _Loss}): a loss is its configuration (the
 * {@link Reduction}, class weights, ...) and a {@code forward(input, target)} that calls the
 * matching {@link F} function. Class weights are registered as buffers ({@code weight},
 * {@code pos_weight}), as PyTorch does, so they move with {@link #to} and appear in the state dict.
 */
public abstract class Loss extends Module {
    private final Reduction reduction;

    /** A loss reduced as {@code reduction} says. */
    protected Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** How per-element losses are reduced. */
    public Reduction reduction() {
        return reduction;
    }

    /**
     * The loss of {@code input} against {@code target}; shapes as the matching {@link F} function
     * documents. A scalar for MEAN and SUM.
     */
    public abstract Tensor forward(Tensor input, Tensor target);

    @Override
    protected String extraRepr() {
        return reduction == Reduction.MEAN ? "" : "reduction=" + reduction;
    }
}
