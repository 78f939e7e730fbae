package org.vesalius.medical.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.nn.Reduction;
import org.vesalius.tensor.Tensor;

/** The usual mistakes with segmentation losses get messages that say what to change; and what a perfect prediction scores. */
class MedicalLossErrorsTest {

    @Test
    void labelOutOfRange() {
        Tensor logits = Tensor.zeros(1, 3, 4, 4);
        Tensor labels = Tensor.zeros(1, 1, 4, 4).to(org.vesalius.tensor.DType.INT64);
        labels.narrow(2, 0, 1).fill_(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DiceLoss().activation(Activation.SOFTMAX).toOneHot(true).forward(logits, labels));
        assertEquals("DiceLoss: label 3 is out of range for 3 channels (labels must be in [0, 2])", e.getMessage());
    }

    @Test
    void targetShapeWithoutOneHot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TverskyLoss().forward(Tensor.zeros(2, 2, 4, 4), Tensor.zeros(2, 1, 4, 4)));
        assertTrue(e.getMessage().contains("enable toOneHot"), e.getMessage());
    }

    @Test
    void softmaxOverOneChannel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DiceLoss().activation(Activation.SOFTMAX).forward(Tensor.zeros(2, 1, 4, 4), Tensor.zeros(2, 1, 4, 4)));
        assertTrue(e.getMessage().contains("use SIGMOID"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GeneralizedDiceLoss(GeneralizedDiceLoss.Weight.SQUARE, Reduction.BATCHMEAN));
        assertThrows(IllegalArgumentException.class, () -> new DiceCELoss(Activation.NONE, true, true, 1, 1));
    }

    @Test
    void perfectPredictionScoresNearZero() {
        Tensor target = Tensor.zeros(1, 2, 8, 8);
        target.select(1, 0).fill_(1);
        target.select(1, 0).narrow(1, 2, 3).narrow(2, 2, 3).fill_(0);
        target.select(1, 1).narrow(1, 2, 3).narrow(2, 2, 3).fill_(1);
        assertEquals(0, new DiceLoss().forward(target, target).item(), 1e-6);
        assertEquals(0, new TverskyLoss(0.3, 0.7, Reduction.MEAN).forward(target, target).item(), 1e-6);
        assertEquals(0, new GeneralizedDiceLoss().forward(target, target).item(), 1e-6);
        // logits that make softmax nearly one-hot
        assertEquals(0, new DiceLoss().activation(Activation.SOFTMAX).forward(target.mul(40), target).item(), 1e-5);
    }
}
