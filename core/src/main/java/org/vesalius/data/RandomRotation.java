package org.vesalius.data;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Rotates an image about its centre by an angle drawn uniformly from {@code [min, max]} degrees,
 * counter-clockwise for positive angles, like torchvision's {@code RandomRotation} (same size out,
 * bilinear interpolation). Pixels whose source falls outside the image take {@code fill}.
 */
public final class RandomRotation implements Transform {
    private final double min;
    private final double max;
    private final double fill;
    private final Generator generator;

    /** Angles in {@code [-degrees, degrees]}, fill 0. */
    public RandomRotation(double degrees) {
        this(-degrees, degrees, 0, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomRotation(double min, double max, double fill, Generator generator) {
        if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("RandomRotation: expected finite degrees min <= max, got [" + min + ", "
                    + max + "] (a single value d means [-d, d] and must be non-negative)");
        }
        this.min = min;
        this.max = max;
        this.fill = fill;
        this.generator = generator;
    }

    @Override
    public Tensor apply(Tensor x) {
        Images.floatHeightWidth("RandomRotation", x);
        double angle = min + (max - min) * Images.generator(generator).nextDouble();
        return rotate(x, angle, fill);
    }

    /**
     * {@code image} {@code [..., H, W]} (floating point) rotated by {@code degrees} counter-clockwise
     * about its centre {@code ((W - 1) / 2, (H - 1) / 2)}, bilinear; output pixel (i, j) samples the
     * input at the inversely rotated position, and the part of its four neighbours' weight that falls
     * outside the image goes to {@code fill} (as if the image were padded with fill). Same shape.
     */
    public static Tensor rotate(Tensor image, double degrees, double fill) {
        int[] hw = Images.floatHeightWidth("RandomRotation.rotate", image);
        int h = hw[0];
        int w = hw[1];
        int n = h * w;
        double rad = Math.toRadians(degrees);
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        // The sampling geometry is the same for every channel: work it out once on the host, as the
        // four bilinear neighbours (flat index, weight) of each output pixel, then gather on the device.
        long[] index = new long[4 * n];
        double[] weight = new double[4 * n];
        double[] outside = new double[n];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                // the source of output (x, y), centred, is R(-angle) (x, y) with y pointing down
                double x = j - cx;
                double y = i - cy;
                double sx = cos * x - sin * y + cx;
                double sy = sin * x + cos * y + cy;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                int p = i * w + j;
                for (int c = 0; c < 4; c++) {
                    int dx = c & 1;
                    int dy = c >> 1;
                    int xi = x0 + dx;
                    int yi = y0 + dy;
                    double wt = (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy);
                    if (xi >= 0 && xi < w && yi >= 0 && yi < h) {
                        index[c * n + p] = (long) yi * w + xi;
                        weight[c * n + p] = wt;
                    } else {
                        outside[p] += wt;
                    }
                }
            }
        }
        try (Scope s = Scope.open()) {
            Tensor gathered = image.reshape(-1, n).indexSelect(1, Tensor.of(index)).view(-1, 4, n);
            Tensor out = gathered.mul(Tensor.of(weight, 4, n).to(image.dtype())).sum(1, false);
            if (fill != 0) {
                out = out.add(Tensor.of(outside).mul(fill).to(image.dtype()));
            }
            return s.keep(out.reshape(image.shape()));
        }
    }
}
