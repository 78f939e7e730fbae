package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Cross-entropy of logits against class indices or class probabilities, like
 * {@code torch.nn.CrossEntropyLoss}; shapes, ignored targets, weighted means and label smoothing as
 * {@link F#crossEntropy(Tensor, Tensor, Tensor, long, Reduction, double)} documents. The class
 * weights, if any, are the buffer {@code weight}.
 */
public class CrossEntropyLoss extends Loss {
    private final long ignoreIndex;
    private final double labelSmoothing;

    /** PyTorch's defaults: no weights, ignoreIndex -100, mean, no label smoothing. */
    public CrossEntropyLoss() {
        this(null, F.DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0);
    }

    /**
     * A loss with every option of PyTorch's.
     *
     * @param weight         class weights {@code [C]} (the module takes ownership), or null
     * @param ignoreIndex    a class-index target to skip
     * @param reduction      none, mean (weighted) or sum
     * @param labelSmoothing in [0, 1]
     */
    public CrossEntropyLoss(Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        registerBuffer("weight", weight);
    }

    /** The class weights {@code [C]}, or null. */
    public Tensor weight() {
        return getBuffer("weight");
    }

    /** Logits {@code [N, C, *]} (or {@code [C]}) against indices {@code [N, *]} or probabilities {@code [N, C, *]}. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.crossEntropy(input, target, weight(), ignoreIndex, reduction(), labelSmoothing);
    }

    @Override
    protected String extraRepr() {
        String r = super.extraRepr();
        String s = (ignoreIndex == F.DEFAULT_IGNORE_INDEX ? "" : "ignoreIndex=" + ignoreIndex)
                + (labelSmoothing == 0 ? "" : (ignoreIndex == F.DEFAULT_IGNORE_INDEX ? "" : ", ") + "labelSmoothing=" + labelSmoothing);
        return r.isEmpty() ? s : s.isEmpty() ? r : r + ", " + s;
    }
}
