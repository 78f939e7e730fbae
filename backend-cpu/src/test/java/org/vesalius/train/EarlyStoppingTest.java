package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Linear;
import org.vesalius.nn.MSELoss;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Tensor;

/**
 * Early stopping on scripted metric sequences: the model's weights are set to the epoch number at the end
 * of every epoch (lr 0 keeps training from touching them), so the restored weights name the epoch they
 * came from.
 */
class EarlyStoppingTest {
    private static final Callback WEIGHTS_ARE_THE_EPOCH = new Callback() {
        @Override
        public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
            try (NoGrad ng = NoGrad.open()) {
                trainer.model().getParameter("weight").fill_(epoch);
            }
        }
    };

    private static History run(EarlyStopping es, int epochs, double... script) {
        List<Tensor[]> data = Blobs.regression(20, 10, 1);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0)) {
            History h = new Trainer(model, new MSELoss(), opt).epochs(epochs).metrics(new Scripted("score", script))
                    .callbacks(WEIGHTS_ARE_THE_EPOCH, es).fit(data);
            h.add(-1, Map.of("weight", (double) model.weight().toFloatArray()[0]));
            return h;
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBest() {
        EarlyStopping es = new EarlyStopping("score", Mode.MIN, 3, 0, true);
        History h = run(es, 20, 1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.69, 0.5, 0.4);
        // best 0.7 at epoch 2; epochs 3, 4, 5 do not improve -> stop after epoch 5
        assertEquals(5, es.stoppedEpoch());
        assertEquals(2, es.bestEpoch());
        assertEquals(0.7, es.best());
        assertEquals(6 + 1, h.size());
        assertEquals(2.0, h.last("weight"), "the weights of epoch 2 are back");
    }

    @Test
    void minDeltaSetsWhatCountsAsAnImprovement() {
        EarlyStopping es = new EarlyStopping("score", Mode.MIN, 2, 0.05, false);
        History h = run(es, 20, 1.0, 0.8, 0.7, 0.75, 0.66, 0.6);
        // 0.8 and 0.7 improve by more than 0.05; 0.75 and 0.66 (0.04 better) do not -> stop after epoch 4
        assertEquals(4, es.stoppedEpoch());
        assertEquals(2, es.bestEpoch());
        assertEquals(4.0, h.last("weight"), "no restoring asked for");
    }

    @Test
    void modeMaxAndPatienceZero() {
        EarlyStopping es = new EarlyStopping("score", Mode.MAX, 0);
        run(es, 20, 0.5, 0.6, 0.7, 0.7, 0.9);
        assertEquals(3, es.stoppedEpoch(), "an equal value is no improvement");
        assertEquals(2, es.bestEpoch());
    }

    @Test
    void restoresTheBestWhenTrainingRunsOutOfEpochs() {
        EarlyStopping es = new EarlyStopping("score", Mode.MAX, 5, 0, true);
        History h = run(es, 4, 0.5, 0.9, 0.8, 0.7);
        assertEquals(-1, es.stoppedEpoch());
        assertEquals(1.0, h.last("weight"));
    }

    @Test
    void aMissingMonitorIsAnError() {
        EarlyStopping es = new EarlyStopping("val_score", Mode.MAX, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(es, 4, 0.5, 0.9, 0.8, 0.7));
        assertTrue(e.getMessage().startsWith("EarlyStopping: monitored key 'val_score' is not logged; logged keys: "
                + "[loss, score, lr, time]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping("loss", Mode.MIN, -1));
    }
}
