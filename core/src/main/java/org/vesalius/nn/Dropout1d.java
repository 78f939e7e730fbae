package org.vesalius.nn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Dropout of whole channels, like {@code torch.nn.Dropout1d}: in training mode each is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1/(1-p)}; in eval mode the input
 * passes through unchanged. Input {@code [N, C, L] (or [C, L])}, output the same shape.
 */
public class Dropout1d extends Module {
    private final double p;
    private final Generator generator;

    /** Dropout with probability 0.5, drawing from the default generator of the thread that runs {@code forward}. */
    public Dropout1d() {
        this(0.5);
    }

    /**
     * Dropout with probability {@code p}, drawing from the default generator of the thread that runs
     * {@code forward} (as PyTorch draws from its global generator at call time), so a model trained on
     * a thread that called {@code Tensor.manualSeed} gets that thread's masks.
     */
    public Dropout1d(double p) {
        this(p, null);
    }

    /**
     * Dropout with probability {@code p} in [0, 1], drawing from {@code generator} (a seed makes masks
     * repeatable; null: the calling thread's default generator at each {@code forward}).
     */
    public Dropout1d(double p, Generator generator) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout1d: p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    /** The input with dropout applied when training, the input itself in eval mode. */
    @Override
    public Tensor forward(Tensor input) {
        return generator == null ? input.dropout1d(p, isTraining()) : input.dropout1d(p, isTraining(), generator);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
