package org.vesalius.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.vesalius.io.AtomicFile;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The per-epoch values of a training run, as Keras' {@code History}: one column per logged key
 * ({@code loss}, each metric, the same with {@code val_}, {@code lr}, {@code time}) and one row per epoch.
 * A key that was not logged in some epoch reads NaN there. Saved as CSV or JSON and drawn as curves
 * ({@link #plot}).
 */
public final class History {
    private final List<Integer> epochs = new ArrayList<>();
    private final LinkedHashMap<String, List<Double>> columns = new LinkedHashMap<>();

    /** An empty history. */
    public History() {
    }

    /**
     * Appends one epoch's values. Keys seen for the first time are NaN in the earlier epochs.
     *
     * @param epoch the epoch's index (0-based; a resumed run continues the numbering)
     */
    public void add(int epoch, Map<String, Double> logs) {
        for (String key : logs.keySet()) {
            if (key.equals("epoch")) {
                throw new IllegalArgumentException("History.add: 'epoch' is the row label and cannot be a logged key");
            }
            columns.computeIfAbsent(key, k -> new ArrayList<>(Collections.nCopies(epochs.size(), Double.NaN)));
        }
        epochs.add(epoch);
        for (Map.Entry<String, List<Double>> e : columns.entrySet()) {
            Double v = logs.get(e.getKey());
            e.getValue().add(v == null ? Double.NaN : v);
        }
    }

    /** Number of epochs recorded. */
    public int size() {
        return epochs.size();
    }

    /** The epoch index of each row. */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The logged keys in the order they first appeared. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(columns.keySet());
    }

    /** Whether {@code key} was logged. */
    public boolean has(String key) {
        return columns.containsKey(key);
    }

    /** The values of {@code key}, one per epoch. */
    public List<Double> get(String key) {
        List<Double> v = columns.get(key);
        if (v == null) {
            throw new IllegalArgumentException("History: no key '" + key + "'; logged keys: " + columns.keySet());
        }
        return Collections.unmodifiableList(v);
    }

    /** The value of {@code key} in the last epoch. */
    public double last(String key) {
        List<Double> v = get(key);
        if (v.isEmpty()) {
            throw new IllegalStateException("History: no epoch recorded yet");
        }
        return v.get(v.size() - 1);
    }

    /** The epoch index (as in {@link #epochs()}) with the best value of {@code key}, or -1 if all are NaN. */
    public int bestEpoch(String key, Mode mode) {
        List<Double> v = get(key);
        int best = -1;
        double bestValue = mode.worst();
        for (int i = 0; i < v.size(); i++) {
            if (mode.improves(v.get(i), bestValue, 0) || best < 0 && v.get(i) == bestValue) {
                best = i;
                bestValue = v.get(i);
            }
        }
        return best < 0 ? -1 : epochs.get(best);
    }

    /**
     * The history as column lists ({@code "epoch"} first, then every key; NaN and infinities as
     * {@code null}), ready for a JSON writer such as a checkpoint's metadata; {@link #fromMap} reads it
     * back.
     */
    public Map<String, List<Number>> toMap() {
        Map<String, List<Number>> m = new LinkedHashMap<>();
        m.put("epoch", new ArrayList<>(epochs));
        columns.forEach((k, v) -> {
            List<Number> l = new ArrayList<>(v.size());
            for (double d : v) {
                l.add(Double.isFinite(d) ? d : null);
            }
            m.put(k, l);
        });
        return m;
    }

    /**
     * Reads what {@link #toMap()} wrote (numbers of any type, {@code null} for missing values).
     *
     * @throws IllegalArgumentException if {@code "epoch"} is missing or a column's length differs
     */
    public static History fromMap(Map<String, ? extends List<?>> map) {
        List<?> ep = map.get("epoch");
        if (ep == null) {
            throw new IllegalArgumentException("History.fromMap: no 'epoch' column; keys: " + map.keySet());
        }
        History h = new History();
        for (Object e : ep) {
            h.epochs.add(((Number) e).intValue());
        }
        map.forEach((k, v) -> {
            if (k.equals("epoch")) {
                return;
            }
            if (v.size() != ep.size()) {
                throw new IllegalArgumentException("History.fromMap: column '" + k + "' has " + v.size()
                        + " values for " + ep.size() + " epochs");
            }
            List<Double> col = new ArrayList<>(v.size());
            for (Object o : v) {
                col.add(o == null ? Double.NaN : ((Number) o).doubleValue());
            }
            h.columns.put(k, col);
        });
        return h;
    }

    /**
     * Writes a CSV file: a header {@code epoch,<key>,...} and one line per epoch; missing values are empty
     * fields. Written to a temporary file in the same directory and renamed, so the file is whole or absent.
     */
    public void saveCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("epoch");
        for (String k : columns.keySet()) {
            sb.append(',').append(csvField(k));
        }
        sb.append('\n');
        for (int i = 0; i < epochs.size(); i++) {
            sb.append(epochs.get(i));
            for (List<Double> v : columns.values()) {
                sb.append(',');
                if (!Double.isNaN(v.get(i))) {
                    sb.append(number(v.get(i)));
                }
            }
            sb.append('\n');
        }
        writeAtomically(file, sb.toString());
    }

    /**
     * Writes {@link #toJson()} to a file (through a temporary file in the same directory, renamed when
     * complete).
     */
    public void saveJson(Path file) throws IOException {
        writeAtomically(file, toJson() + "\n");
    }

    /**
     * The history as a JSON object of columns, Keras' {@code history.history} layout:
     * {@code {"epoch": [0, 1], "loss": [0.52, 0.31], "val_loss": [0.61, null], ...}}; NaN and infinities
     * (which JSON lacks) are {@code null}.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"epoch\": ").append(epochs);
        columns.forEach((k, v) -> {
            sb.append(", \"").append(jsonEscape(k)).append("\": [");
            for (int i = 0; i < v.size(); i++) {
                double d = v.get(i);
                sb.append(i == 0 ? "" : ", ").append(Double.isFinite(d) ? number(d) : "null");
            }
            sb.append(']');
        });
        return sb.append('}').toString();
    }

    /** {@link #plot(Path, int, int)} with 560 x 400 pixels per panel, two panels per row. */
    public void plot(Path png) throws IOException {
        int panels = panelKeys().size();
        int cols = panels > 1 ? 2 : 1;
        int rows = Math.max(1, (panels + cols - 1) / cols);
        plot(png, cols * 560, rows * 400);
    }

    /**
     * Draws the curves to a PNG image of {@code width x height} pixels: one panel for {@code loss} and one
     * per other logged quantity, each with the training curve and the {@code val_} curve when there is one,
     * against the epoch; the learning rate gets a panel when it changed during training (on a log axis when it spans two decades), and
     * {@code time} none. Panels are laid out two per row, the legend under each plot. Drawing is offscreen and needs no display, so it
     * works with {@code java.awt.headless=true}. Written through a temporary file, renamed when complete.
     *
     * @throws IllegalStateException if nothing was recorded yet
     */
    public void plot(Path png, int width, int height) throws IOException {
        List<String> keys = panelKeys();
        if (keys.isEmpty() || epochs.isEmpty()) {
            throw new IllegalStateException("History.plot: nothing to draw, no epoch recorded yet");
        }
        int cols = keys.size() > 1 ? 2 : 1;
        int rows = (keys.size() + cols - 1) / cols;
        if (width < 50 * cols || height < 50 * rows) {
            throw new IllegalArgumentException("History.plot: " + width + " x " + height + " pixels is too small for "
                    + keys.size() + " panels (at least 50 x 50 each)");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (int i = 0; i < keys.size(); i++) {
                // the last column takes the pixels an uneven division leaves over
                int x0 = (i % cols) * width / cols;
                int x1 = (i % cols + 1) * width / cols;
                int y0 = (i / cols) * height / rows;
                int y1 = (i / cols + 1) * height / rows;
                Graphics2D panel = (Graphics2D) g.create(x0, y0, x1 - x0, y1 - y0);
                try {
                    chart(keys.get(i), x1 - x0, y1 - y0).paint(panel, x1 - x0, y1 - y0);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        AtomicFile.write(png, ch -> {
            if (!ImageIO.write(img, "png", Channels.newOutputStream(ch))) {
                throw new IOException("History.plot: this JVM has no PNG writer");
            }
        });
    }

    /** Keys that get a panel: training-side keys (val_ ones share their panel), lr only if it moved. */
    private List<String> panelKeys() {
        List<String> keys = new ArrayList<>();
        for (String k : columns.keySet()) {
            if (k.equals("time") || k.equals("lr") && constant(columns.get(k))) {
                continue;
            }
            if (k.startsWith("val_") && columns.containsKey(k.substring(4))) {
                continue;
            }
            keys.add(k);
        }
        return keys;
    }

    private static boolean constant(List<Double> v) {
        for (double d : v) {
            if (Double.compare(d, v.get(0)) != 0) {
                return false;
            }
        }
        return true;
    }

    private XYChart chart(String key, int width, int height) {
        String title = key.equals("lr") ? "learning rate" : key;
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("epoch").build();
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        // below the plot, so that no curve hides behind it (accuracies end up where an inside legend sits)
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setXAxisDecimalPattern("0");
        double[] x = new double[epochs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = epochs.get(i) + 1; // epochs are counted from 1 on the axis, as the progress bar shows them
        }
        List<String> series = new ArrayList<>(List.of(key));
        if (!key.startsWith("val_") && columns.containsKey("val_" + key)) {
            series.add("val_" + key);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (String k : series) {
            for (double v : columns.get(k)) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        // a log axis labels only powers of ten: worth it when the values span two decades or more
        boolean log = key.equals("lr") && min > 0 && max / min >= 100;
        st.setYAxisLogarithmic(log);
        if (!log && min <= max) {
            st.setYAxisDecimalPattern(decimalPattern(max - min, Math.max(Math.abs(min), Math.abs(max))));
        }
        st.setLegendVisible(series.size() > 1);
        for (String k : series) {
            chart.addSeries(k.startsWith("val_") && series.size() > 1 ? "validation" : "training", x, values(k))
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** Enough decimals to tell ticks a fifth of the range apart, without trailing zeros. */
    private static String decimalPattern(double range, double magnitude) {
        double step = range > 0 ? range / 5 : magnitude > 0 ? magnitude / 5 : 1;
        int decimals = (int) Math.max(1, Math.min(12, Math.ceil(-Math.log10(step)) + 1));
        return "0.0" + "#".repeat(decimals - 1);
    }

    private double[] values(String key) {
        List<Double> v = columns.get(key);
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    /** The shortest decimal that reads back to {@code d}, without an exponent for ordinary magnitudes. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d) + ".0";
        }
        return Double.toString(d);
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Writes text through a temporary file in the same directory that is renamed when complete. */
    private static void writeAtomically(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }
}
