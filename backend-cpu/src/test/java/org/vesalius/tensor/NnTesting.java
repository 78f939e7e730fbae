package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;
import org.vesalius.autograd.GradCheck;

/** Inputs and checks shared by the pooling, normalization and network-op tests. */
final class NnTesting {
    private NnTesting() {
    }

    /**
     * The float32 values {@code ((i * 37) % 1009) / 100 - 5}: distinct for fewer than 1009 elements, so
     * maxima have no ties. The PyTorch snippets in the tests build the same tensor with
     * {@code torch.tensor([((i * 37) % 1009) / 100.0 - 5.0 for i in range(n)], dtype=torch.float32)}.
     */
    static Tensor seq(int... shape) {
        int n = (int) Shapes.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (((i * 37) % 1009) / 100.0 - 5.0);
        }
        return Tensor.of(v, shape);
    }

    /** A float64 leaf requiring grad, standard normal from a fixed seed. */
    static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, new Generator(seed), shape).requiresGrad_(true);
    }

    /** The same values laid out transposed in memory: a non-contiguous leaf of the given shape. */
    static Tensor strided(long seed, int... shape) {
        int r = shape.length;
        int[] swapped = shape.clone();
        swapped[r - 1] = shape[r - 2];
        swapped[r - 2] = shape[r - 1];
        Tensor base = Tensor.randn(DType.FLOAT64, Device.CPU, new Generator(seed), swapped).requiresGrad_(true);
        Tensor t = base.transpose(r - 2, r - 1).detach().requiresGrad_(true);
        assertTrue(!t.isContiguous());
        return t;
    }

    static void gradCheck(Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.check(f, inputs).orThrow();
    }

    static void gradGradCheck(Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.checkSecondOrder(f, inputs).orThrow();
    }

    static void assertValues(float[] expected, Tensor actual, double tol) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length, "element count");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    static void assertShape(Tensor t, int... shape) {
        assertArrayEquals(shape, t.shape());
    }

    /** The op fails with an IllegalArgumentException whose message is exactly {@code message}. */
    static void assertError(String message, Executable op) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        assertEquals(message, e.getMessage());
    }

    /** The op fails with an IllegalArgumentException whose message contains every fragment. */
    static void assertErrorContains(Executable op, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
