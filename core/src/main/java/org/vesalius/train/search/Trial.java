package org.vesalius.train.search;

/**
 * One evaluated configuration.
 *
 * @param config  the configuration (its {@code trial()} is the index)
 * @param score   the objective's value (NaN if it returned NaN)
 * @param seconds the time the objective took
 */
public record Trial(Config config, double score, double seconds) {
    /** The trial's index. */
    public int index() {
        return config.trial();
    }
}
