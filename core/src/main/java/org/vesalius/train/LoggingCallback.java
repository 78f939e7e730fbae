package org.vesalius.train;

import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs training through SLF4J (logger {@code org.vesalius.train.Trainer}): the start and end of training
 * and one INFO line per epoch with every logged value, such as
 * {@code epoch 3/10: loss=0.4213 accuracy=0.8812 val_loss=0.3990 val_accuracy=0.8870 lr=0.05 time=2.31s}.
 * With {@code everyBatches > 0}, also a DEBUG line every that many batches. The trainer installs one
 * unless told not to ({@link Trainer#logging(boolean)}).
 */
public final class LoggingCallback implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final int everyBatches;

    /** One line per epoch. */
    public LoggingCallback() {
        this(0);
    }

    /** One line per epoch, and a DEBUG line every {@code everyBatches} batches (0: none). */
    public LoggingCallback(int everyBatches) {
        if (everyBatches < 0) {
            throw new IllegalArgumentException("LoggingCallback: everyBatches must be >= 0, got " + everyBatches);
        }
        this.everyBatches = everyBatches;
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        LOG.info("training {} ({} parameters) for epochs {}..{} with {}", trainer.model().getClass().getSimpleName(),
                trainer.model().numParameters(), trainer.epoch() + 1, trainer.epochs(),
                trainer.optimizer().getClass().getSimpleName());
    }

    @Override
    public void onBatchEnd(Trainer trainer, int batch, double loss) {
        if (everyBatches > 0 && (batch + 1) % everyBatches == 0 && LOG.isDebugEnabled()) {
            LOG.debug("epoch {} batch {}/{}: loss={}", trainer.epoch() + 1, batch + 1,
                    trainer.stepsPerEpoch() < 0 ? "?" : trainer.stepsPerEpoch(), format(loss));
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (LOG.isInfoEnabled()) {
            StringBuilder sb = new StringBuilder();
            logs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(k.equals("time")
                    ? String.format(Locale.ROOT, "%.2fs", v) : format(v)));
            LOG.info("epoch {}/{}:{}", epoch + 1, trainer.epochs(), sb);
        }
    }

    @Override
    public void onTrainEnd(Trainer trainer, History history) {
        LOG.info("training ended after epoch {}/{}{}", trainer.epoch() + 1, trainer.epochs(),
                trainer.stopRequested() ? " (stopped by a callback)" : "");
    }

    /** Four decimals for values of ordinary size, four significant digits for small ones (learning rates). */
    static String format(double v) {
        if (v != 0 && Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
