package org.vesalius.train;

import java.util.Map;
import org.vesalius.optim.LRScheduler;
import org.vesalius.optim.ReduceLROnPlateau;

/**
 * Steps a learning-rate schedule during {@link Trainer#fit}: an {@link LRScheduler} after every epoch or
 * every batch, or a {@link ReduceLROnPlateau} after every epoch with a logged value. The trainer installs
 * one for {@link Trainer#scheduler} and {@link Trainer#reduceLROnPlateau} and runs it before the other
 * callbacks, so that a checkpoint written at the end of an epoch holds the schedule ready for the next.
 */
public final class LRSchedulerCallback implements Callback {
    private final LRScheduler scheduler;
    private final Trainer.Interval interval;
    private final ReduceLROnPlateau plateau;
    private final String monitor;

    /** Steps {@code scheduler} after every epoch or every batch. */
    public LRSchedulerCallback(LRScheduler scheduler, Trainer.Interval interval) {
        this.scheduler = scheduler;
        this.interval = interval;
        this.plateau = null;
        this.monitor = null;
    }

    /** Steps {@code plateau} after every epoch with the logged value {@code monitor} (e.g. {@code "val_loss"}). */
    public LRSchedulerCallback(ReduceLROnPlateau plateau, String monitor) {
        this.scheduler = null;
        this.interval = Trainer.Interval.EPOCH;
        this.plateau = plateau;
        this.monitor = monitor;
    }

    @Override
    public void onBatchEnd(Trainer trainer, int batch, double loss) {
        if (scheduler != null && interval == Trainer.Interval.BATCH) {
            scheduler.step();
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (scheduler != null && interval == Trainer.Interval.EPOCH) {
            scheduler.step();
        }
        if (plateau != null) {
            plateau.step(Monitor.value("ReduceLROnPlateau", monitor, logs));
        }
    }
}
