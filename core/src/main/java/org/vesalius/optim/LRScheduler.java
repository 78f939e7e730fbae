package org.vesalius.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the learning-rate schedules that step once per epoch (or per batch), like PyTorch's
 * {@code _LRScheduler}. Creating a schedule records each group's {@code initialLr} (once, so several
 * schedules on one optimizer share it) and applies the schedule's value for epoch 0; each
 * {@link #step()} then moves to the next epoch and sets every group's {@code lr}. Call it after
 * {@code optimizer.step()}.
 *
 * <p>Values follow PyTorch's recursive ("chainable") formulas exactly, so the learning rates equal
 * PyTorch's to the last bits and other changes to {@code lr} (by a second schedule, or by hand)
 * compose as they do there.
 *
 * <p>Subclasses set their fields and then call {@link #initialStep()} at the end of their
 * constructor (PyTorch's base constructor steps, which reads the subclass's configuration).
 */
public abstract class LRScheduler {
    /** The optimizer whose groups' {@code lr} this schedule sets. */
    protected final Optimizer optimizer;
    /** Each group's {@code initialLr}. */
    protected double[] baseLrs;
    /** The epoch the current learning rates belong to; -1 before the initial step. */
    protected int lastEpoch = -1;
    private double[] lastLr;

    /** Records each group's {@code initialLr} (its current lr unless a schedule set it before). */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            ParamGroup g = groups.get(i);
            if (!g.has("initialLr")) {
                g.set("initialLr", g.lr());
            }
            baseLrs[i] = g.get("initialLr");
        }
    }

    /** Applies epoch 0; the last line of a subclass constructor. */
    protected final void initialStep() {
        step();
    }

    /** Moves to the next epoch and sets every group's learning rate. */
    public void step() {
        lastEpoch++;
        setLrs(computeLr());
    }

    /**
     * The learning rates for {@link #lastEpoch} (already advanced), from the groups' current ones
     * (PyTorch's {@code get_lr}).
     */
    protected abstract double[] computeLr();

    /** Sets each group's lr and records them as {@link #lastLr()}. */
    protected final void setLrs(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < lrs.length; i++) {
            groups.get(i).setLr(lrs[i]);
        }
        lastLr = lrs.clone();
    }

    /** The groups' current learning rates. */
    protected final double[] groupLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = groups.get(i).lr();
        }
        return lrs;
    }

    /** The learning rates the last step set, one per group (PyTorch's {@code get_last_lr()}). */
    public double[] lastLr() {
        return lastLr.clone();
    }

    /** The epoch of the current learning rates (0 after construction). */
    public int lastEpoch() {
        return lastEpoch;
    }

    /**
     * The schedule's state as JSON-ready values ({@code Number}, {@code Boolean}, {@code List<Double>}):
     * the epoch, base and last learning rates, and what the subclass adds. The configuration is not
     * included: restore into a schedule built with the same arguments.
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastEpoch", lastEpoch);
        m.put("baseLrs", toList(baseLrs));
        m.put("lastLr", toList(lastLr));
        saveExtra(m);
        return m;
    }

    /**
     * Restores a state from {@link #stateDict()}. The groups' lr are not touched: they come from the
     * optimizer's state dict. To resume, create the optimizer and the schedule as before (creating a
     * schedule sets the lr of epoch 0), then load the optimizer's state and then the schedule's.
     */
    public void loadStateDict(Map<String, Object> state) {
        lastEpoch = ((Number) require(state, "lastEpoch")).intValue();
        baseLrs = toArray(require(state, "baseLrs"));
        lastLr = toArray(require(state, "lastLr"));
        loadExtra(state);
    }

    /** Adds subclass state to a state dict (JSON-ready values). */
    protected void saveExtra(Map<String, Object> state) {
    }

    /** Reads what {@link #saveExtra} wrote. */
    protected void loadExtra(Map<String, Object> state) {
    }

    /** The entry {@code key}, or an error naming it. */
    protected static Object require(Map<String, Object> state, String key) {
        Object v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException("loadStateDict: the schedule state lacks '" + key + "'");
        }
        return v;
    }

    /** A double array as a list, for state dicts. */
    protected static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) {
            l.add(v);
        }
        return l;
    }

    /** A list of numbers as a double array. */
    protected static double[] toArray(Object list) {
        List<?> l = (List<?>) list;
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((Number) l.get(i)).doubleValue();
        }
        return a;
    }
}
