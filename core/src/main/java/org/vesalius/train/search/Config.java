package org.vesalius.train.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configuration of a search: a value for every hyperparameter of the {@link SearchSpace}, the trial's
 * index and a seed derived from the search's seed and the index (for the trial's weight initialisation and
 * data shuffling, so that a trial gives the same score whether it runs alone, first or on another thread).
 */
public final class Config {
    private final int trial;
    private final long seed;
    private final Map<String, Object> values;

    Config(int trial, long seed, Map<String, Object> values) {
        this.trial = trial;
        this.seed = seed;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The trial's index (0-based), its row in the results. */
    public int trial() {
        return trial;
    }

    /** A seed for this trial's random numbers. */
    public long seed() {
        return seed;
    }

    /** Every hyperparameter's value, in the space's order. */
    public Map<String, Object> values() {
        return values;
    }

    /** The value of {@code name}. */
    public Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("Config: no hyperparameter '" + name + "'; the space has " + values.keySet());
        }
        return v;
    }

    /** An integer hyperparameter. */
    public int getInt(String name) {
        Object v = get(name);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        throw new IllegalArgumentException("Config: '" + name + "' is " + v + " (" + v.getClass().getSimpleName()
                + "), not an integer");
    }

    /** A numeric hyperparameter as a double. */
    public double getDouble(String name) {
        Object v = get(name);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw new IllegalArgumentException("Config: '" + name + "' is " + v + " (" + v.getClass().getSimpleName()
                + "), not a number");
    }

    /** A hyperparameter as text ({@code toString()} of a choice). */
    public String getString(String name) {
        return String.valueOf(get(name));
    }

    /** {@code lr=0.01, hidden=32, optimizer=adam}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }
}
