package org.vesalius.medical.losses;

import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/**
 * Tversky loss (Salehi et al., 2017), as MONAI's {@code TverskyLoss}: Dice with false positives and
 * false negatives weighted separately, to trade precision for recall on small structures. Per sample
 * and channel, summing over the spatial dims:
 * <pre>
 *   tp = sum(p g),  fp = sum(p (1 - g)),  fn = sum((1 - p) g)
 *   loss = 1 - (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)
 * </pre>
 * {@code alpha = beta = 0.5} is the Dice loss. Shapes and options as {@link DiceLoss}.
 */
public class TverskyLoss extends OverlapLoss<TverskyLoss> {
    private final double alpha;
    private final double beta;

    /** alpha = beta = 0.5, mean reduction. */
    public TverskyLoss() {
        this(0.5, 0.5, Reduction.MEAN);
    }

    /**
     * @param alpha     weight of false positives (>= 0)
     * @param beta      weight of false negatives (>= 0)
     * @param reduction MEAN, SUM or NONE
     */
    public TverskyLoss(double alpha, double beta, Reduction reduction) {
        super("TverskyLoss", reduction);
        if (!(alpha >= 0) || !(beta >= 0)) {
            throw new IllegalArgumentException("TverskyLoss: alpha and beta must be >= 0, got " + alpha + " and " + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        Tensor[] pg = prepare(input, target);
        Tensor p = pg[0];
        Tensor g = pg[1];
        Tensor tp = sum(p.mul(g));
        // sum(p (1 - g)) and sum((1 - p) g), without two more passes over the volume
        Tensor fp = sum(p).sub(tp);
        Tensor fn = sum(g).sub(tp);
        Tensor denominator = tp.add(fp.mul(alpha)).add(fn.mul(beta)).add(smoothDr);
        return reduce(tp.add(smoothNr).div(denominator).neg().add(1));
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha + ", beta=" + beta + ", " + super.extraRepr();
    }
}
