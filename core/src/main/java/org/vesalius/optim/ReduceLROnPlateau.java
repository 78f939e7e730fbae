package org.vesalius.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers the learning rate when a metric stops improving, like
 * {@code torch.optim.lr_scheduler.ReduceLROnPlateau}: after more than {@code patience} epochs without
 * an improvement (better than the best by more than {@code threshold}, relative or absolute), every
 * group's lr is multiplied by {@code factor} (not below its {@code minLr}; changes smaller than
 * {@code eps} are skipped), and {@code cooldown} epochs pass before bad epochs count again.
 * {@link #step(double)} takes the metric, typically the validation loss.
 */
public class ReduceLROnPlateau {
    /** Whether lower or higher metric values are better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX
    }

    /** How {@code threshold} defines a significant improvement. */
    public enum ThresholdMode {
        /** Better than {@code best * (1 -+ threshold)}. */
        REL,
        /** Better than {@code best -+ threshold}. */
        ABS
    }

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double[] minLrs;
    private final double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    /** PyTorch's defaults: mode min, factor 0.1, patience 10, relative threshold 1e-4, no cooldown, minLr 0. */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, new double[] {0}, 1e-8);
    }

    /** The given mode, factor and patience; the rest at PyTorch's defaults. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience) {
        this(optimizer, mode, factor, patience, 1e-4, ThresholdMode.REL, 0, new double[] {0}, 1e-8);
    }

    /**
     * A plateau schedule with every option of PyTorch's.
     *
     * @param factor    the multiplier of the lr, in [0, 1)
     * @param patience  the number of epochs without improvement tolerated
     * @param cooldown  epochs after a reduction during which bad epochs are not counted
     * @param minLr     the lowest lr, one value or one per group
     * @param eps       the smallest change of lr that is applied
     */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double[] minLr, double eps) {
        if (!(factor < 1.0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be < 1, got " + factor);
        }
        int groups = optimizer.paramGroups().size();
        if (minLr.length != 1 && minLr.length != groups) {
            throw new IllegalArgumentException("ReduceLROnPlateau: expected 1 or " + groups + " values for minLr, got "
                    + Arrays.toString(minLr));
        }
        this.optimizer = optimizer;
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.cooldown = cooldown;
        this.minLrs = new double[groups];
        for (int i = 0; i < groups; i++) {
            minLrs[i] = minLr.length == 1 ? minLr[0] : minLr[i];
        }
        this.eps = eps;
        this.best = worst();
        this.lastLr = currentLrs();
    }

    private double worst() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** Records the epoch's metric and lowers the learning rates if it has not improved for too long. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs during cooldown do not count
        }
        if (numBadEpochs > patience) {
            reduce();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduce() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            double old = g.lr();
            double lr = Math.max(old * factor, minLrs[i]);
            if (old - lr > eps) {
                g.setLr(lr);
            }
        }
    }

    private boolean isBetter(double a, double best) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1. - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1.) : a > best + threshold;
    }

    private double[] currentLrs() {
        return optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }

    /** The groups' learning rates after the last step. */
    public double[] lastLr() {
        return lastLr.clone();
    }

    /** The best metric so far. */
    public double best() {
        return best;
    }

    /** The number of consecutive epochs without improvement. */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /** The schedule's counters as JSON-ready values (the configuration is not included). */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastEpoch", lastEpoch);
        m.put("best", best);
        m.put("numBadEpochs", numBadEpochs);
        m.put("cooldownCounter", cooldownCounter);
        m.put("lastLr", LRScheduler.toList(lastLr));
        return m;
    }

    /** Restores counters saved by {@link #stateDict()}. */
    public void loadStateDict(Map<String, Object> state) {
        lastEpoch = ((Number) LRScheduler.require(state, "lastEpoch")).intValue();
        best = ((Number) LRScheduler.require(state, "best")).doubleValue();
        numBadEpochs = ((Number) LRScheduler.require(state, "numBadEpochs")).intValue();
        cooldownCounter = ((Number) LRScheduler.require(state, "cooldownCounter")).intValue();
        lastLr = LRScheduler.toArray(LRScheduler.require(state, "lastLr"));
    }
}
