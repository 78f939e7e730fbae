package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** Bad loss inputs give an IllegalArgumentException that names the loss, the value or the shapes. */
class LossErrorsTest {

    private static void assertMessage(String message, Executable op) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        assertEquals(message, e.getMessage());
    }

    @Test
    void classIndicesOutOfRange() {
        try (Scope s = Scope.open()) {
            Tensor logits = Tensor.zeros(4, 10);
            assertMessage("crossEntropy: target 12 is out of range for 10 classes",
                    () -> F.crossEntropy(logits, Tensor.of(new long[] {1, 12, 3, 4})));
            assertMessage("crossEntropy: target -1 is out of range for 10 classes (targets equal to ignoreIndex -100 are skipped)",
                    () -> F.crossEntropy(logits, Tensor.of(new long[] {1, -1, 3, 4})));
            assertMessage("nllLoss: target 3 is out of range for 3 classes",
                    () -> new NLLLoss().forward(Tensor.zeros(2, 3, 2, 2), Tensor.of(new long[] {0, 1, 2, 3, 0, 1, 2, 0}).reshape(2, 2, 2)));
            // the ignored value itself may lie outside the classes
            assertEquals(0, F.crossEntropy(logits, Tensor.of(new long[] {-100, -100, -100, 7}), Reduction.SUM).item(),
                    Math.log(10) + 1e-6);
        }
    }

    @Test
    void mismatchedBatchSizes() {
        try (Scope s = Scope.open()) {
            assertMessage("crossEntropy: input batch size 8 does not match target batch size 6 (input [8, 10], target [6])",
                    () -> F.crossEntropy(Tensor.zeros(8, 10), Tensor.zeros(DType.INT64, 6)));
            assertMessage("crossEntropy: target of shape [2, 4, 5] does not match input of shape [2, 3, 4, 4]: class-index "
                    + "targets must be the input's shape without the class dim, [2, 4, 4]",
                    () -> F.crossEntropy(Tensor.zeros(2, 3, 4, 4), Tensor.zeros(DType.INT64, 2, 4, 5)));
            assertMessage("mseLoss: input of shape [8, 1] and target of shape [6] must have the same shape (batch sizes 8 and 6 differ)",
                    () -> F.mseLoss(Tensor.zeros(8, 1), Tensor.zeros(6)));
            assertMessage("mseLoss: input of shape [8, 1] and target of shape [8] must have the same shape (PyTorch would "
                    + "broadcast them, which is rarely what was meant; reshape one of them)",
                    () -> new MSELoss().forward(Tensor.zeros(8, 1), Tensor.zeros(8)));
            assertMessage("binaryCrossEntropyWithLogits: input of shape [4, 3] and target of shape [5, 3] must have the same "
                    + "shape (batch sizes 4 and 5 differ)",
                    () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(4, 3), Tensor.zeros(5, 3)));
        }
    }

    @Test
    void floatLabelsWhereIndicesAreExpected() {
        try (Scope s = Scope.open()) {
            assertMessage("crossEntropy: target of dtype float32 and shape [4] is neither class indices (an int64 tensor of "
                    + "shape [4]; convert float labels with toLong()) nor class probabilities (a float tensor of the input's "
                    + "shape [4, 10])",
                    () -> F.crossEntropy(Tensor.zeros(4, 10), Tensor.zeros(4)));
            assertMessage("nllLoss: target must hold class indices (int64), got float32 of shape [4]; convert float labels "
                    + "with toLong()",
                    () -> F.nllLoss(Tensor.zeros(4, 10), Tensor.zeros(4)));
            assertMessage("binaryCrossEntropy: target must be a floating point tensor (probabilities or 0/1 labels), got "
                    + "int64; convert labels with toFloat()",
                    () -> F.binaryCrossEntropy(Tensor.full(0.5, 3), Tensor.zeros(DType.INT64, 3)));
            assertMessage("crossEntropy: input must be a floating point tensor, got int64",
                    () -> F.crossEntropy(Tensor.zeros(DType.INT64, 2, 3), Tensor.zeros(DType.INT64, 2)));
        }
    }

    @Test
    void badOptions() {
        try (Scope s = Scope.open()) {
            assertMessage("crossEntropy: class weight must have shape [10] (one per class), got [9]",
                    () -> F.crossEntropy(Tensor.zeros(4, 10), Tensor.zeros(DType.INT64, 4), Tensor.ones(9), -100,
                            Reduction.MEAN, 0));
            assertMessage("crossEntropy: labelSmoothing must be in [0, 1], got 1.5",
                    () -> F.crossEntropy(Tensor.zeros(4, 10), Tensor.zeros(DType.INT64, 4), null, -100, Reduction.MEAN, 1.5));
            assertMessage("binaryCrossEntropy: input values must be probabilities in [0, 1], got 1.5 (apply sigmoid first, "
                    + "or use binaryCrossEntropyWithLogits on the logits)",
                    () -> F.binaryCrossEntropy(Tensor.of(new float[] {0.5f, 1.5f}), Tensor.zeros(2)));
            assertMessage("huberLoss: delta must be > 0, got 0.0", () -> F.huberLoss(Tensor.zeros(2), Tensor.zeros(2),
                    Reduction.MEAN, 0));
            assertMessage("smoothL1Loss: beta must be >= 0, got -1.0", () -> F.smoothL1Loss(Tensor.zeros(2), Tensor.zeros(2),
                    Reduction.MEAN, -1));
            assertMessage("mseLoss: reduction batchmean is for klDiv only; use none, mean or sum",
                    () -> F.mseLoss(Tensor.zeros(2), Tensor.zeros(2), Reduction.BATCHMEAN));
            assertMessage("binaryCrossEntropyWithLogits: weight of shape [5] does not broadcast to the input's shape [4, 3]",
                    () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(4, 3), Tensor.zeros(4, 3), null, Tensor.ones(5),
                            Reduction.MEAN));
            assertMessage("Reduction.of: unknown reduction 'avg'; expected none, mean, sum or batchmean",
                    () -> Reduction.of("avg"));
        }
    }

    /** Saturated probabilities: the loss is finite (logs clamped at -100) and so is every gradient. */
    @Test
    void saturatedSigmoidGivesFiniteLossAndGradients() {
        try (Scope s = Scope.open()) {
            Tensor logits = Tensor.of(new float[] {-200, -30, 0, 30, 200}).requiresGrad_(true);
            Tensor target = Tensor.of(new float[] {1, 1, 0, 0, 0});
            Tensor loss = F.binaryCrossEntropy(logits.sigmoid(), target, null, Reduction.SUM);
            assertTrue(Double.isFinite(loss.item()), "loss " + loss.item());
            loss.backward();
            for (float g : logits.grad().toFloatArray()) {
                assertFalse(Float.isNaN(g) || Float.isInfinite(g), "gradient " + g);
            }
            // in float32 sigmoid(-200) is 0 and sigmoid(30) is 1, so those wrong predictions cost the clamped
            // 100 (as in PyTorch); sigmoid(-30) = 9.4e-14 still costs its true 30
            assertEquals(100 + 30 + Math.log(2) + 100 + 100, loss.item(), 1e-3);
        }
    }
}
