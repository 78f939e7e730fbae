package org.vesalius.medical.losses;

import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/**
 * Generalized Dice loss (Sudre et al., 2017), as MONAI's {@code GeneralizedDiceLoss}: each class
 * weighted by the inverse of its (squared) volume in the target, so small structures count as much
 * as large ones. Per sample (or once over the batch with {@link #batch}):
 * <pre>
 *   w_c  = 1 / sum(g_c)^2        (SQUARE; SIMPLE: 1 / sum(g_c); UNIFORM: 1)
 *   loss = 1 - (2 sum_c w_c sum(p_c g_c) + smoothNr) / (sum_c w_c (sum(p_c) + sum(g_c)) + smoothDr)
 * </pre>
 * A class absent from the target would get an infinite weight; as in MONAI it gets the largest finite
 * weight of that sample instead. Weights are constants for the gradient.
 *
 * <p>Shapes and options as {@link DiceLoss}; output for NONE is {@code [N]} (or a scalar with batch).
 */
public class GeneralizedDiceLoss extends OverlapLoss<GeneralizedDiceLoss> {
    /** How a class's weight follows from its target volume. */
    public enum Weight { SQUARE, SIMPLE, UNIFORM }

    private final Weight weight;

    /** SQUARE weights, mean reduction. */
    public GeneralizedDiceLoss() {
        this(Weight.SQUARE, Reduction.MEAN);
    }

    /** The given weighting and reduction (MEAN, SUM or NONE). */
    public GeneralizedDiceLoss(Weight weight, Reduction reduction) {
        super("GeneralizedDiceLoss", reduction);
        this.weight = weight;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        Tensor[] pg = prepare(input, target);
        Tensor p = pg[0];
        Tensor g = pg[1];
        Tensor intersection = sum(p.mul(g));
        Tensor volume = sum(g);
        Tensor denominator = sum(p).add(volume);
        Tensor w;
        try (NoGrad ng = NoGrad.open()) {
            w = switch (weight) {
                case SQUARE -> volume.square().reciprocal();
                case SIMPLE -> volume.reciprocal();
                case UNIFORM -> Tensor.onesLike(volume);
            };
            // absent classes: infinite weight replaced by the largest finite one along the class dim
            Tensor inf = w.isInf();
            Tensor finite = w.maskedFill(inf, 0);
            int classDim = finite.dim() - 1;
            w = finite.add(inf.to(finite.dtype()).mul(finite.amax(new int[] {classDim}, true)));
        }
        int classDim = intersection.dim() - 1;
        Tensor numer = intersection.mul(w).sum(classDim, false).mul(2).add(smoothNr);
        Tensor denom = denominator.mul(w).sum(classDim, false).add(smoothDr);
        return reduce(numer.div(denom).neg().add(1));
    }

    @Override
    protected String extraRepr() {
        return "weight=" + weight + ", " + super.extraRepr();
    }
}
