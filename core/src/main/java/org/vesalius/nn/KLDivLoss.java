package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Kullback-Leibler divergence of log-probabilities from a target distribution, like
 * {@code torch.nn.KLDivLoss}; see {@link F#klDiv(Tensor, Tensor, Reduction, boolean)}. Use
 * {@link Reduction#BATCHMEAN} for the KL divergence per sample.
 */
public class KLDivLoss extends Loss {
    private final boolean logTarget;

    /** PyTorch's defaults: mean over elements, probabilities as target. */
    public KLDivLoss() {
        this(Reduction.MEAN, false);
    }

    /** The given reduction (none, mean, sum or batchmean); {@code logTarget} when the target holds log-probabilities. */
    public KLDivLoss(Reduction reduction, boolean logTarget) {
        super(reduction);
        this.logTarget = logTarget;
    }

    /** Log-probabilities and a target of the same shape. */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.klDiv(input, target, reduction(), logTarget);
    }
}
