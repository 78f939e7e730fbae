package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.train.Mode;

/**
 * Base of {@link GridSearch} and {@link RandomSearch}: runs an {@link Objective} on every configuration
 * and collects the scores. Trials run one after another, or on {@link #threads(int) N threads} at once
 * (each trial builds its own model, so they share nothing); either way the results come in trial order and
 * each trial's {@link Config#seed()} is the same, so the same search gives the same table. A trial that
 * throws ends the search with an {@link IllegalStateException} naming the configuration.
 *
 * <p>The table is the same on every run only if trials draw their random numbers from their seed:
 * pass {@code new Generator(config.seed())} to layers and loaders, or call
 * {@code Tensor.manualSeed(config.seed())} first in the objective. On several threads each trial
 * thread has its own default generator, and an unseeded one starts from a seed that depends on the
 * order in which the threads first drew (see {@link org.vesalius.tensor.Generator}).
 */
public abstract class Search {
    private static final Logger LOG = LoggerFactory.getLogger(Search.class);

    private final SearchSpace space;
    private final Mode mode;
    private final long seed;
    private int threads = 1;

    /**
     * @param mode MAX when higher scores are better (accuracy), MIN when lower are (loss)
     * @param seed the seed of the configurations' {@link Config#seed()} (and of sampling, where there is one)
     */
    protected Search(SearchSpace space, Mode mode, long seed) {
        this.space = java.util.Objects.requireNonNull(space, "space");
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.seed = seed;
        if (space.names().isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the search space is empty");
        }
    }

    /** Runs up to {@code n} trials at once (default 1). */
    public Search threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".threads: must be >= 1, got " + n);
        }
        this.threads = n;
        return this;
    }

    /** The space searched. */
    public SearchSpace space() {
        return space;
    }

    /** Whether higher or lower scores are better. */
    public Mode mode() {
        return mode;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The configurations this search evaluates, in trial order (the same on every call). */
    public abstract List<Config> configs();

    /** A configuration with the trial's derived seed. */
    protected final Config config(int trial, java.util.Map<String, Object> values) {
        // SplitMix64 of (seed, trial): trials' seeds are unrelated even for neighbouring indices
        long z = seed + 0x9E3779B97F4A7C15L * (trial + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Config(trial, z ^ (z >>> 31), values);
    }

    /** Evaluates every configuration and returns the results in trial order. */
    public SearchResult run(Objective objective) {
        List<Config> configs = configs();
        LOG.info("{}: {} trials over {}{}", getClass().getSimpleName(), configs.size(), space,
                threads > 1 ? " on " + threads + " threads" : "");
        List<Trial> trials = new ArrayList<>(configs.size());
        if (threads == 1 || configs.size() == 1) {
            for (Config c : configs) {
                trials.add(runTrial(objective, c, configs.size()));
            }
        } else {
            AtomicInteger count = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, configs.size()), r -> {
                Thread t = new Thread(r, "vesalius-search-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Trial>> futures = new ArrayList<>();
                for (Config c : configs) {
                    futures.add(pool.submit(() -> runTrial(objective, c, configs.size())));
                }
                for (Future<Trial> f : futures) {
                    trials.add(f.get());
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(getClass().getSimpleName() + ": interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        }
        SearchResult result = new SearchResult(space.names(), mode, trials);
        if (result.hasBest()) {
            Trial best = result.best();
            LOG.info("{}: best score {} in trial {} ({})", getClass().getSimpleName(), best.score(), best.index(),
                    best.config());
        }
        return result;
    }

    private Trial runTrial(Objective objective, Config c, int total) {
        long t0 = System.nanoTime();
        double score;
        try {
            score = objective.score(c);
        } catch (Exception e) {
            throw new IllegalStateException(getClass().getSimpleName() + ": trial " + c.trial() + " (" + c + ") failed: "
                    + e, e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("trial {}/{} ({}): score {} in {} s", c.trial() + 1, total, c, score,
                String.format(java.util.Locale.ROOT, "%.2f", seconds));
        return new Trial(c, score, seconds);
    }
}
