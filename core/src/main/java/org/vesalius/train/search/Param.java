package org.vesalius.train.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** One dimension of a {@link SearchSpace}: how it is sampled and which values a grid takes. */
abstract class Param {
    final String name;

    Param(String name) {
        this.name = name;
    }

    /** A random value. */
    abstract Object sample(SplittableRandom rng);

    /** The values a grid search tries, in order. */
    abstract List<Object> grid();

    /** A description for error messages and logs. */
    abstract String describe();

    /** Integers {@code low, low + step, ..., <= high}; each equally likely. */
    static final class Ints extends Param {
        final int low;
        final int high;
        final int step;

        Ints(String name, int low, int high, int step) {
            super(name);
            if (step < 1 || high < low) {
                throw new IllegalArgumentException("SearchSpace: integer '" + name + "' needs low <= high and step >= 1, got "
                        + low + ".." + high + " step " + step);
            }
            this.low = low;
            this.high = high;
            this.step = step;
        }

        private int count() {
            return (int) (((long) high - low) / step + 1);
        }

        @Override
        Object sample(SplittableRandom rng) {
            return low + step * rng.nextInt(count());
        }

        @Override
        List<Object> grid() {
            List<Object> v = new ArrayList<>();
            for (int i = 0; i < count(); i++) {
                v.add(low + step * i);
            }
            return v;
        }

        @Override
        String describe() {
            return "integer " + low + ".." + high + (step == 1 ? "" : " step " + step);
        }
    }

    /** Doubles uniform in [low, high], or log-uniform; a grid of {@code points} evenly (or geometrically) spaced. */
    static final class Floats extends Param {
        final double low;
        final double high;
        final boolean log;
        final int points;

        Floats(String name, double low, double high, boolean log, int points) {
            super(name);
            if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
                throw new IllegalArgumentException("SearchSpace: '" + name + "' needs finite low <= high, got " + low + ", "
                        + high);
            }
            if (log && !(low > 0)) {
                throw new IllegalArgumentException("SearchSpace: log-uniform '" + name + "' needs low > 0, got " + low);
            }
            if (points < 1 || points == 1 && low != high) {
                throw new IllegalArgumentException("SearchSpace: '" + name + "' needs at least 2 grid points, got " + points);
            }
            this.low = low;
            this.high = high;
            this.log = log;
            this.points = points;
        }

        @Override
        Object sample(SplittableRandom rng) {
            double u = rng.nextDouble();
            return log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        }

        @Override
        List<Object> grid() {
            List<Object> v = new ArrayList<>();
            for (int i = 0; i < points; i++) {
                double t = points == 1 ? 0 : (double) i / (points - 1);
                // the ends exactly, so that a grid over [1e-3, 1e-1] contains 1e-3 and 1e-1 themselves
                v.add(i == 0 ? low : i == points - 1 ? high
                        : log ? Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low))) : low + t * (high - low));
            }
            return v;
        }

        @Override
        String describe() {
            return (log ? "log-uniform " : "uniform ") + low + ".." + high;
        }
    }

    /** One of a list of values, each equally likely. */
    static final class Choice extends Param {
        final List<Object> options;

        Choice(String name, List<?> options) {
            super(name);
            if (options.isEmpty()) {
                throw new IllegalArgumentException("SearchSpace: choice '" + name + "' needs at least one option");
            }
            this.options = Collections.unmodifiableList(new ArrayList<>(options));
        }

        @Override
        Object sample(SplittableRandom rng) {
            return options.get(rng.nextInt(options.size()));
        }

        @Override
        List<Object> grid() {
            return options;
        }

        @Override
        String describe() {
            return "choice of " + options;
        }
    }
}
