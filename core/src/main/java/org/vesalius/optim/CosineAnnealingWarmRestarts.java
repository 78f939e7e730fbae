package org.vesalius.optim;

import java.util.Map;

/**
 * Cosine annealing with warm restarts (SGDR), like
 * {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts}: within a cycle of {@code tI} epochs,
 * {@code lr = etaMin + (initialLr - etaMin) (1 + cos(pi tCur / tI)) / 2}; at the end of a cycle the rate
 * restarts and the next cycle is {@code tMult} times longer (the first is {@code t0}).
 * {@link #step(double)} accepts fractional epochs, for stepping every batch
 * ({@code step(epoch + i / batchesPerEpoch)}).
 */
public class CosineAnnealingWarmRestarts extends LRScheduler {
    private final int t0;
    private final int tMult;
    private final double etaMin;
    private double tI;
    private double tCur;

    /**
     * Cycles starting at {@code t0} epochs, each {@code tMult} times longer than the last.
     *
     * @param t0     the first cycle's length in epochs (positive)
     * @param tMult  the growth of each next cycle (an integer >= 1)
     * @param etaMin the lowest learning rate
     */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin) {
        super(optimizer);
        if (t0 <= 0) {
            throw new IllegalArgumentException("CosineAnnealingWarmRestarts: t0 must be a positive integer, got " + t0);
        }
        if (tMult < 1) {
            throw new IllegalArgumentException("CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got " + tMult);
        }
        this.t0 = t0;
        this.tMult = tMult;
        this.etaMin = etaMin;
        this.tI = t0;
        initialStep();
    }

    /** Cycles of a constant {@code t0} epochs, down to 0. */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0) {
        this(optimizer, t0, 1, 0);
    }

    /** Moves to the next epoch (the first call, from the constructor, goes to epoch 0). */
    @Override
    public void step() {
        if (lastEpoch < 0) {
            step(0);
            return;
        }
        lastEpoch++;
        tCur = tCur + 1;
        if (tCur >= tI) {
            tCur = tCur - tI;
            tI = tI * tMult;
        }
        setLrs(computeLr());
    }

    /** Jumps to a (possibly fractional) epoch {@code >= 0}. */
    public void step(double epoch) {
        if (!(epoch >= 0)) {
            throw new IllegalArgumentException("CosineAnnealingWarmRestarts: epoch must be >= 0, got " + epoch);
        }
        if (epoch >= t0) {
            if (tMult == 1) {
                tCur = epoch % t0;
            } else {
                int n = (int) (Math.log(epoch / t0 * (tMult - 1) + 1) / Math.log(tMult));
                tCur = epoch - t0 * (Math.pow(tMult, n) - 1) / (tMult - 1);
                tI = t0 * Math.pow(tMult, n);
            }
        } else {
            tI = t0;
            tCur = epoch;
        }
        lastEpoch = (int) Math.floor(epoch);
        setLrs(computeLr());
    }

    @Override
    protected double[] computeLr() {
        double[] lrs = new double[baseLrs.length];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = etaMin + (baseLrs[i] - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
        return lrs;
    }

    @Override
    protected void saveExtra(Map<String, Object> state) {
        state.put("tI", tI);
        state.put("tCur", tCur);
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        tI = ((Number) require(state, "tI")).doubleValue();
        tCur = ((Number) require(state, "tCur")).doubleValue();
    }
}
