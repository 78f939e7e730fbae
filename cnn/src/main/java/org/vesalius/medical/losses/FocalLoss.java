package org.vesalius.medical.losses;

import org.vesalius.nn.Loss;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/**
 * Focal loss (Lin et al., 2017), as MONAI's {@code FocalLoss}: cross-entropy scaled down where the
 * prediction is already confident, so training concentrates on hard voxels. Per element, with
 * {@code x} the logit and {@code g} the target:
 * <pre>
 *   sigmoid (default): loss = BCEWithLogits(x, g) * (1 - p_t)^gamma,   p_t = sigmoid(x) if g = 1 else 1 - sigmoid(x)
 *                      times alpha g + (1 - alpha)(1 - g) when alpha is set
 *   softmax:           loss = -g log softmax(x) * (1 - softmax(x))^gamma, times alpha when set
 * </pre>
 * {@code gamma = 0} without alpha is plain binary (or categorical) cross-entropy.
 *
 * <p>Shapes: input logits {@code [N, C, *spatial]}; target {@code [N, C, *spatial]} or, with
 * {@link #toOneHot}, class indices {@code [N, 1, *spatial]} / {@code [N, *spatial]}. Output: MEAN
 * averages over every element, SUM adds them, NONE returns {@code [N, C', *spatial]}.
 */
public class FocalLoss extends Loss {
    private final double gamma;
    private final Double alpha;
    private final boolean softmax;
    private boolean toOneHot;
    private boolean includeBackground = true;

    /** gamma 2, no alpha, sigmoid, mean. */
    public FocalLoss() {
        this(2.0, null, false, Reduction.MEAN);
    }

    /**
     * @param gamma     focusing exponent (>= 0)
     * @param alpha     weight of the positive class in [0, 1], or null for none
     * @param softmax   softmax over channels (multi-class) instead of per-channel sigmoid
     * @param reduction MEAN, SUM or NONE
     */
    public FocalLoss(double gamma, Double alpha, boolean softmax, Reduction reduction) {
        super(reduction);
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException("FocalLoss: reduction must be MEAN, SUM or NONE, got BATCHMEAN");
        }
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("FocalLoss: gamma must be >= 0, got " + gamma);
        }
        if (alpha != null && !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("FocalLoss: alpha must be in [0, 1], got " + alpha);
        }
        this.gamma = gamma;
        this.alpha = alpha;
        this.softmax = softmax;
    }

    /** Whether the target is a label map to convert to one-hot channels (default false). */
    public FocalLoss toOneHot(boolean v) {
        this.toOneHot = v;
        return this;
    }

    /** Whether channel 0 counts (default true); false drops it from input and target. */
    public FocalLoss includeBackground(boolean v) {
        this.includeBackground = v;
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        // the loss works on logits: no activation here, only the target conversion and background drop
        Tensor[] xg = SegmentationInputs.prepare("FocalLoss", input, target, Activation.NONE, toOneHot, includeBackground);
        Tensor x = xg[0];
        Tensor g = xg[1];
        Tensor loss;
        if (softmax) {
            int channels = input.size(1);
            Tensor logP = input.logSoftmax(1);
            if (x.size(1) != channels) {
                logP = logP.narrow(1, 1, x.size(1));
            }
            Tensor ce = g.mul(logP).neg();
            loss = ce.mul(logP.exp().neg().add(1).pow(gamma));
            if (alpha != null) {
                loss = loss.mul(alpha);
            }
        } else {
            // BCE with logits written stably: x - x g + softplus(-x)
            Tensor bce = x.sub(x.mul(g)).add(x.neg().softplus());
            // log(1 - p_t) = logsigmoid(-x (2g - 1)) = -softplus(x (2g - 1))
            Tensor logOneMinusPt = x.mul(g.mul(2).sub(1)).softplus().neg();
            loss = bce.mul(logOneMinusPt.mul(gamma).exp());
            if (alpha != null) {
                loss = loss.mul(g.mul(alpha).add(g.neg().add(1).mul(1 - alpha)));
            }
        }
        return switch (reduction()) {
            case SUM -> loss.sum();
            case NONE -> loss;
            default -> loss.mean();
        };
    }

    @Override
    protected String extraRepr() {
        return "gamma=" + gamma + (alpha == null ? "" : ", alpha=" + alpha) + (softmax ? ", softmax=true" : "")
                + ", toOneHot=" + toOneHot + ", includeBackground=" + includeBackground + ", reduction=" + reduction();
    }
}
