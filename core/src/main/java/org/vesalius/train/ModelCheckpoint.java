package org.vesalius.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.io.Checkpoint;

/**
 * Saves {@link Checkpoint}s during {@link Trainer#fit}: {@code last.ckpt} after every epoch and
 * {@code best.ckpt} whenever the monitored value improves, in a directory. Each holds the model, the
 * optimizer, the trainer's schedule (stepped for the next epoch already), the default generator, and as
 * metadata the epoch, the monitored value and the history so far, so that
 * {@link Trainer#resume(java.nio.file.Path)} continues the run exactly. Files are replaced atomically: a
 * crash while saving leaves the previous checkpoint intact.
 * <pre>{@code
 * trainer.callbacks(new ModelCheckpoint(Path.of("runs/lenet"), "val_accuracy", Mode.MAX)).fit(train, val);
 * // later: new Trainer(model, loss, opt).scheduler(schedule).epochs(20)
 * //            .resume(Path.of("runs/lenet/last.ckpt")).fit(train, val);
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {
    /** The file written after every epoch. */
    public static final String LAST = "last.ckpt";
    /** The file written when the monitored value improves. */
    public static final String BEST = "best.ckpt";
    /** Metadata key of the epoch (0-based) a checkpoint was written after. */
    public static final String EPOCH = "epoch";
    /** Metadata key of the history, {@link History#toMap()}. */
    public static final String HISTORY = "history";

    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    private final Path dir;
    private final String monitor;
    private final Mode mode;
    private final boolean saveLast;
    private double best;
    private int bestEpoch;

    /** {@code last.ckpt} every epoch and {@code best.ckpt} by {@code val_loss} (lowest). */
    public ModelCheckpoint(Path dir) {
        this(dir, "val_loss", Mode.MIN, true);
    }

    /** {@code last.ckpt} every epoch and {@code best.ckpt} by {@code monitor}. */
    public ModelCheckpoint(Path dir, String monitor, Mode mode) {
        this(dir, monitor, mode, true);
    }

    /**
     * @param dir      the directory (created if missing)
     * @param monitor  the logged key that decides the best epoch, or null for no {@code best.ckpt}
     * @param mode     whether lower or higher values of {@code monitor} are better
     * @param saveLast whether to write {@code last.ckpt} after every epoch
     */
    public ModelCheckpoint(Path dir, String monitor, Mode mode, boolean saveLast) {
        if (monitor == null && !saveLast) {
            throw new IllegalArgumentException("ModelCheckpoint: with neither a monitor nor saveLast nothing is saved");
        }
        this.dir = java.util.Objects.requireNonNull(dir, "dir");
        this.monitor = monitor;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.saveLast = saveLast;
    }

    /** The path of the last checkpoint. */
    public Path lastPath() {
        return dir.resolve(LAST);
    }

    /** The path of the best checkpoint. */
    public Path bestPath() {
        return dir.resolve(BEST);
    }

    /** The best monitored value saved so far. */
    public double best() {
        return best;
    }

    /** The epoch (0-based) of {@code best.ckpt}, or -1 if none was written. */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        if (trainer.scheduler() != null && trainer.plateauScheduler() != null) {
            throw new IllegalStateException("ModelCheckpoint: a checkpoint holds one schedule, the trainer has two");
        }
        best = mode.worst();
        bestEpoch = -1;
        // a resumed run continues to compare with the best of the epochs before it
        History h = trainer.history();
        if (monitor != null && h != null && h.has(monitor)) {
            int e = h.bestEpoch(monitor, mode);
            if (e >= 0) {
                bestEpoch = e;
                best = h.get(monitor).get(h.epochs().indexOf(e));
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint: cannot create the directory " + dir, e);
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(EPOCH, epoch);
        History h = trainer.history();
        if (monitor != null) {
            double value = Monitor.value("ModelCheckpoint", monitor, logs);
            meta.put("monitor", monitor);
            meta.put("value", Double.isFinite(value) ? value : null);
            if (mode.improves(value, best, 0)) {
                best = value;
                bestEpoch = epoch;
                save(trainer, bestPath(), meta, h);
                LOG.info("epoch {}: {} improved to {}, saved {}", epoch + 1, monitor, value, bestPath());
            }
        }
        if (saveLast) {
            save(trainer, lastPath(), meta, h);
        }
    }

    private static void save(Trainer trainer, Path file, Map<String, Object> meta, History h) {
        Map<String, Object> m = new LinkedHashMap<>(meta);
        if (h != null) {
            m.put(HISTORY, h.toMap());
        }
        try {
            if (trainer.plateauScheduler() != null) {
                Checkpoint.save(file, trainer.model(), trainer.optimizer(), trainer.plateauScheduler(), m);
            } else if (trainer.scheduler() != null) {
                Checkpoint.save(file, trainer.model(), trainer.optimizer(), trainer.scheduler(), m);
            } else {
                Checkpoint.save(file, trainer.model(), trainer.optimizer(), m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint: cannot save " + file, e);
        }
    }
}
