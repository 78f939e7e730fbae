package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Sigmoid and binary cross-entropy in one stable expression, like {@code torch.nn.BCEWithLogitsLoss};
 * see {@link F#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}. The weights
 * are the buffers {@code weight} and {@code pos_weight}.
 */
public class BCEWithLogitsLoss extends Loss {

    /** No weights, mean. */
    public BCEWithLogitsLoss() {
        this(null, Reduction.MEAN, null);
    }

    /**
     * A loss with optional per-element and positive-class weights.
     *
     * @param weight    a per-element weight broadcastable to the input, or null
     * @param reduction none, mean or sum
     * @param posWeight the weight of positives per class ({@code [C]}, broadcast along the last dim), or null
     */
    public BCEWithLogitsLoss(Tensor weight, Reduction reduction, Tensor posWeight) {
        super(reduction);
        registerBuffer("weight", weight);
        registerBuffer("pos_weight", posWeight);
    }

    /** The per-element weight, or null. */
    public Tensor weight() {
        return getBuffer("weight");
    }

    /** The positive-class weight, or null. */
    public Tensor posWeight() {
        return getBuffer("pos_weight");
    }

    /** Logits and float targets of the same shape. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropyWithLogits(input, target, weight(), posWeight(), reduction());
    }
}
