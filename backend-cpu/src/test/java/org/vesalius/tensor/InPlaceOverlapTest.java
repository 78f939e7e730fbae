package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In-place writes whose destination overlaps itself are refused; sources that partially overlap the
 * destination are read as if cloned first. Small sizes run the serial kernels, 2^20 elements the
 * parallel ones; both must give the one order-independent answer.
 */
class InPlaceOverlapTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static void refused(String op, Consumer<Tensor> write) {
        Tensor t = Tensor.zeros(1, 3).expand(70000, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> write.accept(t), op).getMessage();
        assertTrue(m.startsWith(op + ": more than one element of the written-to tensor (shape [70000, 3], strides [0, 1])"),
                m);
    }

    @Test
    void everyInPlaceOpRefusesAnExpandedDestination() {
        Tensor other = Tensor.ones(70000, 3);
        refused("add_", t -> t.add_(other));
        refused("add_", t -> t.add_(other, 2));
        refused("add_", t -> t.add_(1));
        refused("sub_", t -> t.sub_(other));
        refused("mul_", t -> t.mul_(other));
        refused("mul_", t -> t.mul_(2));
        refused("div_", t -> t.div_(other));
        refused("div_", t -> t.div_(2));
        refused("clamp_", t -> t.clamp_(0, 1));
        refused("fill_", t -> t.fill_(1));
        refused("fill_", Tensor::zero_);
        refused("copy_", t -> t.copy_(other));
    }

    @Test
    void overlappingUnfoldWindowsAreRefusedAndDisjointOnesAllowed() {
        Tensor x = Tensor.arange(0, 10, 1, DType.FLOAT32);
        assertThrows(IllegalArgumentException.class, () -> x.unfold(0, 4, 2).fill_(0));
        x.unfold(0, 2, 2).mul_(2);
        x.unfold(0, 3, 5).add_(1);
        assertArrayEquals(new float[] {1, 3, 5, 6, 8, 11, 13, 15, 16, 18}, x.toFloatArray());
    }

    @Test
    void internalOverlapDetection() {
        assertTrue(InPlace.hasInternalOverlap(new int[] {4, 3}, new int[] {0, 1}));
        assertTrue(InPlace.hasInternalOverlap(new int[] {3, 4}, new int[] {2, 1}));
        assertFalse(InPlace.hasInternalOverlap(new int[] {3, 4}, new int[] {1, 3}));
        assertFalse(InPlace.hasInternalOverlap(new int[] {5, 1}, new int[] {1, 0}));
        assertFalse(InPlace.hasInternalOverlap(new int[] {0, 7}, new int[] {0, 0}));
        // strides 2 and 3 over sizes 3 and 2 reach 0,2,4,3,5,7: no two alike, though the sorted test fails
        assertFalse(InPlace.hasInternalOverlap(new int[] {3, 2}, new int[] {2, 3}));
        assertTrue(InPlace.hasInternalOverlap(new int[] {4, 3}, new int[] {2, 3}));
    }

    /** x[1:] op= x[:-1] must equal the same op with the source cloned first. */
    private static void shiftedSource(int n, BiConsumer<Tensor, Tensor> op) {
        Tensor x = Tensor.arange(1, n + 1, 1, DType.FLOAT64).mul(1.0 / n).add(0.5);
        Tensor expected = x.clone();
        op.accept(expected.narrow(0, 1, n - 1), expected.narrow(0, 0, n - 1).clone());
        op.accept(x.narrow(0, 1, n - 1), x.narrow(0, 0, n - 1));
        assertArrayEquals(expected.toDoubleArray(), x.toDoubleArray(), "n = " + n);
        Tensor y = Tensor.arange(1, n + 1, 1, DType.FLOAT64).mul(1.0 / n).add(0.5);
        Tensor expectedBack = y.clone();
        op.accept(expectedBack.narrow(0, 0, n - 1), expectedBack.narrow(0, 1, n - 1).clone());
        op.accept(y.narrow(0, 0, n - 1), y.narrow(0, 1, n - 1));
        assertArrayEquals(expectedBack.toDoubleArray(), y.toDoubleArray(), "n = " + n + ", other direction");
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 1 << 20})
    void partiallyOverlappingSourcesAreReadAsIfCloned(int n) {
        shiftedSource(n, Tensor::add_);
        shiftedSource(n, (d, s) -> d.add_(s, -0.5));
        shiftedSource(n, Tensor::sub_);
        shiftedSource(n, Tensor::mul_);
        shiftedSource(n, Tensor::div_);
        shiftedSource(n, Tensor::copy_);
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 1 << 20})
    void broadcastAndTransposedSourcesFromTheSameStorage(int n) {
        int rows = n / 2;
        Tensor x = Tensor.arange(0, n, 1, DType.FLOAT64).reshape(rows, 2);
        Tensor expected = x.clone();
        expected.add_(expected.select(0, 0).clone());
        x.add_(x.select(0, 0)); // row 0 is written first; later rows must still add its old value
        assertArrayEquals(expected.toDoubleArray(), x.toDoubleArray());

        Tensor sq = Tensor.arange(0, 64 * 64, 1, DType.FLOAT32).reshape(64, 64);
        Tensor sqExpected = sq.clone();
        sqExpected.copy_(sqExpected.t().clone());
        sq.copy_(sq.t());
        assertArrayEquals(sqExpected.toFloatArray(), sq.toFloatArray());
    }

    @Test
    void theExactSameLayoutIsComputedInPlaceWithoutACopy() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3);
        x.mul_(x);
        x.add_(x.detach());
        assertArrayEquals(new double[] {2, 8, 18}, x.toDoubleArray());
    }
}
