package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vesalius.train.Mode;

/**
 * {@code trials} configurations drawn at random from the space (integers and choices uniformly, floats
 * uniformly or log-uniformly), like scikit-learn's {@code RandomizedSearchCV}; Bergstra and Bengio (2012)
 * show it finds good settings in fewer trials than a grid when only a few hyperparameters matter. The
 * same seed draws the same configurations, in the same order, whatever the number of threads.
 */
public final class RandomSearch extends Search {
    private final int trials;

    /**
     * @param trials the number of configurations to draw (>= 1)
     * @param seed   the seed of the draws and of the trials' {@link Config#seed()}
     */
    public RandomSearch(SearchSpace space, Mode mode, int trials, long seed) {
        super(space, mode, seed);
        if (trials < 1) {
            throw new IllegalArgumentException("RandomSearch: trials must be >= 1, got " + trials);
        }
        this.trials = trials;
    }

    @Override
    public List<Config> configs() {
        SplittableRandom rng = new SplittableRandom(seed());
        List<Config> out = new ArrayList<>(trials);
        for (int t = 0; t < trials; t++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Param p : space().params()) {
                values.put(p.name, p.sample(rng));
            }
            out.add(config(t, values));
        }
        return out;
    }
}
