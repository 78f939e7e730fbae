package org.vesalius.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyperparameters, like one entry of PyTorch's {@code param_groups}: the
 * tensors, and options by name ({@code "lr"}, {@code "weightDecay"}, {@code "momentum"}, ...; each
 * optimizer documents its own). Options a group does not set come from the optimizer's defaults when
 * the group is added. Schedules change {@code lr} here, and may record their own entries
 * ({@code "initialLr"}, {@code "maxLr"}, ...) as PyTorch's schedulers do.
 * <pre>{@code
 * var opt = new SGD(backbone.parameters(), 0.001, 0.9);                       // group 0: defaults
 * opt.addParamGroup(new ParamGroup(head.parameters(), Map.of("lr", 0.01)));   // group 1: its own lr
 * }</pre>
 */
public final class ParamGroup {
    private final List<org.vesalius.tensor.Tensor> params;
    private final LinkedHashMap<String, Double> options;

    /** A group whose options all come from the optimizer's defaults. */
    public ParamGroup(List<org.vesalius.tensor.Tensor> params) {
        this(params, Map.of());
    }

    /** A group with its own values for some options (names as the optimizer documents them). */
    public ParamGroup(List<org.vesalius.tensor.Tensor> params, Map<String, Double> options) {
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.options = new LinkedHashMap<>(options);
    }

    /** The parameters, in order. */
    public List<org.vesalius.tensor.Tensor> params() {
        return params;
    }

    /** The learning rate. */
    public double lr() {
        return get("lr");
    }

    /** Sets the learning rate (what schedules do). */
    public void setLr(double lr) {
        set("lr", lr);
    }

    /**
     * The value of an option.
     *
     * @throws IllegalArgumentException if the group has no such option
     */
    public double get(String option) {
        Double v = options.get(option);
        if (v == null) {
            throw new IllegalArgumentException("ParamGroup: no option '" + option + "' (it has: "
                    + String.join(", ", options.keySet()) + ")");
        }
        return v;
    }

    /** Whether the group has a value for {@code option}. */
    public boolean has(String option) {
        return options.containsKey(option);
    }

    /** Sets an option. */
    public void set(String option, double value) {
        options.put(option, value);
    }

    /** The options by name (read-only view), in the order they were set. */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " tensors, " + options + ")";
    }
}
