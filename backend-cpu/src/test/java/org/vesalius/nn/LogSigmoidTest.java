package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;
import org.vesalius.tensor.Tensor;

/** {@link F#logsigmoid}: log(sigmoid(x)) without its underflow, differentiable. */
class LogSigmoidTest {
    @Test
    void valuesMatchLogOfSigmoidAndStayFiniteFarOut() {
        double[] x = {-30, -3, -0.5, 0, 0.5, 3, 30};
        double[] got = F.logsigmoid(Tensor.of(x, x.length)).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(-Math.log1p(Math.exp(-x[i])), got[i], 1e-12, "x = " + x[i]);
        }
        float[] far = F.logsigmoid(Tensor.of(new float[] {-200, 200}, 2)).toFloatArray();
        assertEquals(-200, far[0], 1e-3, "log(sigmoid(-200)) is -200, where log of the float sigmoid would be -inf");
        assertTrue(far[1] <= 0 && far[1] > -1e-30);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Tensor x = Tensor.of(new double[] {-25, -2, -0.1, 0, 0.7, 4, 25}, 7).requiresGrad_(true);
        GradCheck.check(in -> F.logsigmoid(in[0]), x).orThrow();
    }
}
