package org.vesalius.data;

import java.util.Arrays;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * {@code (x - mean[c]) / std[c]} for each channel c of a floating-point image {@code [C, H, W]}, like
 * torchvision's {@code Normalize}; one mean and std apply to every channel (and to {@code [H, W]}).
 */
public final class Normalize implements Transform {
    private final double[] mean;
    private final double[] std;

    /** One value per channel, or one for all. */
    public Normalize(double[] mean, double[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean and std need the same number of values (one per channel, "
                    + "or one for all), got " + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("Normalize: std must be positive and finite, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The same mean and std for every channel, e.g. MNIST's {@code new Normalize(0.1307, 0.3081)}. */
    public Normalize(double mean, double std) {
        this(new double[] {mean}, new double[] {std});
    }

    @Override
    public Tensor apply(Tensor x) {
        Images.floatHeightWidth("Normalize", x);
        if (mean.length == 1) {
            try (Scope s = Scope.open()) {
                return s.keep(x.sub(mean[0]).div(std[0]));
            }
        }
        if (x.dim() < 3 || x.size(-3) != mean.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel means need an image [" + mean.length
                    + ", H, W], got shape " + Arrays.toString(x.shape()));
        }
        double[] inverse = new double[std.length];
        for (int c = 0; c < std.length; c++) {
            inverse[c] = 1 / std[c];
        }
        try (Scope s = Scope.open()) {
            Tensor m = Tensor.of(mean, mean.length, 1, 1).to(x.dtype());
            Tensor r = Tensor.of(inverse, mean.length, 1, 1).to(x.dtype());
            return s.keep(x.sub(m).mul(r));
        }
    }
}
