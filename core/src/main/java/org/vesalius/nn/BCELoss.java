package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Binary cross-entropy of probabilities, like {@code torch.nn.BCELoss}; see
 * {@link F#binaryCrossEntropy(Tensor, Tensor, Tensor, Reduction)}. Prefer {@link BCEWithLogitsLoss}
 * on logits, which is numerically stable.
 */
public class BCELoss extends Loss {

    /** No weight, mean. */
    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    /**
     * A loss with an optional per-element weight.
     *
     * @param weight    a per-element weight broadcastable to the input (the module takes ownership), or null
     * @param reduction none, mean or sum
     */
    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        registerBuffer("weight", weight);
    }

    /** The per-element weight, or null. */
    public Tensor weight() {
        return getBuffer("weight");
    }

    /** Probabilities and float targets of the same shape. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropy(input, target, weight(), reduction());
    }
}
