package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Negative log-likelihood of log-probabilities against class indices, like {@code torch.nn.NLLLoss};
 * see {@link F#nllLoss(Tensor, Tensor, Tensor, long, Reduction)}. The class weights, if any, are the
 * buffer {@code weight}.
 */
public class NLLLoss extends Loss {
    private final long ignoreIndex;

    /** PyTorch's defaults: no weights, ignoreIndex -100, mean. */
    public NLLLoss() {
        this(null, F.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * A loss with class weights and an ignored target value.
     *
     * @param weight      class weights {@code [C]} (the module takes ownership), or null
     * @param ignoreIndex a target value to skip
     * @param reduction   none, mean (weighted) or sum
     */
    public NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
        super(reduction);
        this.ignoreIndex = ignoreIndex;
        registerBuffer("weight", weight);
    }

    /** The class weights {@code [C]}, or null. */
    public Tensor weight() {
        return getBuffer("weight");
    }

    /** Log-probabilities {@code [N, C, *]} (or {@code [C]}) against int64 indices {@code [N, *]} (or {@code []}). */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.nllLoss(input, target, weight(), ignoreIndex, reduction());
    }
}
