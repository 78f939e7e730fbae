package org.vesalius.train.search;

/**
 * What a search optimises: trains (or fits) a model with a configuration and returns its score on held-out
 * data, such as the validation accuracy or loss. Runs on the search's threads when it runs trials in
 * parallel, so it must build its own model, optimizer and data loaders; NaN marks a failed configuration
 * (a diverged run) that cannot be the best.
 */
@FunctionalInterface
public interface Objective {
    /** The score of {@code config}. */
    double score(Config config) throws Exception;
}
