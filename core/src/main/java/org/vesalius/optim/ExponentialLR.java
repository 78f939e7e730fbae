package org.vesalius.optim;

/**
 * Multiplies the learning rate by {@code gamma} every epoch, like
 * {@code torch.optim.lr_scheduler.ExponentialLR}: {@code lr = initialLr * gamma^epoch}.
 */
public class ExponentialLR extends LRScheduler {
    private final double gamma;

    /** Decays by {@code gamma} each epoch. */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = groupLrs();
        if (lastEpoch != 0) {
            for (int i = 0; i < lrs.length; i++) {
                lrs[i] *= gamma;
            }
        }
        return lrs;
    }
}
