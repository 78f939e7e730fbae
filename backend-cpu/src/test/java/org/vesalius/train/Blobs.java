package org.vesalius.train;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Seeded synthetic data for the training tests. */
final class Blobs {
    private Blobs() {
    }

    /**
     * {@code n} points in 2-D on three concentric rings (class c at radius 1 + c, radial noise 0.25, uniform
     * angle), cut into batches of {@code batch}. No line separates the classes, so a linear model stays near
     * chance on the outer ones while a small MLP gets about 97% (the rest is the rings' overlap).
     */
    static List<Tensor[]> classification(int n, int batch, long seed) {
        Generator g = new Generator(seed);
        float[] x = new float[n * 2];
        long[] y = new long[n];
        try (Tensor noise = Tensor.randn(g, n); Tensor angle = Tensor.rand(g, n)) {
            float[] z = noise.toFloatArray();
            float[] a = angle.toFloatArray();
            for (int i = 0; i < n; i++) {
                int c = i % 3;
                y[i] = c;
                double r = 1 + c + 0.25 * z[i];
                x[2 * i] = (float) (r * Math.cos(2 * Math.PI * a[i]));
                x[2 * i + 1] = (float) (r * Math.sin(2 * Math.PI * a[i]));
            }
        }
        return batches(x, 2, y, batch);
    }

    /** {@code y = 3 x0 - 2 x1 + 0.5} plus noise 0.1, inputs standard normal. */
    static List<Tensor[]> regression(int n, int batch, long seed) {
        Generator g = new Generator(seed);
        float[] x;
        float[] e;
        try (Tensor xs = Tensor.randn(g, n, 2); Tensor noise = Tensor.randn(g, n)) {
            x = xs.toFloatArray();
            e = noise.toFloatArray();
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = 3 * x[2 * i] - 2 * x[2 * i + 1] + 0.5f + 0.1f * e[i];
        }
        List<Tensor[]> out = new ArrayList<>();
        for (int s = 0; s < n; s += batch) {
            int len = Math.min(batch, n - s);
            float[] xb = java.util.Arrays.copyOfRange(x, 2 * s, 2 * (s + len));
            float[] yb = java.util.Arrays.copyOfRange(y, s, s + len);
            out.add(new Tensor[] {Tensor.of(xb, len, 2), Tensor.of(yb, len, 1)});
        }
        return out;
    }

    static List<Tensor[]> batches(float[] x, int features, long[] y, int batch) {
        List<Tensor[]> out = new ArrayList<>();
        int n = y.length;
        for (int s = 0; s < n; s += batch) {
            int len = Math.min(batch, n - s);
            out.add(new Tensor[] {Tensor.of(java.util.Arrays.copyOfRange(x, features * s, features * (s + len)), len, features),
                    Tensor.of(java.util.Arrays.copyOfRange(y, s, s + len), len)});
        }
        return out;
    }

    static void close(List<Tensor[]> batches) {
        for (Tensor[] b : batches) {
            for (Tensor t : b) {
                t.close();
            }
        }
    }
}
