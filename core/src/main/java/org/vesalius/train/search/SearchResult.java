package org.vesalius.train.search;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.vesalius.io.AtomicFile;
import org.vesalius.train.Mode;

/** The trials of a search in trial order, the best one, and the results table. */
public final class SearchResult {
    private final List<String> names;
    private final Mode mode;
    private final List<Trial> trials;

    SearchResult(List<String> names, Mode mode, List<Trial> trials) {
        this.names = List.copyOf(names);
        this.mode = mode;
        this.trials = Collections.unmodifiableList(new ArrayList<>(trials));
    }

    /** Every trial, in trial order. */
    public List<Trial> trials() {
        return trials;
    }

    /** Whether higher or lower scores were better. */
    public Mode mode() {
        return mode;
    }

    /** Whether some trial has a score that is not NaN. */
    public boolean hasBest() {
        for (Trial t : trials) {
            if (!Double.isNaN(t.score())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The trial with the best score (the earliest of equal ones); NaN scores never win.
     *
     * @throws IllegalStateException if every score is NaN
     */
    public Trial best() {
        Trial best = null;
        for (Trial t : trials) {
            if (best == null ? !Double.isNaN(t.score()) : mode.improves(t.score(), best.score(), 0)) {
                best = t;
            }
        }
        if (best == null) {
            throw new IllegalStateException("SearchResult: every one of the " + trials.size() + " trials scored NaN");
        }
        return best;
    }

    /** The best trial's configuration. */
    public Config bestConfig() {
        return best().config();
    }

    /**
     * The results table as CSV: {@code trial}, one column per hyperparameter, {@code score} (empty for NaN)
     * and {@code seconds}; one row per trial in trial order.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("trial");
        for (String n : names) {
            sb.append(',').append(field(n));
        }
        sb.append(",score,seconds\n");
        for (Trial t : trials) {
            sb.append(t.index());
            for (String n : names) {
                sb.append(',').append(field(String.valueOf(t.config().get(n))));
            }
            sb.append(',').append(Double.isNaN(t.score()) ? "" : Double.toString(t.score()));
            sb.append(',').append(String.format(Locale.ROOT, "%.3f", t.seconds())).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} through a temporary file in the same directory, renamed when complete. */
    public void saveCsv(Path file) throws IOException {
        byte[] bytes = toCsv().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** One line per trial, the best marked with {@code *}. */
    @Override
    public String toString() {
        int best = hasBest() ? best().index() : -1;
        StringBuilder sb = new StringBuilder();
        for (Trial t : trials) {
            sb.append(t.index() == best ? "* " : "  ").append(String.format(Locale.ROOT, "%4d  %-12s  %s%n", t.index(),
                    Double.toString(t.score()), t.config()));
        }
        return sb.toString();
    }
}
