package org.vesalius.train.metrics;

/**
 * The mean absolute error {@code mean(|output - target|)} over every sample and output; logged as
 * {@code "mae"}. Output and target have the same shape, {@code [N]} or {@code [N, D...]} ({@code [N]} and
 * {@code [N, 1]} may be mixed).
 */
public final class MeanAbsoluteError extends RegressionMetric {
    @Override
    public String name() {
        return "mae";
    }

    @Override
    double value() {
        double sum = 0;
        for (double v : stats.sumAbs) {
            sum += v;
        }
        return sum / ((double) stats.n * stats.columns);
    }
}
