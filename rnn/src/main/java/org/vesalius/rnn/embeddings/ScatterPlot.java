package org.vesalius.rnn.embeddings;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vesalius.io.AtomicFile;

/**
 * A scatter plot of 2-D points (a t-SNE map) as a PNG: one colour per group with a legend, and a text
 * label beside each point where it fits. Labels are placed in the order given, each skipped when it
 * would overlap one already drawn, so list the points that matter most first (a {@code Vocabulary}
 * is in frequency order already). Drawn offscreen with XChart; works with {@code java.awt.headless=true}.
 * <pre>{@code
 * new ScatterPlot(xy).groups(namespaceOfWord).labels(words).title("t-SNE of GO words").write(Path.of("tsne.png"));
 * }</pre>
 */
public final class ScatterPlot {
    /** Tableau's ten colours, then darker variants for groups beyond ten. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};

    private final float[][] xy;
    private String[] groups;
    private String[] labels;
    private String title = "";
    private int width = 1600;
    private int height = 1200;
    private int markerSize = 5;
    private int fontSize = 11;
    private int lastDrawn;

    /** A plot of {@code xy [N][2]} (finite values). */
    public ScatterPlot(float[][] xy) {
        Points p = Points.of(xy, "ScatterPlot");
        if (p.d() != 2) {
            throw new IllegalArgumentException("ScatterPlot: points must be [N][2], got " + p.d() + " coordinates");
        }
        this.xy = xy;
    }

    /** The group of each point (colour and legend entry, in order of first appearance); null: one group. */
    public ScatterPlot groups(String[] value) {
        checkLength("groups", value);
        this.groups = value;
        return this;
    }

    /** The text beside each point ({@code null} entries get none), placed in index order where it fits. */
    public ScatterPlot labels(String[] value) {
        checkLength("labels", value);
        this.labels = value;
        return this;
    }

    public ScatterPlot title(String value) {
        this.title = value == null ? "" : value;
        return this;
    }

    /** Image size in pixels (default 1600 x 1200). */
    public ScatterPlot size(int w, int h) {
        if (w < 100 || h < 100) {
            throw new IllegalArgumentException("ScatterPlot: " + w + " x " + h + " pixels is too small (at least 100 x 100)");
        }
        this.width = w;
        this.height = h;
        return this;
    }

    /** Marker diameter in pixels (default 5). */
    public ScatterPlot markerSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("ScatterPlot: markerSize must be at least 1, got " + value);
        }
        this.markerSize = value;
        return this;
    }

    /** Label font size in points (default 11). */
    public ScatterPlot fontSize(int value) {
        if (value < 4) {
            throw new IllegalArgumentException("ScatterPlot: fontSize must be at least 4, got " + value);
        }
        this.fontSize = value;
        return this;
    }

    private void checkLength(String what, String[] value) {
        if (value != null && value.length != xy.length) {
            throw new IllegalArgumentException("ScatterPlot: " + value.length + " " + what + " for " + xy.length + " points");
        }
    }

    /** Draws the plot; {@link #labelsDrawn()} then tells how many labels fitted. */
    public BufferedImage render() {
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < xy.length; i++) {
            String g = groups == null || groups[i] == null ? "" : groups[i];
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(i);
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).build();
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setMarkerSize(markerSize);
        st.setLegendVisible(byGroup.size() > 1);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setPlotGridLinesVisible(false);
        Map<String, Color> colours = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : byGroup.entrySet()) {
            List<Integer> idx = e.getValue();
            double[] x = new double[idx.size()];
            double[] y = new double[idx.size()];
            for (int m = 0; m < x.length; m++) {
                x[m] = xy[idx.get(m)][0];
                y[m] = xy[idx.get(m)][1];
            }
            int c = colours.size();
            Color colour = PALETTE[c % PALETTE.length];
            if (c >= PALETTE.length) {
                colour = colour.darker();
            }
            colours.put(e.getKey(), colour);
            XYSeries s = chart.addSeries(e.getKey().isEmpty() ? "points" : e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(colour);
        }
        Labels drawn = null;
        if (labels != null) {
            drawn = new Labels(colours);
            chart.addAnnotation(drawn);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.paint(g, width, height);
        } finally {
            g.dispose();
        }
        lastDrawn = drawn == null ? 0 : drawn.count;
        return img;
    }

    /** How many labels the last {@link #render} or {@link #write} placed. */
    public int labelsDrawn() {
        return lastDrawn;
    }

    /** Renders and writes the PNG (through a temporary file, renamed when complete). */
    public void write(Path png) throws IOException {
        BufferedImage img = render();
        AtomicFile.write(png, ch -> {
            if (!ImageIO.write(img, "png", Channels.newOutputStream(ch))) {
                throw new IOException("ScatterPlot: this JVM has no PNG writer");
            }
        });
    }

    /** All labels as one annotation, so placement can see the labels placed before. */
    private final class Labels extends Annotation {
        private final Map<String, Color> colours;
        private int count;

        Labels(Map<String, Color> colours) {
            super(false);
            this.colours = colours;
        }

        @Override
        public void paint(Graphics2D g) {
            if (!isVisible) {
                return;
            }
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            // occupancy of placed labels on a coarse grid of cells, each listing the boxes that touch it
            int cell = Math.max(8, fm.getHeight());
            int cols = width / cell + 2;
            int rows = height / cell + 2;
            List<List<Rectangle>> grid = new ArrayList<>(cols * rows);
            for (int i = 0; i < cols * rows; i++) {
                grid.add(null);
            }
            // labels stay inside the plot area (not over the axes or the legend)
            int x0 = getXAxisScreenValueForMin();
            int x1 = getXAxisScreenValueForMax();
            int y0 = getYAxisScreenValueForMin();
            int y1 = getYAxisScreenValueForMax();
            Rectangle area = new Rectangle(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
            count = 0;
            for (int i = 0; i < xy.length; i++) {
                String text = labels[i];
                if (text == null || text.isEmpty()) {
                    continue;
                }
                int px = getXAxisScreenValue(xy[i][0]);
                int py = getYAxisScreenValue(xy[i][1]);
                Rectangle box = new Rectangle(px + markerSize / 2 + 2, py - fm.getAscent() / 2 - 1,
                        fm.stringWidth(text) + 2, fm.getHeight());
                if (!area.contains(box) || !placeable(box, grid, cell, cols, rows)) {
                    continue;
                }
                for (int gy = Math.max(0, box.y / cell); gy <= Math.min(rows - 1, (box.y + box.height) / cell); gy++) {
                    for (int gx = Math.max(0, box.x / cell); gx <= Math.min(cols - 1, (box.x + box.width) / cell); gx++) {
                        int k = gy * cols + gx;
                        if (grid.get(k) == null) {
                            grid.set(k, new ArrayList<>(2));
                        }
                        grid.get(k).add(box);
                    }
                }
                String group = groups == null || groups[i] == null ? "" : groups[i];
                g.setColor(colours.get(group).darker());
                g.drawString(text, box.x + 1, box.y + fm.getAscent());
                count++;
            }
        }

        private boolean placeable(Rectangle box, List<List<Rectangle>> grid, int cell, int cols, int rows) {
            for (int gy = box.y / cell; gy <= Math.min(rows - 1, (box.y + box.height) / cell); gy++) {
                for (int gx = box.x / cell; gx <= Math.min(cols - 1, (box.x + box.width) / cell); gx++) {
                    List<Rectangle> there = grid.get(gy * cols + gx);
                    if (there != null) {
                        for (Rectangle r : there) {
                            if (r.intersects(box)) {
                                return false;
                            }
                        }
                    }
                }
            }
            return true;
        }
    }
}
