package org.vesalius.medical.inference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.vesalius.io.AtomicFile;
import org.vesalius.tensor.Tensor;

/**
 * Pictures for a human to check a result: a grey-level slice with mask outlines or a heatmap drawn
 * over it, written as PNG. Grey levels are stretched between the slice's 1st and 99th percentiles so
 * that a few bright voxels do not darken the rest.
 */
public final class Overlay {
    /** Outline colours, in the order masks are given: green (reference), red (prediction), blue, yellow, magenta. */
    private static final int[] COLOURS = {0x00d000, 0xff2020, 0x3070ff, 0xffd000, 0xff00ff};

    private Overlay() {
    }

    /**
     * The slice with the outline of each mask (voxels of the mask with a 4-neighbour outside it) in its
     * colour: the first mask green, the second red, then blue, yellow, magenta.
     *
     * @param image {@code [H, W]}, any real dtype
     * @param masks {@code [H, W]} each, foreground where nonzero
     */
    public static BufferedImage outlines(Tensor image, Tensor... masks) {
        int[] hw = checkSlice("image", image);
        if (masks.length > COLOURS.length) {
            throw new IllegalArgumentException("Overlay.outlines: at most " + COLOURS.length + " masks, got " + masks.length);
        }
        BufferedImage img = grey(image, hw);
        for (int m = 0; m < masks.length; m++) {
            if (!Arrays.equals(checkSlice("mask " + m, masks[m]), hw)) {
                throw new IllegalArgumentException("Overlay.outlines: mask " + m + " " + Arrays.toString(masks[m].shape())
                        + " must have the image's shape " + Arrays.toString(hw));
            }
            boolean[] fg = masks[m].toBooleanArray(); // nonzero is foreground
            for (int y = 0; y < hw[0]; y++) {
                for (int x = 0; x < hw[1]; x++) {
                    int i = y * hw[1] + x;
                    if (fg[i] && (x == 0 || y == 0 || x == hw[1] - 1 || y == hw[0] - 1
                            || !fg[i - 1] || !fg[i + 1] || !fg[i - hw[1]] || !fg[i + hw[1]])) {
                        img.setRGB(x, y, COLOURS[m]);
                    }
                }
            }
        }
        return img;
    }

    /**
     * The slice with a heatmap blended over it (a blue-cyan-yellow-red scale, 45% opacity).
     *
     * @param image   {@code [H, W]}
     * @param heatmap {@code [H, W]} in [0, 1] (values outside are clipped), e.g. from {@link GradCam}
     */
    public static BufferedImage heatmap(Tensor image, Tensor heatmap) {
        int[] hw = checkSlice("image", image);
        if (!Arrays.equals(checkSlice("heatmap", heatmap), hw)) {
            throw new IllegalArgumentException("Overlay.heatmap: heatmap " + Arrays.toString(heatmap.shape())
                    + " must have the image's shape " + Arrays.toString(hw));
        }
        BufferedImage img = grey(image, hw);
        double[] h = heatmap.to(org.vesalius.tensor.DType.FLOAT64).contiguous().toDoubleArray();
        for (int y = 0; y < hw[0]; y++) {
            for (int x = 0; x < hw[1]; x++) {
                double v = Math.max(0, Math.min(1, h[y * hw[1] + x]));
                int base = img.getRGB(x, y) & 0xff;
                int c = colourScale(v);
                int r = blend(base, (c >> 16) & 0xff);
                int g = blend(base, (c >> 8) & 0xff);
                int b = blend(base, c & 0xff);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** {@code image} enlarged {@code factor} times with square pixels (nearest neighbour), so small slices stay legible. */
    public static BufferedImage enlarge(BufferedImage image, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("Overlay.enlarge: factor must be >= 1, got " + factor);
        }
        BufferedImage out = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, image.getRGB(x / factor, y / factor));
            }
        }
        return out;
    }

    /** Writes {@code image} as PNG through {@link AtomicFile}, so a reader never sees half a file; creates the folder. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.write(file, ch -> {
            // the stream wraps AtomicFile's channel, which AtomicFile closes itself
            if (!ImageIO.write(image, "png", Channels.newOutputStream(ch))) {
                throw new IOException("no PNG writer available for " + file);
            }
        });
    }

    private static int blend(int base, int colour) {
        return (int) Math.round(0.55 * base + 0.45 * colour);
    }

    /** 0 blue, 1/3 cyan, 2/3 yellow, 1 red. */
    private static int colourScale(double v) {
        double r;
        double g;
        double b;
        if (v < 1 / 3.0) {
            double t = v * 3;
            r = 0;
            g = t;
            b = 1;
        } else if (v < 2 / 3.0) {
            double t = (v - 1 / 3.0) * 3;
            r = t;
            g = 1;
            b = 1 - t;
        } else {
            double t = (v - 2 / 3.0) * 3;
            r = 1;
            g = 1 - t;
            b = 0;
        }
        return ((int) Math.round(r * 255) << 16) | ((int) Math.round(g * 255) << 8) | (int) Math.round(b * 255);
    }

    private static BufferedImage grey(Tensor image, int[] hw) {
        double[] v = image.to(org.vesalius.tensor.DType.FLOAT64).contiguous().toDoubleArray();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double lo = sorted[(int) Math.floor(0.01 * (sorted.length - 1))];
        double hi = sorted[(int) Math.ceil(0.99 * (sorted.length - 1))];
        double range = hi > lo ? hi - lo : 1;
        BufferedImage img = new BufferedImage(hw[1], hw[0], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < hw[0]; y++) {
            for (int x = 0; x < hw[1]; x++) {
                double t = (v[y * hw[1] + x] - lo) / range;
                int g = (int) Math.round(255 * Math.max(0, Math.min(1, t)));
                img.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    private static int[] checkSlice(String what, Tensor t) {
        if (t.dim() != 2 || t.size(0) < 1 || t.size(1) < 1) {
            throw new IllegalArgumentException("Overlay: " + what + " must be a non-empty 2-D slice [H, W], got "
                    + Arrays.toString(t.shape()));
        }
        return t.shape();
    }
}
