package org.vesalius.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Base of the optimizers, like {@code torch.optim.Optimizer}: parameter groups with their options,
 * per-parameter state, {@link #step()}, {@link #zeroGrad()} and a state dict.
 *
 * <p>{@link #step()} runs under {@link NoGrad} in a {@link Scope} of its own, so its temporaries are
 * freed when it returns. State tensors (momentum buffers, moment estimates) are created outside every
 * scope and owned by the optimizer, so a training loop may open a scope per step; {@link #close()}
 * frees them. Parameters without a gradient are skipped, as in PyTorch.
 */
public abstract class Optimizer implements AutoCloseable {
    private final String name;
    private final Map<String, Double> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final IdentityHashMap<Tensor, ParamState> state = new IdentityHashMap<>();

    /**
     * The state an optimizer keeps for one parameter: a step count and named tensors of the
     * parameter's shape ({@code momentumBuffer}, {@code expAvg}, {@code expAvgSq}, ...).
     */
    public static final class ParamState {
        private long step;
        private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();

        /** How many updates this parameter has had. */
        public long step() {
            return step;
        }

        /** The state tensor {@code name}, or null before it exists. */
        public Tensor get(String name) {
            return tensors.get(name);
        }

        /** The state tensors by name (read-only view). */
        public Map<String, Tensor> tensors() {
            return Collections.unmodifiableMap(tensors);
        }

        /** The state tensor {@code name}, created by {@code init} (outside any scope) on first use. */
        Tensor getOrCreate(String name, Supplier<Tensor> init) {
            Tensor t = tensors.get(name);
            if (t == null) {
                t = Scope.untrack(init.get());
                tensors.put(name, t);
            }
            return t;
        }

        void close() {
            tensors.values().forEach(Tensor::close);
            tensors.clear();
        }
    }

    /**
     * A group as saved: its options and the indices of its parameters (numbered across groups in
     * order, as PyTorch numbers them).
     */
    public record GroupState(Map<String, Double> options, List<Integer> params) {
    }

    /** One parameter's saved state: its step count and state tensors by name. */
    public record SavedState(long step, Map<String, Tensor> tensors) {
    }

    /**
     * An optimizer's state, like PyTorch's {@code {"state": ..., "param_groups": ...}}: the groups'
     * options and, by parameter index, each parameter's state. Numbers go to JSON and tensors to a
     * weights file when checkpointing.
     */
    public record StateDict(List<GroupState> paramGroups, Map<Integer, SavedState> state) {
    }

    /**
     * Sets the name and the defaults; the subclass constructor then sets its own fields and calls
     * {@link #addFirstGroup} (validation may read those fields, which are unset while this runs).
     *
     * @param name     the optimizer's name for error messages
     * @param defaults every option the optimizer has, with its default value
     */
    protected Optimizer(String name, Map<String, Double> defaults) {
        this.name = name;
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    /**
     * Adds the constructor's parameters as group 0, with the default options.
     *
     * @param params leaf floating point tensors, each once
     */
    protected final void addFirstGroup(List<Tensor> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        addParamGroup(new ParamGroup(params));
    }

    /**
     * Adds a group (PyTorch's {@code add_param_group}), filling the options it does not set from the
     * optimizer's defaults.
     *
     * @throws IllegalArgumentException for an unknown option, a bad value, or a parameter that is already
     *                                  in a group
     */
    public void addParamGroup(ParamGroup group) {
        for (String k : group.options().keySet()) {
            if (!defaults.containsKey(k)) {
                throw new IllegalArgumentException(name + ": unknown option '" + k + "' in parameter group "
                        + groups.size() + " (known: " + String.join(", ", defaults.keySet()) + ")");
            }
        }
        defaults.forEach((k, v) -> {
            if (!group.has(k)) {
                group.set(k, v);
            }
        });
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            g.params().forEach(p -> seen.put(p, Boolean.TRUE));
        }
        for (Tensor p : group.params()) {
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name + ": can only optimize floating point tensors, got " + p.dtype());
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": cannot optimize a non-leaf tensor (computed by " + p.gradFn()
                        + "); optimize the parameters it was computed from");
            }
            if (seen.put(p, Boolean.TRUE) != null) {
                throw new IllegalArgumentException(name + ": a parameter of shape " + Arrays.toString(p.shape())
                        + " appears more than once in the parameter groups");
            }
        }
        validate(group);
        groups.add(group);
    }

    /** Checks a group's option values; throws IllegalArgumentException naming the bad one. */
    protected abstract void validate(ParamGroup group);

    /** Throws unless {@code value >= 0}. */
    protected final void requireNonNegative(ParamGroup group, String option) {
        double v = group.get(option);
        if (!(v >= 0)) {
            throw new IllegalArgumentException(name + ": invalid " + option + " " + v + " (must be >= 0)");
        }
    }

    /** Throws unless {@code 0 <= value < 1}. */
    protected final void requireUnitInterval(ParamGroup group, String option) {
        double v = group.get(option);
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + ": invalid " + option + " " + v + " (must be in [0, 1))");
        }
    }

    /** The parameter groups, in order (the groups themselves, so schedules can change their options). */
    public List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** The options and their defaults. */
    public Map<String, Double> defaults() {
        return defaults;
    }

    /** The state of {@code param}, or null before its first update. */
    public ParamState state(Tensor param) {
        return state.get(param);
    }

    /**
     * Updates every parameter that has a gradient, under no-grad and in a scope of its own (its
     * temporaries are freed on return; the state persists).
     */
    public void step() {
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) {
                        continue;
                    }
                    ParamState st = state.computeIfAbsent(p, k -> new ParamState());
                    st.step++;
                    update(g, p, grad, st);
                }
            }
        }
    }

    /**
     * The update of one parameter, in place, as the PyTorch optimizer computes it. Runs under no-grad
     * inside {@link #step()}'s scope; {@code state.step()} already counts this update.
     *
     * @param group the parameter's group (its options)
     * @param param the parameter, updated in place
     * @param grad  its gradient, the parameter's shape
     * @param state the parameter's state; create state tensors with {@link #stateTensor}
     */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    /** The state tensor {@code name}, created by {@code init} outside every scope on first use. */
    protected final Tensor stateTensor(ParamState st, String name, Supplier<Tensor> init) {
        return st.getOrCreate(name, init);
    }

    /** Clears every parameter's gradient (sets it to null and frees it, PyTorch's {@code set_to_none}). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /**
     * PyTorch's {@code zero_grad(set_to_none)}: {@code false} keeps each gradient tensor and fills it
     * with zeros in place ({@link Tensor#zeroGrad(boolean)}).
     */
    public void zeroGrad(boolean setToNone) {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                p.zeroGrad(setToNone);
            }
        }
    }

    /**
     * The state: each group's options and parameter indices, and by index each updated parameter's
     * step count and state tensors. The tensors are detached views of the optimizer's own (later steps
     * change them); clone them to keep a snapshot.
     */
    public StateDict stateDict() {
        List<GroupState> gs = new ArrayList<>();
        Map<Integer, SavedState> saved = new LinkedHashMap<>();
        int index = 0;
        for (ParamGroup g : groups) {
            List<Integer> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                ParamState st = state.get(p);
                if (st != null) {
                    LinkedHashMap<String, Tensor> ts = new LinkedHashMap<>();
                    st.tensors.forEach((k, v) -> ts.put(k, v.detach()));
                    saved.put(index, new SavedState(st.step, Collections.unmodifiableMap(ts)));
                }
                ids.add(index++);
            }
            gs.add(new GroupState(Collections.unmodifiableMap(new LinkedHashMap<>(g.options())),
                    Collections.unmodifiableList(ids)));
        }
        return new StateDict(Collections.unmodifiableList(gs), Collections.unmodifiableMap(saved));
    }

    /**
     * Restores a state saved by {@link #stateDict()} from an optimizer of the same kind over parameters
     * of the same shapes in the same groups: the groups' options are replaced, and each parameter's
     * state is copied (to the parameter's device, floating point tensors in its dtype). Nothing changes
     * unless everything matches.
     *
     * @throws IllegalArgumentException naming the first group or parameter that does not match
     */
    public void loadStateDict(StateDict sd) {
        if (sd.paramGroups().size() != groups.size()) {
            throw new IllegalArgumentException(name + ".loadStateDict: the state has " + sd.paramGroups().size()
                    + " parameter groups, the optimizer " + groups.size());
        }
        Map<Integer, Tensor> byIndex = new LinkedHashMap<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            List<Integer> ids = sd.paramGroups().get(gi).params();
            List<Tensor> ps = groups.get(gi).params();
            if (ids.size() != ps.size()) {
                throw new IllegalArgumentException(name + ".loadStateDict: parameter group " + gi + " has " + ids.size()
                        + " parameters in the state, " + ps.size() + " in the optimizer");
            }
            for (int i = 0; i < ids.size(); i++) {
                byIndex.put(ids.get(i), ps.get(i));
            }
        }
        for (Map.Entry<Integer, SavedState> e : sd.state().entrySet()) {
            Tensor p = byIndex.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException(name + ".loadStateDict: state for parameter " + e.getKey()
                        + ", which no group lists");
            }
            for (Map.Entry<String, Tensor> t : e.getValue().tensors().entrySet()) {
                if (!Arrays.equals(t.getValue().shape(), p.shape())) {
                    throw new IllegalArgumentException(name + ".loadStateDict: state '" + t.getKey() + "' of parameter "
                            + e.getKey() + " has shape " + Arrays.toString(t.getValue().shape()) + ", the parameter "
                            + Arrays.toString(p.shape()));
                }
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            sd.paramGroups().get(gi).options().forEach(g::set);
        }
        state.values().forEach(ParamState::close);
        state.clear();
        // the scope frees the conversions; the copies the optimizer keeps are untracked
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            for (Map.Entry<Integer, SavedState> e : sd.state().entrySet()) {
                Tensor p = byIndex.get(e.getKey());
                ParamState st = new ParamState();
                st.step = e.getValue().step();
                for (Map.Entry<String, Tensor> t : e.getValue().tensors().entrySet()) {
                    Tensor src = t.getValue();
                    Tensor c = src.to(p.device());
                    if (c.dtype().isFloatingPoint()) {
                        c = c.to(p.dtype());
                    }
                    // always a fresh copy: the optimizer owns and updates its state in place
                    Tensor own = Scope.untrack(c.clone());
                    st.tensors.put(t.getKey(), own);
                }
                state.put(p, st);
            }
        }
    }

    /** Frees the state tensors; the optimizer starts afresh if stepped again. */
    @Override
    public void close() {
        state.values().forEach(ParamState::close);
        state.clear();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        for (int i = 0; i < groups.size(); i++) {
            sb.append("\n  group ").append(i).append(": ").append(groups.get(i).params().size()).append(" tensors, ")
                    .append(groups.get(i).options());
        }
        return sb.append("\n)").toString();
    }
}
