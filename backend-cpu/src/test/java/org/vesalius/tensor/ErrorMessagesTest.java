package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The usual mistakes get a message that names the op, the shapes or dtypes, and what would work. */
class ErrorMessagesTest {

    private static String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable e) {
        return assertThrows(type, e).getMessage();
    }

    @Test
    void matmulMismatch() {
        assertEquals("matmul: shapes [64, 800] and [500, 10] cannot be multiplied (800 != 500)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(64, 800).matmul(Tensor.zeros(500, 10))));
        assertEquals("matmul: expected both operands to have the same dtype, got float32 and float64; convert one with .to(dtype)",
                message(IllegalArgumentException.class,
                        () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(DType.FLOAT64, 2, 2))));
    }

    @Test
    void broadcastFailure() {
        assertEquals("mul: shapes [4, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)",
                message(IllegalArgumentException.class, () -> Tensor.ones(4, 3).mul(Tensor.ones(4))));
        assertEquals("expand: the expanded size 5 must match the existing size 3 at non-singleton dimension 1 "
                        + "(shape [2, 3] to [2, 5])",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).expand(2, 5)));
    }

    @Test
    void floatIndices() {
        assertEquals("gather: index must be an integer tensor (int64 or int32), got float32; "
                        + "convert float indices with .toLong()",
                message(IllegalArgumentException.class,
                        () -> Tensor.ones(3, 3).gather(1, Tensor.zeros(3, 1))));
        assertEquals("indexSelect: index 5 is out of bounds for dimension 0 with size 3",
                message(IllegalArgumentException.class,
                        () -> Tensor.ones(3, 2).indexSelect(0, Tensor.of(new long[] {0, 5}))));
    }

    @Test
    void shapesAndDims() {
        assertEquals("view: shape [7] is invalid for input of size 6",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).view(7)));
        assertEquals("sum: dimension 2 out of range for a tensor of rank 2 (expected -2..1)",
                message(IllegalArgumentException.class, () -> Tensor.ones(2, 3).sum(2, false)));
        assertEquals("item: only one-element tensors can be converted to a number, got shape [2]",
                message(IllegalArgumentException.class, () -> Tensor.ones(2).item()));
        assertEquals("mean: input dtype must be floating point, got int64; convert with .to(DType.FLOAT32)",
                message(IllegalArgumentException.class, () -> Tensor.arange(3).mean()));
    }

    @Test
    void autogradMisuse() {
        assertEquals("requiresGrad_: only floating point tensors can require grad, got int64",
                message(IllegalArgumentException.class, () -> Tensor.arange(3).requiresGrad_(true)));
        Tensor x = Tensor.ones(2).requiresGrad_(true);
        Tensor y = x.mul(2).sum();
        y.backward();
        assertEquals("backward: trying to backward through the graph a second time (at sumBackward); its saved "
                        + "tensors were freed. Pass retainGraph=true to the first backward if you need to run it twice.",
                message(IllegalStateException.class, y::backward));
        assertEquals("add_: a leaf tensor that requires grad (shape [2]) is being used in an in-place operation; "
                        + "run the write under NoGrad (as optimizers and initializers do) or use the out-of-place op",
                message(IllegalStateException.class, () -> x.add_(Tensor.ones(2))));
    }

    @Test
    void closedTensor() {
        Tensor t;
        try (Scope s = Scope.open()) {
            t = Tensor.ones(2, 2);
        }
        assertEquals("add: tensor of shape [2, 2] was closed (by close() or by the Scope it was created in; "
                        + "use scope.keep(t) to let it escape)",
                message(IllegalStateException.class, () -> t.add(1)));
    }
}
