package org.vesalius.train.metrics;

/**
 * The root mean squared error {@code sqrt(mean((output - target)^2))}; logged as {@code "rmse"}. With
 * several outputs per sample ({@code [N, D...]}) it is the mean of each output's RMSE, as scikit-learn's
 * {@code root_mean_squared_error} with its default {@code multioutput="uniform_average"}. Output and
 * target have the same shape ({@code [N]} and {@code [N, 1]} may be mixed).
 */
public final class RootMeanSquaredError extends RegressionMetric {
    @Override
    public String name() {
        return "rmse";
    }

    @Override
    double value() {
        double sum = 0;
        for (double v : stats.sse) {
            sum += Math.sqrt(v / stats.n);
        }
        return sum / stats.columns;
    }
}
