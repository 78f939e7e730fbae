package org.vesalius.rnn.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterPlotTest {
    @TempDir
    Path tmp;

    private static int countColour(BufferedImage img, int rgb, int tolerance) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - (rgb >> 16 & 255)) <= tolerance && Math.abs((p >> 8 & 255) - (rgb >> 8 & 255)) <= tolerance
                        && Math.abs((p & 255) - (rgb & 255)) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int differing(BufferedImage a, BufferedImage b) {
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                n += a.getRGB(x, y) != b.getRGB(x, y) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void digitsMapWithLabelsAndLegend() throws IOException {
        float[][] y = Fixtures.matrix(Fixtures.tsneCase("digits").getAsJsonArray("embedding"));
        int[][] labels = new int[1][];
        Fixtures.digits(labels);
        String[] group = new String[y.length];
        String[] text = new String[y.length];
        for (int i = 0; i < y.length; i++) {
            group[i] = "digit " + labels[0][i];
            text[i] = Integer.toString(labels[0][i]);
        }
        Path png = tmp.resolve("digits.png");
        ScatterPlot plot = new ScatterPlot(y).groups(group).labels(text).title("scikit-learn's t-SNE of the digits").size(900, 700);
        plot.write(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(700, img.getHeight());
        // the first groups' colours (Tableau blue, orange) are on the image
        assertTrue(countColour(img, 0x4E79A7, 8) > 200, "blue points");
        assertTrue(countColour(img, 0xF28E2B, 8) > 200, "orange points");
        assertTrue(plot.labelsDrawn() > 50 && plot.labelsDrawn() < y.length, "labels placed where they fit: " + plot.labelsDrawn());
        BufferedImage bare = new ScatterPlot(y).groups(group).title("scikit-learn's t-SNE of the digits").size(900, 700).render();
        assertTrue(differing(img, bare) > 1000, "the labels are drawn");
    }

    @Test
    void fourThousandLabelledPointsAreFeasible() throws IOException {
        Random r = new Random(0);
        int n = 4000;
        float[][] xy = new float[n][2];
        String[] group = new String[n];
        String[] text = new String[n];
        for (int i = 0; i < n; i++) {
            int c = i % 12;
            xy[i][0] = (float) (10 * Math.cos(c) + r.nextGaussian());
            xy[i][1] = (float) (10 * Math.sin(c) + r.nextGaussian());
            group[i] = "cluster " + c;
            text[i] = "word" + i;
        }
        Path png = tmp.resolve("many.png");
        ScatterPlot plot = new ScatterPlot(xy).groups(group).labels(text);
        plot.write(png);
        assertTrue(Files.size(png) > 10_000);
        int drawn = plot.labelsDrawn();
        assertTrue(drawn > 100 && drawn < n, "labels that fit without overlapping: " + drawn);
        assertEquals(1600, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void inconsistentInputIsRefused() {
        float[][] xy = {{0, 0}, {1, 1}};
        assertThrows(IllegalArgumentException.class, () -> new ScatterPlot(new float[][] {{0, 0, 0}}));
        assertThrows(IllegalArgumentException.class, () -> new ScatterPlot(xy).labels(new String[3]));
        assertThrows(IllegalArgumentException.class, () -> new ScatterPlot(xy).groups(new String[1]));
        assertThrows(IllegalArgumentException.class, () -> new ScatterPlot(xy).size(10, 10));
        assertThrows(IllegalArgumentException.class, () -> new ScatterPlot(new float[][] {{0, Float.NaN}}));
    }
}
