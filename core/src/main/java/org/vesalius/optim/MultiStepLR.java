package org.vesalius.optim;

import java.util.Arrays;

/**
 * Multiplies the learning rate by {@code gamma} at each milestone epoch, like
 * {@code torch.optim.lr_scheduler.MultiStepLR} (a milestone listed twice multiplies by {@code gamma^2}).
 */
public class MultiStepLR extends LRScheduler {
    private final int[] milestones;
    private final double gamma;

    /** Decays by {@code gamma} at each of the increasing {@code milestones}. */
    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] < milestones[i - 1]) {
                throw new IllegalArgumentException("MultiStepLR: milestones must be increasing, got "
                        + Arrays.toString(milestones));
            }
        }
        this.milestones = milestones.clone();
        this.gamma = gamma;
        initialStep();
    }

    /** Decays by 0.1 at each milestone. */
    public MultiStepLR(Optimizer optimizer, int... milestones) {
        this(optimizer, milestones, 0.1);
    }

    @Override
    protected double[] computeLr() {
        int count = 0;
        for (int m : milestones) {
            if (m == lastEpoch) {
                count++;
            }
        }
        double[] lrs = groupLrs();
        if (count > 0) {
            double factor = Math.pow(gamma, count);
            for (int i = 0; i < lrs.length; i++) {
                lrs[i] *= factor;
            }
        }
        return lrs;
    }
}
