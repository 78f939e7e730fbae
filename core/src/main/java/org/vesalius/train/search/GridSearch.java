package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.train.Mode;

/**
 * Every combination of the space's grid values (integers and choices: all of them; floats: their grid
 * points), like scikit-learn's {@code GridSearchCV}. Trial order: the last hyperparameter varies fastest.
 */
public final class GridSearch extends Search {
    /** Grids larger than this are refused: a random search covers such spaces better. */
    public static final long MAX_TRIALS = 1_000_000;

    /** A grid search; trial seeds derive from 0. */
    public GridSearch(SearchSpace space, Mode mode) {
        this(space, mode, 0);
    }

    /** A grid search whose trials' {@link Config#seed()} derive from {@code seed}. */
    public GridSearch(SearchSpace space, Mode mode, long seed) {
        super(space, mode, seed);
        if (space.gridSize() > MAX_TRIALS) {
            throw new IllegalArgumentException("GridSearch: the grid has " + space.gridSize() + " combinations (more than "
                    + MAX_TRIALS + "); narrow the space or use RandomSearch");
        }
    }

    @Override
    public List<Config> configs() {
        List<Param> params = space().params();
        List<List<Object>> grids = new ArrayList<>();
        for (Param p : params) {
            grids.add(p.grid());
        }
        int total = (int) space().gridSize();
        List<Config> out = new ArrayList<>(total);
        for (int t = 0; t < total; t++) {
            Map<String, Object> values = new LinkedHashMap<>();
            int rest = t;
            Object[] picked = new Object[params.size()];
            for (int i = params.size() - 1; i >= 0; i--) {
                List<Object> g = grids.get(i);
                picked[i] = g.get(rest % g.size());
                rest /= g.size();
            }
            for (int i = 0; i < params.size(); i++) {
                values.put(params.get(i).name, picked[i]);
            }
            out.add(config(t, values));
        }
        return out;
    }
}
