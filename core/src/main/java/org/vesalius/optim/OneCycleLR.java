package org.vesalius.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one-cycle policy, like {@code torch.optim.lr_scheduler.OneCycleLR}, stepped once per batch: the
 * learning rate rises from {@code maxLr / divFactor} to {@code maxLr} over the first
 * {@code pctStart} of {@code totalSteps}, then falls to {@code maxLr / (divFactor * finalDivFactor)}
 * (three phases: up, back down to the start, then the final fall). With {@code cycleMomentum} the
 * momentum moves the opposite way between {@code maxMomentum} and {@code baseMomentum}: the group
 * option {@code beta1} for Adam-type optimizers, {@code momentum} otherwise.
 *
 * <p>As in PyTorch, the values it anneals between are stored in the groups ({@code initialLr},
 * {@code maxLr}, {@code minLr}, {@code maxMomentum}, {@code baseMomentum}), so the optimizer's
 * state dict carries them. Stepping past {@code totalSteps} is an error.
 */
public class OneCycleLR extends LRScheduler {
    /** How the rate moves within a phase. */
    public enum Anneal {
        /** Half a cosine from the phase's start value to its end value. */
        COS,
        /** A straight line. */
        LINEAR
    }

    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {
    }

    private final int totalSteps;
    private final Anneal anneal;
    private final boolean cycleMomentum;
    private final String momentumOption;
    private final List<Phase> phases;

    /** PyTorch's defaults: 30% warm-up, cosine, momentum cycled between 0.85 and 0.95, divFactor 25, finalDivFactor 1e4. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, new double[] {maxLr}, totalSteps, 0.3, Anneal.COS, true, 0.85, 0.95, 25, 1e4, false);
    }

    /**
     * The one-cycle policy with every option of PyTorch's.
     *
     * @param maxLr          the peak learning rate, one value or one per group
     * @param totalSteps     the number of {@link #step()} calls the cycle lasts
     * @param pctStart       the fraction of steps spent rising, in [0, 1]
     * @param cycleMomentum  whether to move the momentum (or beta1) against the rate
     * @param baseMomentum   the momentum at the peak rate
     * @param maxMomentum    the momentum at the lowest rates
     * @param divFactor      {@code initialLr = maxLr / divFactor}
     * @param finalDivFactor {@code minLr = initialLr / finalDivFactor}
     * @param threePhase     whether to return to {@code initialLr} before the final fall
     */
    public OneCycleLR(Optimizer optimizer, double[] maxLr, int totalSteps, double pctStart, Anneal anneal,
                      boolean cycleMomentum, double baseMomentum, double maxMomentum, double divFactor,
                      double finalDivFactor, boolean threePhase) {
        super(prepare(optimizer, maxLr, totalSteps, pctStart, cycleMomentum, baseMomentum, maxMomentum, divFactor,
                finalDivFactor));
        this.totalSteps = totalSteps;
        this.anneal = anneal;
        this.cycleMomentum = cycleMomentum;
        this.momentumOption = optimizer.paramGroups().get(0).has("beta1") ? "beta1" : "momentum";
        if (threePhase) {
            phases = List.of(
                    new Phase(pctStart * totalSteps - 1, "initialLr", "maxLr", "maxMomentum", "baseMomentum"),
                    new Phase(2 * pctStart * totalSteps - 2, "maxLr", "initialLr", "baseMomentum", "maxMomentum"),
                    new Phase(totalSteps - 1, "initialLr", "minLr", "maxMomentum", "maxMomentum"));
        } else {
            phases = List.of(
                    new Phase(pctStart * totalSteps - 1, "initialLr", "maxLr", "maxMomentum", "baseMomentum"),
                    new Phase(totalSteps - 1, "maxLr", "minLr", "baseMomentum", "maxMomentum"));
        }
        initialStep();
    }

    /** Validates and writes the annealing end points into the groups, before the base class reads initialLr. */
    private static Optimizer prepare(Optimizer optimizer, double[] maxLr, int totalSteps, double pctStart,
                                     boolean cycleMomentum, double baseMomentum, double maxMomentum, double divFactor,
                                     double finalDivFactor) {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("OneCycleLR: totalSteps must be positive, got " + totalSteps);
        }
        if (!(pctStart >= 0 && pctStart <= 1)) {
            throw new IllegalArgumentException("OneCycleLR: pctStart must be in [0, 1], got " + pctStart);
        }
        if (maxLr.length != 1 && maxLr.length != groups.size()) {
            throw new IllegalArgumentException("OneCycleLR: expected 1 or " + groups.size() + " values for maxLr, got "
                    + Arrays.toString(maxLr));
        }
        String momentum = groups.get(0).has("beta1") ? "beta1" : "momentum";
        if (cycleMomentum && !groups.get(0).has(momentum)) {
            throw new IllegalArgumentException("OneCycleLR: the optimizer has no momentum or beta1 option to cycle; "
                    + "pass cycleMomentum = false");
        }
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            double max = maxLr.length == 1 ? maxLr[0] : maxLr[i];
            g.set("initialLr", max / divFactor);
            g.set("maxLr", max);
            g.set("minLr", max / divFactor / finalDivFactor);
            if (cycleMomentum) {
                g.set(momentum, maxMomentum);
                g.set("maxMomentum", maxMomentum);
                g.set("baseMomentum", baseMomentum);
            }
        }
        return optimizer;
    }

    private double anneal(double start, double end, double pct) {
        if (anneal == Anneal.COS) {
            double cosOut = Math.cos(Math.PI * pct) + 1;
            return end + (start - end) / 2.0 * cosOut;
        }
        return (end - start) * pct + start;
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch;
        if (stepNum > totalSteps) {
            throw new IllegalStateException("OneCycleLR: tried to step " + (stepNum + 1)
                    + " times; the schedule has " + totalSteps + " total steps");
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int gi = 0; gi < lrs.length; gi++) {
            ParamGroup g = groups.get(gi);
            double startStep = 0;
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                double endStep = phase.endStep();
                if (stepNum <= endStep || i == phases.size() - 1) {
                    double pct = (stepNum - startStep) / (endStep - startStep);
                    lrs[gi] = anneal(g.get(phase.startLr()), g.get(phase.endLr()), pct);
                    if (cycleMomentum) {
                        g.set(momentumOption, anneal(g.get(phase.startMomentum()), g.get(phase.endMomentum()), pct));
                    }
                    break;
                }
                startStep = phase.endStep();
            }
        }
        return lrs;
    }

    @Override
    protected void saveExtra(Map<String, Object> state) {
        state.put("totalSteps", totalSteps);
    }
}
