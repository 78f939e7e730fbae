package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.data.Fold;
import org.vesalius.data.KFold;

/**
 * Objectives scored by cross-validation instead of one holdout: the configuration is trained and scored
 * once per fold and the score is the mean over the folds. The folds are fixed before the search, so every
 * configuration sees the same splits.
 * <pre>{@code
 * Objective cv = CrossValidation.kFold(5, dataset.size(), 42, (cfg, trainIdx, valIdx) -> {
 *     var train = DataLoader.of(new Subset<>(dataset, trainIdx), 64).shuffle(true).seed(cfg.seed());
 *     ... fit, then return trainer.evaluate(valLoader).get("accuracy");
 * });
 * SearchResult r = new RandomSearch(space, Mode.MAX, 20, 7).run(cv);
 * }</pre>
 */
public final class CrossValidation {
    private static final Logger LOG = LoggerFactory.getLogger(CrossValidation.class);

    /** Scores a configuration on one split of sample indices. */
    @FunctionalInterface
    public interface FoldObjective {
        /**
         * @param trainIdx the samples to train on, ascending
         * @param valIdx   the samples to score on, ascending, disjoint from {@code trainIdx}
         */
        double score(Config config, int[] trainIdx, int[] valIdx) throws Exception;
    }

    private CrossValidation() {
    }

    /**
     * The mean score over {@code k} folds of {@code n} samples, shuffled with {@code seed}
     * ({@link KFold}: every sample is validated exactly once).
     */
    public static Objective kFold(int k, int n, long seed, FoldObjective objective) {
        return folds(new KFold(k, true, seed).split(n), objective);
    }

    /**
     * The mean score over the given folds (from {@link KFold}, {@code StratifiedKFold} or built by hand).
     * NaN if any fold scores NaN.
     */
    public static Objective folds(List<Fold> folds, FoldObjective objective) {
        if (folds.isEmpty()) {
            throw new IllegalArgumentException("CrossValidation: no folds");
        }
        List<Fold> fixed = new ArrayList<>(folds);
        return config -> {
            double sum = 0;
            for (int i = 0; i < fixed.size(); i++) {
                Fold f = fixed.get(i);
                double s = objective.score(config, f.train().clone(), f.validation().clone());
                LOG.debug("trial {} fold {}/{}: {}", config.trial(), i + 1, fixed.size(), s);
                sum += s;
            }
            return sum / fixed.size();
        };
    }
}
