package org.vesalius.medical.losses;

import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/**
 * Soft Dice loss for segmentation (Milletari et al., 2016) with MONAI's {@code DiceLoss} options and
 * defaults. For each sample and channel, summing over the spatial dims:
 * <pre>
 *   loss = 1 - (2 * sum(p * g) + smoothNr) / (sum(p) + sum(g) + smoothDr)
 * </pre>
 * with {@code p} the activated input and {@code g} the (one-hot) target. {@link #squaredPred} puts
 * {@code sum(p^2) + sum(g^2)} below; {@link #jaccard} gives the soft IoU form
 * {@code 1 - (2I + smoothNr) / (2 (sum(p) + sum(g) - I) + smoothDr)}.
 *
 * <p>Shapes: input {@code [N, C, *spatial]} (logits with an activation, or probabilities); target
 * {@code [N, C, *spatial]}, or with {@link #toOneHot} class indices {@code [N, 1, *spatial]} /
 * {@code [N, *spatial]}. Output: a scalar for MEAN and SUM (over samples and channels); for NONE the
 * per-item losses {@code [N, C']}, or {@code [C']} with {@link #batch}.
 */
public class DiceLoss extends OverlapLoss<DiceLoss> {
    private boolean squaredPred;
    private boolean jaccard;

    /** MONAI's defaults: no activation, one-hot target, background included, mean over samples and channels. */
    public DiceLoss() {
        this(Reduction.MEAN);
    }

    /** Defaults with the given reduction (MEAN, SUM or NONE). */
    public DiceLoss(Reduction reduction) {
        super("DiceLoss", reduction);
    }

    /** Squares input and target in the denominator (default false). */
    public DiceLoss squaredPred(boolean v) {
        this.squaredPred = v;
        return this;
    }

    /** Soft Jaccard (IoU) instead of Dice (default false). */
    public DiceLoss jaccard(boolean v) {
        this.jaccard = v;
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        Tensor[] pg = prepare(input, target);
        Tensor p = pg[0];
        Tensor g = pg[1];
        Tensor intersection = sum(p.mul(g));
        Tensor denominator = squaredPred ? sum(p.square()).add(sum(g.square())) : sum(p).add(sum(g));
        if (jaccard) {
            denominator = denominator.sub(intersection).mul(2);
        }
        return reduce(intersection.mul(2).add(smoothNr).div(denominator.add(smoothDr)).neg().add(1));
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + (squaredPred ? ", squaredPred=true" : "") + (jaccard ? ", jaccard=true" : "");
    }
}
