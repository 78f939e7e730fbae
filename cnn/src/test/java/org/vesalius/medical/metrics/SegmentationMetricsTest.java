package org.vesalius.medical.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.tensor.Tensor;

/**
 * Overlap and surface metrics against scipy.ndimage (binary_erosion surfaces, distance_transform_edt
 * with sampling) and numpy.percentile, from {@code tools/golden/generate_medical.py}; the distance
 * transform against brute force.
 */
class SegmentationMetricsTest {

    @TestFactory
    Stream<DynamicTest> metricsMatchScipy() throws IOException {
        JsonObject root;
        try (Reader r = new InputStreamReader(getClass().getResourceAsStream("/golden/medical_metrics.json"), StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r).getAsJsonObject();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            tests.add(DynamicTest.dynamicTest(c.get("label").getAsString(), () -> {
                int[] shape = ints(c.getAsJsonArray("shape"));
                double[] spacing = doubles(c.getAsJsonArray("spacing"));
                Tensor pred = Tensor.of(longs(c.getAsJsonArray("pred")), shape);
                Tensor gt = Tensor.of(longs(c.getAsJsonArray("target")), shape);
                assertEquals(c.get("dice").getAsDouble(), SegmentationMetrics.dice(pred, gt), 1e-12, "dice");
                assertEquals(c.get("iou").getAsDouble(), SegmentationMetrics.iou(pred, gt), 1e-12, "iou");
                assertEquals(c.get("sensitivity").getAsDouble(), SegmentationMetrics.sensitivity(pred, gt), 1e-12);
                assertEquals(c.get("specificity").getAsDouble(), SegmentationMetrics.specificity(pred, gt), 1e-12);
                assertEquals(c.get("hausdorff").getAsDouble(), SegmentationMetrics.hausdorff(pred, gt, spacing), 1e-9, "hd");
                assertEquals(c.get("hausdorff95").getAsDouble(), SegmentationMetrics.hausdorff95(pred, gt, spacing), 1e-9, "hd95");
                assertEquals(c.get("meanSurfaceDistance").getAsDouble(),
                        SegmentationMetrics.meanSurfaceDistance(pred, gt, spacing), 1e-9, "msd");
            }));
        }
        return tests.stream();
    }

    @Test
    void distanceTransformIsExact() {
        Random rnd = new Random(5);
        int[] shape = {7, 9, 6};
        double[] spacing = {1.7, 0.6, 1.1};
        boolean[] f = new boolean[7 * 9 * 6];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextDouble() < 0.04;
        }
        double[] d = DistanceTransform.euclidean(f, shape, spacing);
        for (int i = 0; i < f.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < f.length; j++) {
                if (f[j]) {
                    double dz = (i / 54 - j / 54) * spacing[0];
                    double dy = ((i / 6) % 9 - (j / 6) % 9) * spacing[1];
                    double dx = (i % 6 - j % 6) * spacing[2];
                    best = Math.min(best, Math.sqrt(dz * dz + dy * dy + dx * dx));
                }
            }
            assertEquals(best, d[i], 1e-9, "voxel " + i);
        }
        double[] none = DistanceTransform.euclidean(new boolean[12], new int[] {3, 4}, new double[] {1, 1});
        assertTrue(Double.isInfinite(none[5]));
    }

    @Test
    void emptyMasksAndClasses() {
        Tensor empty = Tensor.zeros(4, 4);
        Tensor square = Tensor.zeros(4, 4);
        square.narrow(0, 1, 2).narrow(1, 1, 2).fill_(1);
        assertEquals(1.0, SegmentationMetrics.dice(empty, empty));
        assertEquals(0.0, SegmentationMetrics.dice(empty, square));
        assertTrue(Double.isNaN(SegmentationMetrics.hausdorff95(empty, square, 1, 1)));
        assertTrue(Double.isNaN(SegmentationMetrics.sensitivity(square, empty)));
        assertEquals(0.0, SegmentationMetrics.hausdorff(square, square, 1, 1));
        double[] perClass = SegmentationMetrics.dicePerClass(Tensor.of(new long[] {0, 1, 1, 2}), Tensor.of(new long[] {0, 1, 2, 2}), 4);
        assertArrayEquals(new double[] {1.0, 2.0 / 3, 2.0 / 3, Double.NaN}, perClass, 1e-12);
    }

    @Test
    void badInputNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationMetrics.dice(Tensor.zeros(3, 4), Tensor.zeros(4, 3)));
        assertEquals("dice: prediction [3, 4] and reference [4, 3] must have the same shape", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationMetrics.hausdorff95(Tensor.ones(3, 4), Tensor.ones(3, 4), 1.0));
        assertTrue(e.getMessage().contains("1 spacings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationMetrics.dicePerClass(Tensor.of(new long[] {0, 5}), Tensor.of(new long[] {0, 1}), 3));
        assertEquals("dicePerClass: label 5 is out of range for 3 classes", e.getMessage());
    }

    private static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }

    private static long[] longs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }

    private static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }
}
