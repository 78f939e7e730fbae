package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * Base of the regression metrics: they accumulate the same per-output sums ({@link RegressionStats}) and
 * differ only in how they combine them. Output and target have the same shape, {@code [N]} or
 * {@code [N, D...]} ({@code [N]} and {@code [N, 1]} may be mixed).
 */
abstract class RegressionMetric implements Metric {
    final RegressionStats stats = new RegressionStats();

    @Override
    public void update(Tensor output, Tensor target) {
        stats.update(name(), output, target);
    }

    @Override
    public double compute() {
        return stats.n == 0 ? Double.NaN : value();
    }

    /** The value from at least one sample's sums. */
    abstract double value();

    @Override
    public void reset() {
        stats.reset();
    }
}
