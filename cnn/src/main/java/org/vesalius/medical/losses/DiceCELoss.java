package org.vesalius.medical.losses;

import org.vesalius.nn.F;
import org.vesalius.nn.Loss;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Dice plus cross-entropy, as MONAI's {@code DiceCELoss}: {@code lambdaDice * Dice + lambdaCe * CE},
 * the usual loss for U-Net segmentation (the Dice term fights class imbalance, the cross-entropy term
 * gives smooth early gradients). With {@link Activation#SOFTMAX} the cross-entropy is categorical
 * (targets as class indices); with {@link Activation#SIGMOID} it is binary cross-entropy with logits
 * per channel. The Dice term is {@link DiceLoss} with the same activation, one-hot and background options.
 *
 * <p>Shapes: input logits {@code [N, C, *spatial]}; target class indices {@code [N, 1, *spatial]} /
 * {@code [N, *spatial]} (with {@code toOneHot}) or one-hot {@code [N, C, *spatial]}. Output: a scalar.
 */
public class DiceCELoss extends Loss {
    private final DiceLoss dice;
    private final Activation activation;
    private final boolean toOneHot;
    private final double lambdaDice;
    private final double lambdaCe;

    /**
     * @param activation  SOFTMAX (multi-class) or SIGMOID (binary or multi-label)
     * @param toOneHot    whether the target is a label map
     * @param includeBackground whether channel 0 counts in the Dice term (the cross-entropy always uses every channel)
     * @param lambdaDice  weight of the Dice term (>= 0)
     * @param lambdaCe    weight of the cross-entropy term (>= 0)
     */
    public DiceCELoss(Activation activation, boolean toOneHot, boolean includeBackground, double lambdaDice, double lambdaCe) {
        super(Reduction.MEAN);
        if (activation == Activation.NONE) {
            throw new IllegalArgumentException("DiceCELoss: takes logits; the activation must be SOFTMAX or SIGMOID");
        }
        if (!(lambdaDice >= 0) || !(lambdaCe >= 0)) {
            throw new IllegalArgumentException("DiceCELoss: lambdaDice and lambdaCe must be >= 0, got " + lambdaDice + " and " + lambdaCe);
        }
        this.activation = activation;
        this.toOneHot = toOneHot;
        this.lambdaDice = lambdaDice;
        this.lambdaCe = lambdaCe;
        this.dice = registerModule("dice", new DiceLoss().activation(activation).toOneHot(toOneHot).includeBackground(includeBackground));
    }

    /** Softmax, label-map target, background included, both terms weighted 1. */
    public DiceCELoss() {
        this(Activation.SOFTMAX, true, true, 1, 1);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        Tensor d = dice.forward(input, target);
        Tensor ce;
        if (activation == Activation.SOFTMAX) {
            Tensor labels;
            if (toOneHot) {
                labels = target.dim() == input.dim() ? target.squeeze(1) : target;
                labels = labels.dtype() == DType.INT64 ? labels : labels.to(DType.INT64);
            } else {
                // one-hot target: the class with the largest value is the label (MONAI does the same)
                labels = target.argmax(1, false);
            }
            ce = F.crossEntropy(input, labels);
        } else {
            Tensor oneHot = toOneHot ? SegmentationInputs.oneHot("DiceCELoss", target, input) : target.to(input.dtype());
            ce = F.binaryCrossEntropyWithLogits(input, oneHot);
        }
        return d.mul(lambdaDice).add(ce.mul(lambdaCe));
    }

    @Override
    protected String extraRepr() {
        return "activation=" + activation + ", toOneHot=" + toOneHot + ", lambdaDice=" + lambdaDice + ", lambdaCe=" + lambdaCe;
    }
}
