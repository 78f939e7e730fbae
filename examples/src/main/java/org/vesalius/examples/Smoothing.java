package org.vesalius.examples;

import java.util.Arrays;

/**
 * The classical denoisers the image-enhancement network is compared with, on one grey slice stored row
 * by row ({@code h * w} values). Borders are mirrored (as scipy.ndimage's default {@code reflect}:
 * {@code d c b a | a b c d | d c b a}).
 */
final class Smoothing {
    private Smoothing() {
    }

    /** A Gaussian filter of standard deviation {@code sigma} pixels, truncated at 4 sigma, as two 1-D passes. */
    static float[] gaussian(float[] img, int h, int w, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(4 * sigma));
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] rows = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int d = -radius; d <= radius; d++) {
                    acc += k[d + radius] * img[y * w + reflect(x + d, w)];
                }
                rows[y * w + x] = (float) acc;
            }
        }
        float[] out = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int d = -radius; d <= radius; d++) {
                    acc += k[d + radius] * rows[reflect(y + d, h) * w + x];
                }
                out[y * w + x] = (float) acc;
            }
        }
        return out;
    }

    /** A median filter over a {@code size x size} square ({@code size} odd). */
    static float[] median(float[] img, int h, int w, int size) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("median filter: size must be odd and positive, got " + size);
        }
        int r = size / 2;
        float[] window = new float[size * size];
        float[] out = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        window[n++] = img[reflect(y + dy, h) * w + reflect(x + dx, w)];
                    }
                }
                Arrays.sort(window);
                out[y * w + x] = window[window.length / 2];
            }
        }
        return out;
    }

    /** Index {@code i} mirrored into {@code [0, n)} (the edge value repeated once). */
    private static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
