package org.vesalius.train.metrics;

/**
 * The coefficient of determination {@code 1 - SS_res / SS_tot} as scikit-learn's {@code r2_score}: 1 for
 * a perfect fit, 0 for predicting the mean, negative for worse. A constant target gives 1 when predicted
 * exactly and 0 otherwise (scikit-learn's {@code force_finite}). With several outputs per sample it is the
 * mean of each output's R². Logged as {@code "r2"}. Output and target have the same shape ({@code [N]} and
 * {@code [N, 1]} may be mixed).
 */
public final class R2Score extends RegressionMetric {
    @Override
    public String name() {
        return "r2";
    }

    @Override
    double value() {
        double sum = 0;
        for (int j = 0; j < stats.columns; j++) {
            if (stats.m2[j] == 0) {
                sum += stats.sse[j] == 0 ? 1 : 0;
            } else {
                sum += 1 - stats.sse[j] / stats.m2[j];
            }
        }
        return sum / stats.columns;
    }
}
