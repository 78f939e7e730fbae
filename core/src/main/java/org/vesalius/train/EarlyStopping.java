package org.vesalius.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Stops training when a logged value has stopped improving, as Keras' {@code EarlyStopping}: an epoch
 * improves when its value is better than the best so far by more than {@code minDelta}; after
 * {@code patience} epochs in a row without improvement the trainer is asked to stop. With
 * {@code restoreBestWeights}, the model's state (parameters and buffers) of the best epoch is kept in a
 * copy and loaded back when training ends, whether it was stopped or ran out of epochs.
 */
public final class EarlyStopping implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    private final String monitor;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;

    private double best;
    private int bestEpoch;
    private int wait;
    private int stoppedEpoch;
    private Map<String, Tensor> bestState;

    /** Stops after {@code patience} epochs without any improvement of {@code monitor}; no restoring. */
    public EarlyStopping(String monitor, Mode mode, int patience) {
        this(monitor, mode, patience, 0, false);
    }

    /**
     * @param monitor            a logged key, such as {@code "val_loss"} or {@code "val_accuracy"}
     * @param mode               whether lower or higher is better
     * @param patience           epochs without improvement tolerated (0: stop at the first)
     * @param minDelta           the smallest change that counts as an improvement (>= 0)
     * @param restoreBestWeights whether to load the best epoch's state into the model at the end
     */
    public EarlyStopping(String monitor, Mode mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        }
        this.monitor = java.util.Objects.requireNonNull(monitor, "monitor");
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        best = mode.worst();
        bestEpoch = -1;
        wait = 0;
        stoppedEpoch = -1;
        closeBestState();
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        double value = Monitor.value("EarlyStopping", monitor, logs);
        if (mode.improves(value, best, minDelta) || bestEpoch < 0 && !Double.isNaN(value)) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBestWeights) {
                snapshot(trainer);
            }
            return;
        }
        wait++;
        if (wait >= Math.max(1, patience)) {
            stoppedEpoch = epoch;
            trainer.stopTraining();
            LOG.info("early stopping after epoch {}: {} has not improved on {} (epoch {}) for {} epochs", epoch + 1,
                    monitor, best, bestEpoch + 1, wait);
        }
    }

    private void snapshot(Trainer trainer) {
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            Map<String, Tensor> state = trainer.model().stateDict();
            if (bestState == null) {
                bestState = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> e : state.entrySet()) {
                    bestState.put(e.getKey(), Scope.untrack(e.getValue().clone()));
                }
            } else {
                for (Map.Entry<String, Tensor> e : state.entrySet()) {
                    bestState.get(e.getKey()).copy_(e.getValue());
                }
            }
        }
    }

    @Override
    public void onTrainEnd(Trainer trainer, History history) {
        if (restoreBestWeights && bestState != null) {
            if (bestEpoch != trainer.epoch()) {
                trainer.model().loadStateDict(bestState);
                LOG.info("restored the model's state of epoch {} ({} = {})", bestEpoch + 1, monitor, best);
            }
            closeBestState();
        }
    }

    private void closeBestState() {
        if (bestState != null) {
            bestState.values().forEach(Tensor::close);
            bestState = null;
        }
    }

    /** The best value of the monitored key so far. */
    public double best() {
        return best;
    }

    /** The epoch (0-based) of the best value, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The epoch (0-based) after which training was stopped, or -1 if it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
