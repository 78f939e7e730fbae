package org.vesalius.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.autograd.NoGrad;
import org.vesalius.data.DataLoader;
import org.vesalius.io.Checkpoint;
import org.vesalius.nn.Loss;
import org.vesalius.nn.Module;
import org.vesalius.nn.Reduction;
import org.vesalius.optim.GradClip;
import org.vesalius.optim.LRScheduler;
import org.vesalius.optim.Optimizer;
import org.vesalius.optim.ReduceLROnPlateau;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Metric;

/**
 * The training loop, in the spirit of Keras' {@code fit} and PyTorch Lightning's {@code Trainer}:
 * <pre>{@code
 * var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.05, 0.9))
 *         .epochs(5)
 *         .metrics(new Accuracy())
 *         .callbacks(new EarlyStopping("val_loss", Mode.MIN, 3))
 *         .progress(System.out);
 * History h = trainer.fit(trainBatches, valBatches);
 * Map<String, Double> test = trainer.evaluate(testBatches);
 * }</pre>
 *
 * <p><b>Data.</b> A batch is a {@code Tensor[]} of {@code {input, target}}: the input goes to
 * {@code model.forward} and the output with the target to the loss and the metrics; both have the samples
 * in their first dimension, and their counts must agree. Any {@code Iterable<Tensor[]>} works: a
 * {@link DataLoader} (whose epoch the trainer sets before each epoch, so that a resumed run sees the
 * same shuffle order), or a list of batches. The trainer closes each batch's tensors after its step when
 * the iterable hands out new tensors each time, and leaves them open when it is a {@link Collection}
 * (which holds its batches and is iterated again every epoch); {@link #closeBatches(boolean)} overrides
 * this.
 *
 * <p><b>Each step</b> runs in its own {@link Scope}, so activations and temporaries are freed when the
 * step ends and memory stays flat over an epoch: {@code zeroGrad}, forward, loss, backward, optional
 * gradient clipping, {@code optimizer.step()}, metric updates. The loss must be a scalar; the reported
 * loss is the mean per sample over the epoch (each batch's loss weighted by its number of samples; a
 * {@link Loss} with {@link Reduction#SUM} is divided by the batch size first).
 *
 * <p><b>Each epoch</b> the model is put in training mode, trained on every batch, then evaluated on the
 * validation data (in eval mode, without gradients) when given. The epoch's values go to the
 * {@link History} and the callbacks. A learning-rate schedule steps after every epoch or every batch
 * ({@link #scheduler(LRScheduler, Interval)}); a {@link ReduceLROnPlateau} steps after every epoch with a
 * logged value ({@link #reduceLROnPlateau}). An SLF4J line per epoch is logged at INFO ({@link #logging}).
 */
public class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** When a learning-rate schedule steps. */
    public enum Interval {
        /** After every epoch (the usual PyTorch loop). */
        EPOCH,
        /** After every optimizer step (one-cycle, warm-up measured in steps). */
        BATCH
    }

    private final Module model;
    private final BiFunction<Tensor, Tensor, Tensor> lossFn;
    private final boolean sumLoss;
    private final Optimizer optimizer;

    private int epochs = 1;
    private int startEpoch;
    private LRScheduler scheduler;
    private ReduceLROnPlateau plateau;
    private LRSchedulerCallback schedulerCallback;
    private LRSchedulerCallback plateauCallback;
    private final List<Metric> metrics = new ArrayList<>();
    private final List<Callback> callbacks = new ArrayList<>();
    private LoggingCallback logging = new LoggingCallback();
    private ProgressBar progress;
    private double clipNorm = Double.NaN;
    private double clipValue = Double.NaN;
    private Boolean closeBatches;
    private History history;

    // What callbacks read while fit runs.
    private int epoch;
    private int step;
    private long stepsPerEpoch = -1;
    private long samples;
    private double lossSum;
    private boolean stopRequested;

    /**
     * A trainer with a loss module; {@code loss.forward(output, target)} must return a scalar (reduction
     * MEAN or SUM).
     */
    public Trainer(Module model, Loss loss, Optimizer optimizer) {
        this(model, Objects.requireNonNull(loss, "loss")::forward, loss.reduction() == Reduction.SUM, optimizer);
        if (loss.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("Trainer: the loss has reduction NONE; the trainer needs a scalar loss "
                    + "(use MEAN or SUM)");
        }
    }

    /**
     * A trainer with a loss function {@code (output, target) -> scalar}, the mean over the batch's samples
     * (such as {@code F::crossEntropy}).
     */
    public Trainer(Module model, BiFunction<Tensor, Tensor, Tensor> loss, Optimizer optimizer) {
        this(model, loss, false, optimizer);
    }

    private Trainer(Module model, BiFunction<Tensor, Tensor, Tensor> loss, boolean sumLoss, Optimizer optimizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.lossFn = Objects.requireNonNull(loss, "loss");
        this.sumLoss = sumLoss;
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    // =====================================================================================
    // Configuration

    /** The number of epochs {@link #fit} runs up to (epochs {@code startEpoch .. n-1}); default 1. */
    public Trainer epochs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Trainer.epochs: must be >= 1, got " + n);
        }
        this.epochs = n;
        return this;
    }

    /**
     * The first epoch to run, for resuming: a run restored from the checkpoint written after epoch
     * {@code k} continues with {@code startEpoch(k + 1)}. Default 0.
     */
    public Trainer startEpoch(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("Trainer.startEpoch: must be >= 0, got " + e);
        }
        this.startEpoch = e;
        return this;
    }

    /** A schedule that steps after every epoch. */
    public Trainer scheduler(LRScheduler s) {
        return scheduler(s, Interval.EPOCH);
    }

    /** A schedule that steps after every epoch or every batch (replaces an earlier one). */
    public Trainer scheduler(LRScheduler s, Interval interval) {
        this.scheduler = Objects.requireNonNull(s, "scheduler");
        this.schedulerCallback = new LRSchedulerCallback(s, interval);
        return this;
    }

    /**
     * A plateau schedule stepped after every epoch with the logged value {@code monitor} (such as
     * {@code "val_loss"}); its own mode says whether lower or higher is better.
     */
    public Trainer reduceLROnPlateau(ReduceLROnPlateau s, String monitor) {
        this.plateau = Objects.requireNonNull(s, "plateau schedule");
        this.plateauCallback = new LRSchedulerCallback(s, monitor);
        return this;
    }

    /** Adds metrics, computed on the training data and, prefixed {@code val_}, on the validation data. */
    public Trainer metrics(Metric... m) {
        for (Metric metric : m) {
            for (Metric existing : metrics) {
                if (existing.name().equals(metric.name())) {
                    throw new IllegalArgumentException("Trainer.metrics: two metrics are named '" + metric.name()
                            + "'; each logged key must be unique");
                }
            }
            if (metric.name().equals("loss") || metric.name().equals("lr") || metric.name().equals("time")) {
                throw new IllegalArgumentException("Trainer.metrics: '" + metric.name() + "' is a key the trainer logs itself");
            }
            metrics.add(metric);
        }
        return this;
    }

    /** Adds callbacks; they run in the order added. */
    public Trainer callbacks(Callback... c) {
        callbacks.addAll(Arrays.asList(c));
        return this;
    }

    /** Rescales the gradients to a total 2-norm of at most {@code maxNorm} before each optimizer step. */
    public Trainer clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("Trainer.clipGradNorm: maxNorm must be > 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Clamps every gradient element to {@code [-value, value]} before each optimizer step. */
    public Trainer clipGradValue(double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("Trainer.clipGradValue: value must be > 0, got " + value);
        }
        this.clipValue = value;
        return this;
    }

    /**
     * Shows a {@link ProgressBar} on {@code out} (redrawn in place on a terminal, one line per epoch
     * otherwise); {@code null} shows none (the default).
     */
    public Trainer progress(Appendable out) {
        this.progress = out == null ? null : new ProgressBar(out, ProgressBar.Mode.AUTO);
        return this;
    }

    /** Shows the given progress bar; {@code null} shows none. */
    public Trainer progress(ProgressBar bar) {
        this.progress = bar;
        return this;
    }

    /** Whether to log one INFO line per epoch through SLF4J (default true). */
    public Trainer logging(boolean on) {
        this.logging = on ? new LoggingCallback() : null;
        return this;
    }

    /**
     * Whether the trainer closes each batch's tensors after using them; by default it does unless the
     * iterable is a {@link Collection}.
     */
    public Trainer closeBatches(boolean close) {
        this.closeBatches = close;
        return this;
    }

    /**
     * The history {@link #fit} appends to, for resuming a run with its earlier epochs (such as one read
     * back with {@link History#fromMap}); by default each fit starts a new one.
     */
    public Trainer history(History h) {
        this.history = h;
        return this;
    }

    /**
     * Continues a run from a checkpoint that {@link ModelCheckpoint} wrote: loads the model's weights, the
     * optimizer's and the schedule's state and the default generator's position into the objects this
     * trainer was built with (build them as for the original run first), and sets {@link #startEpoch} to
     * the epoch after the saved one and the {@link #history} to the saved one, so that {@link #fit}
     * continues where the run stopped and computes the losses the uninterrupted run would have.
     *
     * @throws IOException              if the file cannot be read or is not a checkpoint
     * @throws IllegalArgumentException if the checkpoint does not match the model, optimizer or schedule,
     *                                  or lacks the epoch ModelCheckpoint records
     */
    public Trainer resume(Path checkpoint) throws IOException {
        if (scheduler != null && plateau != null) {
            throw new IllegalStateException("Trainer.resume: a checkpoint holds one schedule, this trainer has two");
        }
        try (Checkpoint c = Checkpoint.load(checkpoint)) {
            Object epochValue = c.metadata().get(ModelCheckpoint.EPOCH);
            if (!(epochValue instanceof Number)) {
                throw new IllegalArgumentException("Trainer.resume: " + checkpoint + " has no '" + ModelCheckpoint.EPOCH
                        + "' in its metadata (it was not written by ModelCheckpoint); restore it with Checkpoint.load");
            }
            if (plateau != null) {
                c.restore(model, optimizer, plateau);
            } else if (scheduler != null) {
                c.restore(model, optimizer, scheduler);
            } else {
                c.restore(model, optimizer);
            }
            startEpoch(((Number) epochValue).intValue() + 1);
            Object h = c.metadata().get(ModelCheckpoint.HISTORY);
            if (h instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, List<?>> columns = (Map<String, List<?>>) h;
                history = History.fromMap(columns);
            }
            LOG.info("resuming from {} at epoch {}", checkpoint, startEpoch + 1);
        }
        return this;
    }

    // =====================================================================================
    // State, for callbacks

    /** The model being trained. */
    public Module model() {
        return model;
    }

    /** The optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The per-epoch or per-batch schedule, or null. */
    public LRScheduler scheduler() {
        return scheduler;
    }

    /** The plateau schedule, or null. */
    public ReduceLROnPlateau plateauScheduler() {
        return plateau;
    }

    /** The metrics, in the order their values are logged. */
    public List<Metric> metrics() {
        return Collections.unmodifiableList(metrics);
    }

    /** The number of epochs {@link #fit} runs up to. */
    public int epochs() {
        return epochs;
    }

    /** The current epoch (0-based) while fitting; after fitting, the last one run. */
    public int epoch() {
        return epoch;
    }

    /** Batches done in the current epoch. */
    public int step() {
        return step;
    }

    /**
     * Batches per epoch of the training data: its {@code size()} for a {@link DataLoader} or a
     * {@link Collection}, otherwise -1 (unknown).
     */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** Training samples seen in the current epoch. */
    public long samplesSeen() {
        return samples;
    }

    /**
     * The current epoch's training loss (mean per sample so far) and metric values. Computing the metrics
     * costs what their {@code compute()} costs (sorting every score for ROC-AUC), so call it sparingly.
     */
    public Map<String, Double> runningLogs() {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", samples == 0 ? Double.NaN : lossSum / samples);
        for (Metric m : metrics) {
            logs.put(m.name(), m.compute());
        }
        return logs;
    }

    /** The history of the current (or last) {@link #fit}. */
    public History history() {
        return history;
    }

    /** Asks {@link #fit} to stop after the current batch (the epoch is then finished with validation). */
    public void stopTraining() {
        stopRequested = true;
    }

    /** Whether a callback asked to stop. */
    public boolean stopRequested() {
        return stopRequested;
    }

    // =====================================================================================
    // Loops

    /**
     * Trains for epochs {@code startEpoch .. epochs-1} or until a callback stops it.
     *
     * @param train batches {@code {input, target}}; iterated once per epoch
     * @param val   validation batches evaluated after every epoch, or null
     * @return the history (also {@link #history()})
     * @throws IllegalArgumentException for a malformed batch (fewer than two tensors, differing numbers of
     *                                  samples, a non-scalar loss), naming the batch
     */
    public History fit(Iterable<Tensor[]> train, Iterable<Tensor[]> val) {
        Objects.requireNonNull(train, "train");
        if (startEpoch >= epochs) {
            throw new IllegalArgumentException("Trainer.fit: startEpoch " + startEpoch + " is not below epochs " + epochs
                    + "; nothing to train");
        }
        if (history == null || history.size() > 0 && startEpoch == 0) {
            history = new History();
        }
        stepsPerEpoch = train instanceof DataLoader ? ((DataLoader<?>) train).size()
                : train instanceof Collection ? ((Collection<?>) train).size() : -1;
        stopRequested = false;
        List<Callback> all = allCallbacks();
        epoch = startEpoch;
        for (Callback c : all) {
            c.onTrainBegin(this);
        }
        for (int e = startEpoch; e < epochs && !stopRequested; e++) {
            epoch = e;
            if (train instanceof DataLoader) {
                // the shuffle order of epoch e also when the run was resumed at e
                ((DataLoader<?>) train).setEpoch(e);
            }
            Map<String, Double> logs = runEpoch(train, val, all);
            history.add(e, logs);
            for (Callback c : all) {
                c.onEpochEnd(this, e, logs);
            }
        }
        for (Callback c : all) {
            c.onTrainEnd(this, history);
        }
        return history;
    }

    /** Trains without validation data. */
    public History fit(Iterable<Tensor[]> train) {
        return fit(train, null);
    }

    private List<Callback> allCallbacks() {
        List<Callback> all = new ArrayList<>();
        if (schedulerCallback != null) {
            all.add(schedulerCallback);
        }
        if (plateauCallback != null) {
            all.add(plateauCallback);
        }
        all.addAll(callbacks);
        if (logging != null) {
            all.add(logging);
        }
        if (progress != null) {
            all.add(progress);
        }
        return all;
    }

    private Map<String, Double> runEpoch(Iterable<Tensor[]> train, Iterable<Tensor[]> val, List<Callback> all) {
        long t0 = System.nanoTime();
        double lr = optimizer.paramGroups().get(0).lr();
        model.train();
        resetMetrics();
        step = 0;
        samples = 0;
        lossSum = 0;
        for (Callback c : all) {
            c.onEpochBegin(this, epoch);
        }
        forEachBatch(train, "training", () -> stopRequested, (batch, index) -> {
            double loss = trainStep(batch, index);
            step++;
            for (Callback c : all) {
                c.onBatchEnd(this, index, loss);
            }
        });
        if (samples == 0) {
            throw new IllegalArgumentException("Trainer.fit: the training data gave no batch in epoch " + epoch);
        }
        Map<String, Double> logs = runningLogs();
        if (val != null) {
            evaluate(val).forEach((k, v) -> logs.put("val_" + k, v));
        }
        logs.put("lr", lr);
        logs.put("time", (System.nanoTime() - t0) / 1e9);
        return Collections.unmodifiableMap(logs);
    }

    /** One optimizer step on one batch; returns the batch's loss per sample. */
    private double trainStep(Tensor[] batch, int index) {
        int n = checkBatch(batch, "training", index);
        optimizer.zeroGrad();
        Tensor out = model.forward(batch[0]);
        Tensor loss = lossOf(out, batch[1]);
        loss.backward();
        if (!Double.isNaN(clipNorm)) {
            GradClip.clipGradNorm(model.parameters(), clipNorm);
        }
        if (!Double.isNaN(clipValue)) {
            GradClip.clipGradValue(model.parameters(), clipValue);
        }
        optimizer.step();
        double value = perSample(loss.item(), n);
        lossSum += value * n;
        samples += n;
        for (Metric m : metrics) {
            m.update(out, batch[1]);
        }
        return value;
    }

    private Tensor lossOf(Tensor out, Tensor target) {
        Tensor loss = lossFn.apply(out, target);
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("Trainer: the loss function returned shape " + Arrays.toString(loss.shape())
                    + "; it must return a scalar (a loss with reduction MEAN or SUM)");
        }
        return loss;
    }

    private double perSample(double loss, int n) {
        return sumLoss ? loss / n : loss;
    }

    /**
     * The loss (mean per sample) and every metric over {@code data}, in eval mode and without gradients;
     * the model's mode is restored afterwards. Batches as for {@link #fit}.
     *
     * @return {@code loss} and each metric's name to its value
     */
    public Map<String, Double> evaluate(Iterable<Tensor[]> data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        resetMetrics();
        double[] sum = new double[1];
        long[] count = new long[1];
        try (NoGrad ng = NoGrad.open()) {
            forEachBatch(data, "evaluation", () -> false, (batch, index) -> {
                int n = checkBatch(batch, "evaluation", index);
                Tensor out = model.forward(batch[0]);
                sum[0] += perSample(lossOf(out, batch[1]).item(), n) * n;
                count[0] += n;
                for (Metric m : metrics) {
                    m.update(out, batch[1]);
                }
            });
        } finally {
            model.train(wasTraining);
        }
        if (count[0] == 0) {
            throw new IllegalArgumentException("Trainer.evaluate: the data gave no batch");
        }
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", sum[0] / count[0]);
        for (Metric m : metrics) {
            logs.put(m.name(), m.compute());
        }
        return logs;
    }

    /**
     * The model's outputs for every batch's input ({@code batch[0]}; targets, if any, are ignored),
     * concatenated along the first dimension; in eval mode without gradients, the mode restored afterwards.
     * The result belongs to the caller (or the caller's open scope).
     */
    public Tensor predict(Iterable<Tensor[]> data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        List<Tensor> outs = new ArrayList<>();
        try (NoGrad ng = NoGrad.open()) {
            forEachBatch(data, "prediction", () -> false, (batch, index) -> {
                if (batch == null || batch.length == 0 || batch[0] == null) {
                    throw new IllegalArgumentException("Trainer.predict: batch " + index + " has no input tensor");
                }
                outs.add(Scope.untrack(model.forward(batch[0])));
            });
            if (outs.isEmpty()) {
                throw new IllegalArgumentException("Trainer.predict: the data gave no batch");
            }
            return Tensor.cat(outs, 0);
        } finally {
            for (Tensor t : outs) {
                t.close();
            }
            model.train(wasTraining);
        }
    }

    /** The model's output for one input, in eval mode without gradients (the mode restored afterwards). */
    public Tensor predict(Tensor input) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad ng = NoGrad.open()) {
            return model.forward(input);
        } finally {
            model.train(wasTraining);
        }
    }

    /** What to do with one batch, inside its own scope. */
    private interface BatchBody {
        void accept(Tensor[] batch, int index);
    }

    /**
     * Runs {@code body} on every batch (until {@code stop} says so), each in a scope of its own, closing the
     * batch's tensors afterwards when the data does not hold them, and the iterator when it holds resources.
     */
    private void forEachBatch(Iterable<Tensor[]> data, String what, BooleanSupplier stop, BatchBody body) {
        boolean close = closeBatches != null ? closeBatches : !(data instanceof Collection);
        Iterator<Tensor[]> it = data.iterator();
        try {
            for (int index = 0; !stop.getAsBoolean() && it.hasNext(); index++) {
                Tensor[] batch = it.next();
                try (Scope s = Scope.open()) {
                    body.accept(batch, index);
                } finally {
                    if (close) {
                        closeAll(batch);
                    }
                }
            }
        } finally {
            closeIterator(it, what);
        }
    }

    private void resetMetrics() {
        for (Metric m : metrics) {
            m.reset();
        }
    }

    /** Checks a batch's structure and returns its number of samples. */
    private static int checkBatch(Tensor[] batch, String what, int index) {
        if (batch == null || batch.length < 2 || batch[0] == null || batch[1] == null) {
            throw new IllegalArgumentException("Trainer: " + what + " batch " + index + " must be {input, target}, got "
                    + (batch == null ? "null" : batch.length + " tensor(s)" + (batch.length >= 2 ? " with a null" : "")));
        }
        int[] x = batch[0].shape();
        int[] y = batch[1].shape();
        if (x.length == 0 || y.length == 0 || x[0] != y[0]) {
            throw new IllegalArgumentException("Trainer: " + what + " batch " + index + ": batch size mismatch: input "
                    + Arrays.toString(x) + " and target " + Arrays.toString(y)
                    + " must have the same number of samples in their first dimension");
        }
        return x[0];
    }

    private static void closeAll(Tensor[] batch) {
        if (batch != null) {
            for (Tensor t : batch) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** Ends an iterator that holds resources (a loader's worker threads) when the loop leaves it early. */
    private static void closeIterator(Iterator<?> it, String what) {
        if (it instanceof AutoCloseable) {
            try {
                ((AutoCloseable) it).close();
            } catch (Exception e) {
                LOG.warn("closing the {} batch iterator failed", what, e);
            }
        }
    }
}
