package org.vesalius.train;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}, like Keras callbacks: every method does nothing unless overridden. The
 * trainer passes itself, so a callback can read the model, the optimizer, the epoch and step
 * ({@link Trainer#epoch()}, {@link Trainer#step()}, {@link Trainer#stepsPerEpoch()}), the running loss and
 * metrics ({@link Trainer#runningLogs()}) and ask to stop ({@link Trainer#stopTraining()}).
 *
 * <p>Callbacks run on the training thread in the order they were added, after the trainer's own
 * schedule stepping (so at the end of an epoch they see the learning rate of the next one in the optimizer,
 * and the one that was used in {@code logs.get("lr")}).
 */
public interface Callback {
    /** Before the first epoch. */
    default void onTrainBegin(Trainer trainer) {
    }

    /** Before the first batch of {@code epoch} (0-based). */
    default void onEpochBegin(Trainer trainer, int epoch) {
    }

    /**
     * After the optimizer step of batch {@code batch} (0-based within the epoch), still inside the step's
     * {@code Scope}: tensors made here are freed with the step's unless kept.
     *
     * @param loss the batch's loss, mean per sample
     */
    default void onBatchEnd(Trainer trainer, int batch, double loss) {
    }

    /**
     * After the epoch's validation.
     *
     * @param logs the epoch's values, read-only: {@code loss} and each metric's name (training, mean per
     *             sample), the same prefixed with {@code val_} when there is validation data, {@code lr}
     *             (group 0's learning rate during the epoch) and {@code time} (seconds, validation included)
     */
    default void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
    }

    /** After the last epoch, or the epoch in which a callback asked to stop. */
    default void onTrainEnd(Trainer trainer, History history) {
    }
}
