package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * The mean absolute error {@code mean(|output - target|)} over every sample and output; logged as
 * {@code "mae"}. Output and target have the same shape, {@code [N]} or {@code [N, D...]} ({@code [N]} and
 * {@code [N, 1]} may be mixed).
 */
public final class MeanAbsoluteError implements Metric {
    private final RegressionStats stats = new RegressionStats();

    @Override
    public String name() {
        return "mae";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        stats.update(name(), output, target);
    }

    @Override
    public double compute() {
        if (stats.n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : stats.sumAbs) {
            sum += v;
        }
        return sum / ((double) stats.n * stats.columns);
    }

    @Override
    public void reset() {
        stats.reset();
    }
}
