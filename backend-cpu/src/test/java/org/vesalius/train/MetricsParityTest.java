package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.nn.TrainingFixtures;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Accuracy;
import org.vesalius.train.metrics.ClassificationMetric;
import org.vesalius.train.metrics.ClassificationMetric.Average;
import org.vesalius.train.metrics.ConfusionMatrix;
import org.vesalius.train.metrics.F1Score;
import org.vesalius.train.metrics.MeanAbsoluteError;
import org.vesalius.train.metrics.Metric;
import org.vesalius.train.metrics.Precision;
import org.vesalius.train.metrics.R2Score;
import org.vesalius.train.metrics.Recall;
import org.vesalius.train.metrics.RocAuc;
import org.vesalius.train.metrics.RootMeanSquaredError;
import org.vesalius.train.metrics.TopKAccuracy;

/**
 * Every metric against scikit-learn 1.2 ({@code tools/golden/generate_metrics.py}), fed in uneven batches so
 * that the accumulated value is checked to equal the value over all samples at once.
 */
class MetricsParityTest {
    private static final double TOL = 1e-12;

    static Stream<Arguments> cases() {
        JsonObject root = TrainingFixtures.load("sklearn/metrics.json");
        return TrainingFixtures.objects(root.getAsJsonArray("cases")).stream()
                .map(c -> Arguments.of(c.get("id").getAsString(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScikitLearn(String id, JsonObject c) {
        String kind = c.get("kind").getAsString();
        boolean regression = kind.equals("regression");
        try (Tensor out = tensor(c, "output", "outputShape", false, regression);
             Tensor target = tensor(c, "target", "targetShape", kind.equals("multiclass") || kind.equals("two_columns"),
                     regression)) {
            switch (kind) {
                case "regression":
                    check(c, "mae", new MeanAbsoluteError(), out, target, TOL);
                    check(c, "rmse", new RootMeanSquaredError(), out, target, TOL);
                    check(c, "r2", new R2Score(), out, target, 1e-11);
                    break;
                case "two_columns":
                    check(c, "auc", new RocAuc(), out, target, TOL);
                    break;
                default:
                    classification(c, out, target);
            }
        }
    }

    private static void classification(JsonObject c, Tensor out, Tensor target) {
        int classes = c.get("classes").getAsInt();
        check(c, "accuracy", new Accuracy(), out, target, TOL);
        ConfusionMatrix cm = new ConfusionMatrix();
        feed(cm::update, out, target);
        JsonArray expected = c.getAsJsonArray("confusion_matrix");
        long[][] m = cm.compute();
        for (int i = 0; i < classes; i++) {
            long[] row = new long[classes];
            for (int j = 0; j < classes; j++) {
                row[j] = expected.get(i).getAsJsonArray().get(j).getAsLong();
            }
            assertArrayEquals(row, m[i], "confusion matrix row " + i);
        }
        List<Average> averages = classes == 2 ? List.of(Average.values()) : List.of(Average.MACRO, Average.MICRO,
                Average.WEIGHTED);
        for (Average a : averages) {
            String suffix = "_" + a.name().toLowerCase(java.util.Locale.ROOT);
            check(c, "precision" + suffix, new Precision(a), out, target, TOL);
            check(c, "recall" + suffix, new Recall(a), out, target, TOL);
            check(c, "f1" + suffix, new F1Score(a), out, target, TOL);
        }
        for (ClassificationMetric metric : List.of(new Precision(), new Recall(), new F1Score())) {
            feed(metric::update, out, target);
            JsonArray per = c.getAsJsonArray(metric.name() + "_per_class");
            double[] values = metric.perClass();
            for (int k = 0; k < classes; k++) {
                assertEquals(per.get(k).getAsDouble(), values[k], TOL, metric.name() + " of class " + k);
            }
        }
        if (c.get("kind").getAsString().equals("multiclass")) {
            check(c, "top2_accuracy", new TopKAccuracy(2), out, target, TOL);
            check(c, "top3_accuracy", new TopKAccuracy(3), out, target, TOL);
        }
        if (c.has("auc")) {
            check(c, "auc", new RocAuc(), out, target, TOL);
        }
        if (c.has("auc_logits")) {
            // the softmax is computed in double and stored as float32: near-equal probabilities may tie
            check(c, "auc_logits", new RocAuc(true), out, target, 1e-6);
            try (Tensor probs = tensor(c, "probabilities", "outputShape", false, false)) {
                check(c, "auc_probabilities", new RocAuc(), probs, target, TOL);
            }
        }
    }

    private static void check(JsonObject c, String key, Metric metric, Tensor out, Tensor target, double tol) {
        feed(metric::update, out, target);
        assertEquals(c.get(key).getAsDouble(), metric.compute(), tol, c.get("id").getAsString() + ": " + key);
        metric.reset();
        feed(metric::update, out, target);
        assertEquals(c.get(key).getAsDouble(), metric.compute(), tol, key + " after reset");
    }

    /** Batches of 1, 16, 1, 16, ... samples and the rest: uneven on purpose. */
    private static void feed(java.util.function.BiConsumer<Tensor, Tensor> update, Tensor out, Tensor target) {
        int n = out.size(0);
        int start = 0;
        for (int b = 0; start < n; b++) {
            int len = Math.min(b % 2 == 0 ? 1 : 16, n - start);
            try (Tensor o = out.narrow(0, start, len); Tensor t = target.narrow(0, start, len)) {
                update.accept(o, t);
            }
            start += len;
        }
    }

    /** Regression values stay float64: float32 rounding would show in the 12th digit of the errors. */
    private static Tensor tensor(JsonObject c, String key, String shapeKey, boolean integer, boolean float64) {
        JsonArray a = c.getAsJsonArray(key);
        JsonArray s = c.getAsJsonArray(shapeKey);
        int[] shape = new int[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).getAsInt();
        }
        if (integer) {
            long[] v = new long[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i).getAsLong();
            }
            return Tensor.of(v, shape);
        }
        if (float64) {
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.get(i).getAsDouble();
            }
            return Tensor.of(v, shape);
        }
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(a.get(i).getAsString());
        }
        return Tensor.of(v, shape);
    }
}
