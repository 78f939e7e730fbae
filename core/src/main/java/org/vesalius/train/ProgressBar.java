package org.vesalius.train;

import java.io.Console;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;

/**
 * A console progress bar for {@link Trainer#fit}, written to the {@link Appendable} it is given (the only
 * place the library prints). On a terminal it redraws one line in place ({@code \r}) at most ten times a
 * second:
 * <pre>
 * Epoch 2/5 [=========&gt;          ] 61/125 loss 0.3120 accuracy 0.9043 | 2381 items/s ETA 0:03
 * </pre>
 * and ends each epoch with a complete line that adds the validation values and the epoch's time:
 * <pre>
 * Epoch 2/5 [====================] 125/125 loss 0.2711 accuracy 0.9188 val_loss 0.2450 val_accuracy 0.9270 | 2402 items/s 3.9s
 * </pre>
 * Elsewhere (a file, a pipe, a notebook, a test) carriage returns would pile up, so only the complete line
 * is written, once per epoch. {@link Mode} chooses; AUTO redraws only on {@code System.out} or
 * {@code System.err} attached to a terminal. Items are samples (the first dimension of each input);
 * the ETA is the mean time per batch so far times the batches left, shown when the number of batches per
 * epoch is known.
 */
public final class ProgressBar implements Callback {
    /** How the bar is drawn. */
    public enum Mode {
        /** REDRAW on a terminal, LINES otherwise. */
        AUTO,
        /** Redraw the current line with carriage returns. */
        REDRAW,
        /** One complete line per epoch. */
        LINES
    }

    private static final long REFRESH_NANOS = 100_000_000L;
    private static final int WIDTH = 20;

    private final Appendable out;
    private final boolean redraw;
    private long epochStart;
    private long lastBatchEnd;
    private long lastDraw;
    private int lastLength;

    /** A bar on {@code out} in {@link Mode#AUTO}. */
    public ProgressBar(Appendable out) {
        this(out, Mode.AUTO);
    }

    /** A bar on {@code out}, drawn as {@code mode} says. */
    public ProgressBar(Appendable out, Mode mode) {
        this.out = java.util.Objects.requireNonNull(out, "out");
        this.redraw = mode == Mode.REDRAW || mode == Mode.AUTO && isTerminal(out);
    }

    /** Whether the bar redraws in place (else it writes a line per epoch). */
    public boolean redraws() {
        return redraw;
    }

    /**
     * Whether {@code out} is the console's standard stream on a terminal. Before Java 22 a console exists only
     * on a terminal; from 22 on it always exists and {@code Console.isTerminal()} tells (called reflectively,
     * this code being compiled for Java 17).
     */
    static boolean isTerminal(Appendable out) {
        if (out != System.out && out != System.err) {
            return false;
        }
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void onEpochBegin(Trainer trainer, int epoch) {
        epochStart = System.nanoTime();
        lastBatchEnd = epochStart;
        lastDraw = 0;
        lastLength = 0;
    }

    @Override
    public void onBatchEnd(Trainer trainer, int batch, double loss) {
        lastBatchEnd = System.nanoTime();
        if (!redraw || lastBatchEnd - lastDraw < REFRESH_NANOS && batch + 1 != trainer.stepsPerEpoch()) {
            return;
        }
        lastDraw = lastBatchEnd;
        StringBuilder sb = head(trainer, trainer.epoch(), batch + 1);
        values(sb, trainer.runningLogs());
        sb.append(" | ").append(rate(trainer)).append(" items/s");
        long total = trainer.stepsPerEpoch();
        if (total > 0) {
            double perBatch = (lastBatchEnd - epochStart) / 1e9 / (batch + 1);
            sb.append(" ETA ").append(duration(perBatch * Math.max(0, total - batch - 1)));
        }
        draw(sb.toString(), false);
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        StringBuilder sb = head(trainer, epoch, trainer.step());
        values(sb, logs);
        sb.append(" | ").append(rate(trainer)).append(" items/s ");
        Double time = logs.get("time");
        sb.append(String.format(Locale.ROOT, "%.1fs", time == null ? (System.nanoTime() - epochStart) / 1e9 : time));
        draw(sb.toString(), true);
    }

    private StringBuilder head(Trainer trainer, int epoch, int done) {
        StringBuilder sb = new StringBuilder("Epoch ").append(epoch + 1).append('/').append(trainer.epochs()).append(' ');
        long total = trainer.stepsPerEpoch();
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            sb.append('[');
            for (int i = 0; i < WIDTH; i++) {
                sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
            }
            sb.append("] ").append(done).append('/').append(total);
        } else {
            sb.append(done).append(done == 1 ? " batch" : " batches");
        }
        return sb;
    }

    private static void values(StringBuilder sb, Map<String, Double> logs) {
        logs.forEach((k, v) -> {
            if (!k.equals("lr") && !k.equals("time")) {
                sb.append(' ').append(k).append(' ').append(LoggingCallback.format(v));
            }
        });
    }

    private String rate(Trainer trainer) {
        double seconds = (lastBatchEnd - epochStart) / 1e9;
        return seconds <= 0 ? "-" : String.format(Locale.ROOT, "%.0f", trainer.samplesSeen() / seconds);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void draw(String line, boolean end) {
        try {
            if (redraw) {
                out.append('\r').append(line);
                // blank out what is left of a longer previous line
                for (int i = line.length(); i < lastLength; i++) {
                    out.append(' ');
                }
                lastLength = line.length();
                if (end) {
                    out.append('\n');
                    lastLength = 0;
                }
            } else if (end) {
                out.append(line).append('\n');
            }
            if (out instanceof Flushable) {
                ((Flushable) out).flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ProgressBar: cannot write the progress line", e);
        }
    }
}
