package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.examples.MnistPreprocessingStudy.Candidate;
import org.vesalius.examples.MnistPreprocessingStudy.Run;
import org.vesalius.examples.MnistPreprocessingStudy.Summary;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

class MnistPreprocessingStudyTest {

    // two "training" digits of pixels {0, 1} and {0.5, 0.5} (mean 0.5, population std sqrt(0.125)), then one other
    // digit whose pixels must not enter the statistics
    private static final float[] PIXELS = {0f, 1f, 0.5f, 0.5f, 1f, 1f};

    @Test
    void scalesWithTheTrainingDigitsStatisticsOnly() {
        try (Scope s = Scope.open()) {
            Tensor unit = Tensor.of(PIXELS, 3, 1, 1, 2);
            double std = Math.sqrt(0.125);
            assertArrayEquals(PIXELS, MnistPreprocessingStudy.prepare(unit, 2, Candidate.V0).toFloatArray());
            assertArrayEquals(new float[] {-1, 1, 0, 0, 1, 1}, MnistPreprocessingStudy.prepare(unit, 2, Candidate.V1).toFloatArray());
            assertArrayEquals(new float[] {-0.5f, 0.5f, 0, 0, 0.5f, 0.5f},
                    MnistPreprocessingStudy.prepare(unit, 2, Candidate.V3).toFloatArray(), 1e-6f);
            float z = (float) (0.5 / std);
            assertArrayEquals(new float[] {-z, z, 0, 0, z, z}, MnistPreprocessingStudy.prepare(unit, 2, Candidate.V2).toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void choosesTheBestMeanAmongCandidatesThatNeverDiverged() {
        Summary v0 = summary(Candidate.V0, false, 0.96, 0.97);
        Summary v1 = summary(Candidate.V1, true, 0.99, 0.10);
        Summary v2 = summary(Candidate.V2, false, 0.97, 0.97);
        Summary v3 = summary(Candidate.V3, false, 0.97, 0.97);
        assertEquals(Candidate.V2, MnistPreprocessingStudy.choose(List.of(v0, v1, v2, v3)), "V1 diverged; V3 ties V2 but comes later");
        assertEquals(0.97, v2.mean(), 1e-12);
        assertEquals(0.965, v0.median(), 1e-12);
        assertEquals(Math.sqrt(0.00005), v0.std(), 1e-12);
        assertEquals(1, v1.diverged());
        assertThrows(IllegalArgumentException.class, () -> MnistPreprocessingStudy.choose(List.of(v1)));
    }

    private static Summary summary(Candidate c, boolean divergeFirst, double... accuracies) {
        List<Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            runs.add(new Run(c, i, accuracies[i], divergeFirst && i == 0, 0.1, 1));
        }
        return new Summary(c, runs);
    }
}
