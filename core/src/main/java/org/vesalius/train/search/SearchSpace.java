package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The hyperparameters a search varies and their ranges, in the spirit of Ray Tune's {@code randint},
 * {@code uniform}, {@code loguniform} and {@code choice}:
 * <pre>{@code
 * var space = new SearchSpace()
 *         .logUniform("lr", 1e-4, 1e-1)        // sampled log-uniformly; 5 grid points by default
 *         .integer("hidden", 16, 128, 16)      // 16, 32, ..., 128
 *         .choice("optimizer", "sgd", "adam");
 * }</pre>
 * Names are unique and keep their order (the columns of the results table).
 */
public final class SearchSpace {
    /** Grid points of a float range when none are given. */
    public static final int DEFAULT_GRID_POINTS = 5;

    private final List<Param> params = new ArrayList<>();

    /** An empty space. */
    public SearchSpace() {
    }

    /** Integers {@code low..high} (inclusive), each equally likely; a grid takes all of them. */
    public SearchSpace integer(String name, int low, int high) {
        return add(new Param.Ints(name, low, high, 1));
    }

    /** Integers {@code low, low + step, ...} up to {@code high}, each equally likely; a grid takes all. */
    public SearchSpace integer(String name, int low, int high, int step) {
        return add(new Param.Ints(name, low, high, step));
    }

    /** Doubles uniform in {@code [low, high]}; a grid takes {@value #DEFAULT_GRID_POINTS} evenly spaced points. */
    public SearchSpace uniform(String name, double low, double high) {
        return add(new Param.Floats(name, low, high, false, DEFAULT_GRID_POINTS));
    }

    /** Doubles uniform in {@code [low, high]}; a grid takes {@code gridPoints} evenly spaced points, ends included. */
    public SearchSpace uniform(String name, double low, double high, int gridPoints) {
        return add(new Param.Floats(name, low, high, false, gridPoints));
    }

    /**
     * Doubles whose logarithm is uniform in {@code [log low, log high]} ({@code 0 < low}), for scales such as
     * learning rates; a grid takes {@value #DEFAULT_GRID_POINTS} geometrically spaced points.
     */
    public SearchSpace logUniform(String name, double low, double high) {
        return add(new Param.Floats(name, low, high, true, DEFAULT_GRID_POINTS));
    }

    /** Log-uniform doubles; a grid takes {@code gridPoints} geometrically spaced points, ends included. */
    public SearchSpace logUniform(String name, double low, double high, int gridPoints) {
        return add(new Param.Floats(name, low, high, true, gridPoints));
    }

    /** One of the given values (numbers, strings, enums, anything), each equally likely; a grid takes all. */
    public SearchSpace choice(String name, Object... options) {
        return add(new Param.Choice(name, Arrays.asList(options)));
    }

    /** One of the given values, each equally likely; a grid takes all. */
    public SearchSpace choice(String name, List<?> options) {
        return add(new Param.Choice(name, options));
    }

    private SearchSpace add(Param p) {
        if (p.name == null || p.name.isEmpty()) {
            throw new IllegalArgumentException("SearchSpace: a hyperparameter needs a non-empty name");
        }
        for (Param q : params) {
            if (q.name.equals(p.name)) {
                throw new IllegalArgumentException("SearchSpace: '" + p.name + "' is defined twice");
            }
        }
        if (p.name.equals("trial") || p.name.equals("score") || p.name.equals("seconds")) {
            throw new IllegalArgumentException("SearchSpace: '" + p.name + "' is a column of the results table; pick another name");
        }
        params.add(p);
        return this;
    }

    /** The hyperparameter names in order. */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (Param p : params) {
            n.add(p.name);
        }
        return n;
    }

    /** Number of configurations a grid search runs (the product of every parameter's grid size). */
    public long gridSize() {
        long n = 1;
        for (Param p : params) {
            n = Math.multiplyExact(n, p.grid().size());
        }
        return n;
    }

    List<Param> params() {
        return Collections.unmodifiableList(params);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SearchSpace{");
        for (int i = 0; i < params.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(params.get(i).name).append(": ").append(params.get(i).describe());
        }
        return sb.append('}').toString();
    }
}
