package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Accuracy;
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

/** Small cases worked out by hand, and the errors for bad input. */
class MetricsTest {
    private static double once(Metric m, Tensor output, Tensor target) {
        try (output; target) {
            m.update(output, target);
            return m.compute();
        }
    }

    @Test
    void accuracyFromLogitsProbabilitiesAndBinaryThreshold() {
        // argmax of rows: 1, 0, 2, 2 against labels 1, 0, 1, 2 -> 3/4
        Tensor logits = Tensor.of(new float[] {0, 3, 1, 5, -1, 0, 0, 0, 2, 1, 1, 9}, 4, 3);
        assertEquals(0.75, once(new Accuracy(), logits, Tensor.of(new long[] {1, 0, 1, 2})), 0);
        // the same rows as one-hot targets
        Tensor logits2 = Tensor.of(new float[] {0, 3, 1, 5, -1, 0, 0, 0, 2, 1, 1, 9}, 4, 3);
        Tensor oneHot = Tensor.of(new float[] {0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 4, 3);
        assertEquals(0.75, once(new Accuracy(), logits2, oneHot), 0);
        // binary probabilities, threshold 0.5 (strictly above predicts 1): 1, 0, 0, 1 vs 1, 0, 1, 1
        assertEquals(0.75, once(new Accuracy(), Tensor.of(new float[] {0.9f, 0.1f, 0.5f, 0.7f}, 4, 1),
                Tensor.of(new float[] {1, 0, 1, 1}, 4, 1)), 0);
        // binary logits with threshold 0: 1, 0, 1, 0 vs 1, 0, 1, 1 (target [N] against output [N, 1])
        assertEquals(0.75, once(new Accuracy(0), Tensor.of(new float[] {2, -1, 0.5f, -3}, 4, 1),
                Tensor.of(new long[] {1, 0, 1, 1})), 0);
        assertTrue(Double.isNaN(new Accuracy().compute()), "nothing seen yet");
    }

    @Test
    void segmentationCountsEveryPixel() {
        // [N=1, C=2, 2, 2]: class 1 wins where the second channel is larger
        Tensor out = Tensor.of(new float[] {0, 1, 1, 0, /* channel 1 */ 1, 0, 0, 1}, 1, 2, 2, 2);
        Tensor target = Tensor.of(new long[] {1, 0, 1, 1}, 1, 2, 2);
        assertEquals(0.75, once(new Accuracy(), out, target), 0);
    }

    @Test
    void topKCountsTiesInTheSamplesFavour() {
        TopKAccuracy top2 = new TopKAccuracy(2);
        // row 0: truth 0 has the 3rd score -> miss; row 1: truth 2 ties for 2nd -> hit; row 2: truth 1 best -> hit
        Tensor scores = Tensor.of(new float[] {0.1f, 0.5f, 0.4f, 0.2f, 0.5f, 0.2f, 0.1f, 0.8f, 0.1f}, 3, 3);
        assertEquals(2.0 / 3, once(top2, scores, Tensor.of(new long[] {0, 2, 1})), 1e-15);
        assertEquals("top2_accuracy", top2.name());
    }

    @Test
    void precisionRecallF1ByHand() {
        // true 0 0 1 1 2 2, predicted 0 1 1 1 0 2
        // class 0: tp 1 fp 1 fn 1; class 1: tp 2 fp 1 fn 0; class 2: tp 1 fp 0 fn 1
        Tensor out = oneHot(new int[] {0, 1, 1, 1, 0, 2}, 3);
        Tensor y = Tensor.of(new long[] {0, 0, 1, 1, 2, 2});
        Precision p = new Precision();
        Recall r = new Recall(Average.MICRO);
        F1Score f1 = new F1Score(Average.WEIGHTED);
        p.update(out, y);
        r.update(out, y);
        f1.update(out, y);
        assertEquals((0.5 + 2.0 / 3 + 1) / 3, p.compute(), 1e-15);
        assertEquals(4.0 / 6, r.compute(), 1e-15);
        // per-class F1 = 2tp / (2tp + fp + fn): 0.5, 0.8, 2/3; supports 2, 2, 2
        assertEquals((0.5 + 0.8 + 2.0 / 3) / 3, f1.compute(), 1e-15);
        assertEquals("recall_micro", r.name());
        assertEquals("f1_weighted", f1.name());
        long[][] m = p.confusionMatrix().compute();
        assertEquals(1, m[2][0]);
        assertEquals(2, m[1][1]);
        out.close();
        y.close();
    }

    @Test
    void binaryAverageNeedsTwoClasses() {
        Precision p = new Precision(Average.BINARY);
        p.update(oneHot(new int[] {0, 1, 2}, 3), Tensor.of(new long[] {0, 1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::compute);
        assertTrue(e.getMessage().contains("needs 2 classes"), e.getMessage());
    }

    @Test
    void rocAucWithTiesIsTheTrapezoidalArea() {
        // positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4 -> 1/2) (0.4>0.1) = 3.5 / 4
        assertEquals(0.875, once(new RocAuc(), Tensor.of(new float[] {0.8f, 0.4f, 0.4f, 0.1f}),
                Tensor.of(new float[] {1, 1, 0, 0})), 0);
        RocAuc oneClass = new RocAuc();
        assertTrue(Double.isNaN(once(oneClass, Tensor.of(new float[] {0.2f, 0.3f}), Tensor.of(new float[] {1, 1}))));
    }

    @Test
    void regressionByHand() {
        // errors 1, -2, 0, 1 on targets 1, 2, 3, 4 (mean 2.5, SS_tot 5)
        double[] pred = {2, 0, 3, 5};
        double[] y = {1, 2, 3, 4};
        assertEquals(1.0, once(new MeanAbsoluteError(), Tensor.of(pred), Tensor.of(y)), 1e-15);
        assertEquals(Math.sqrt(6.0 / 4), once(new RootMeanSquaredError(), Tensor.of(pred), Tensor.of(y, 4, 1)), 1e-15);
        assertEquals(1 - 6.0 / 5, once(new R2Score(), Tensor.of(pred, 4, 1), Tensor.of(y)), 1e-15);
        // a constant target: 1 when predicted exactly, 0 otherwise (scikit-learn's force_finite)
        assertEquals(1.0, once(new R2Score(), Tensor.of(new double[] {3, 3}), Tensor.of(new double[] {3, 3})), 0);
        assertEquals(0.0, once(new R2Score(), Tensor.of(new double[] {3, 4}), Tensor.of(new double[] {3, 3})), 0);
    }

    @Test
    void labelsOutOfRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> once(new Accuracy(),
                Tensor.zeros(3, 4), Tensor.of(new long[] {0, 4, 1})));
        assertTrue(e.getMessage().contains("label 4 at position 1 is out of range for an output with 4 classes"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new F1Score(), Tensor.zeros(2, 3),
                Tensor.of(new long[] {-1, 0})));
        assertTrue(e.getMessage().startsWith("f1: label -1 at position 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new Accuracy(), Tensor.zeros(2),
                Tensor.of(new float[] {0, 2})));
        assertTrue(e.getMessage().contains("binary target 2 at position 1 is not 0 or 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new Accuracy(), Tensor.zeros(2, 3),
                Tensor.of(new float[] {0, 1.5f})));
        assertTrue(e.getMessage().contains("label 1.5"), e.getMessage());
    }

    @Test
    void batchSizeMismatchIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> once(new Accuracy(),
                Tensor.zeros(4, 3), Tensor.of(new long[] {0, 1, 2})));
        assertEquals("accuracy: batch size mismatch: output has 4 samples [4, 3], target 3 [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new R2Score(), Tensor.zeros(4), Tensor.zeros(5)));
        assertTrue(e.getMessage().startsWith("r2: batch size mismatch"), e.getMessage());
    }

    @Test
    void shapesThatDoNotMatchAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> once(new Accuracy(),
                Tensor.zeros(4, 3), Tensor.zeros(4, 2)));
        assertTrue(e.getMessage().contains("cannot match output [4, 3] with target [4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new MeanAbsoluteError(), Tensor.zeros(4, 2),
                Tensor.zeros(4, 3)));
        assertTrue(e.getMessage().contains("must have the same shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> once(new TopKAccuracy(1), Tensor.zeros(4),
                Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("needs scores for C >= 2 classes"), e.getMessage());
        ConfusionMatrix cm = new ConfusionMatrix();
        cm.update(Tensor.zeros(2, 3), Tensor.of(new long[] {0, 1}));
        e = assertThrows(IllegalArgumentException.class, () -> cm.update(Tensor.zeros(2, 4), Tensor.of(new long[] {0, 1})));
        assertTrue(e.getMessage().contains("this batch has 4 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy(0));
    }

    private static Tensor oneHot(int[] classes, int c) {
        float[] v = new float[classes.length * c];
        for (int i = 0; i < classes.length; i++) {
            v[i * c + classes[i]] = 1;
        }
        return Tensor.of(v, classes.length, c);
    }
}
