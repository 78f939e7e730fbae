package org.vesalius.cnn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * Resamples the spatial dims to a given size or by a scale factor, like {@code torch.nn.Upsample}:
 * input {@code [N, C, *spatial]} with 1 to 3 spatial dims, output {@code [N, C, *size]} or
 * {@code [N, C, floor(spatial * scaleFactor)]}. No parameters.
 *
 * <p>Modes: {@code nearest} (PyTorch's default), {@code nearest-exact}, {@code linear} (3-d input),
 * {@code bilinear} and {@code bicubic} (4-d), {@code trilinear} (5-d) and {@code area} (adaptive
 * averaging). With a scale factor, positions map back with {@code 1 / scaleFactor} as in PyTorch;
 * {@code alignCorners} (linear and bicubic modes only) maps the corner pixels' centres onto each other
 * instead.
 * <pre>{@code
 * var up = new Upsample(2.0, "bilinear");    // [4, 64, 16, 16] -> [4, 64, 32, 32]
 * }</pre>
 */
public class Upsample extends Module {
    private static final List<String> MODES = List.of("nearest", "nearest-exact", "linear", "bilinear", "bicubic",
            "trilinear", "area");
    private static final List<String> ALIGNABLE = List.of("linear", "bilinear", "bicubic", "trilinear");

    private final int[] size;
    private final double[] scaleFactor;
    private final String mode;
    private final boolean alignCorners;

    /** Nearest-neighbour resampling by {@code scaleFactor} in every spatial dim. */
    public Upsample(double scaleFactor) {
        this(new double[] {scaleFactor}, "nearest", false);
    }

    /** Resampling by {@code scaleFactor} in every spatial dim with {@code mode}. */
    public Upsample(double scaleFactor, String mode) {
        this(new double[] {scaleFactor}, mode, false);
    }

    /**
     * Resampling by scale factors (one for every spatial dim, or one per dim), each positive.
     *
     * @param alignCorners only for the linear and bicubic modes
     */
    public Upsample(double[] scaleFactor, String mode, boolean alignCorners) {
        this(null, scaleFactor, mode, alignCorners);
    }

    /** Resampling to {@code size} (one for every spatial dim, or one per dim) with {@code mode}. */
    public Upsample(int[] size, String mode) {
        this(size, null, mode, false);
    }

    /** Resampling to {@code size} with {@code mode}; {@code alignCorners} only for the linear and bicubic modes. */
    public Upsample(int[] size, String mode, boolean alignCorners) {
        this(size, null, mode, alignCorners);
    }

    private Upsample(int[] size, double[] scaleFactor, String mode, boolean alignCorners) {
        String m = mode == null ? "" : mode.toLowerCase(Locale.ROOT);
        if (!MODES.contains(m)) {
            throw new IllegalArgumentException("Upsample: mode must be one of " + MODES + ", got '" + mode + "'");
        }
        if (alignCorners && !ALIGNABLE.contains(m)) {
            throw new IllegalArgumentException("Upsample: alignCorners can only be set with the modes " + ALIGNABLE
                    + ", not '" + m + "'");
        }
        if (size != null && (size.length < 1 || size.length > 3 || Arrays.stream(size).anyMatch(s -> s <= 0))) {
            throw new IllegalArgumentException("Upsample: size needs 1 to 3 positive values, got " + Arrays.toString(size));
        }
        if (scaleFactor != null && (scaleFactor.length < 1 || scaleFactor.length > 3
                || Arrays.stream(scaleFactor).anyMatch(s -> !(s > 0) || Double.isInfinite(s)))) {
            throw new IllegalArgumentException("Upsample: scaleFactor needs 1 to 3 positive finite values, got "
                    + Arrays.toString(scaleFactor));
        }
        this.size = size == null ? null : size.clone();
        this.scaleFactor = scaleFactor == null ? null : scaleFactor.clone();
        this.mode = m;
        this.alignCorners = alignCorners;
    }

    /** The target spatial size (a copy), or null when resampling by scale factor. */
    public int[] size() {
        return size == null ? null : size.clone();
    }

    /** The scale factors (a copy), or null when resampling to a size. */
    public double[] scaleFactor() {
        return scaleFactor == null ? null : scaleFactor.clone();
    }

    /** The interpolation mode. */
    public String mode() {
        return mode;
    }

    /** Whether corner pixels are aligned (linear and bicubic modes). */
    public boolean alignCorners() {
        return alignCorners;
    }

    /** {@code [N, C, *spatial]} to {@code [N, C, *size]} or {@code [N, C, *floor(spatial * scaleFactor)]}. */
    @Override
    public Tensor forward(Tensor input) {
        return size != null ? input.interpolate(size, mode, alignCorners)
                : input.interpolate(scaleFactor, mode, alignCorners);
    }

    /** As PyTorch prints it: {@code scaleFactor=2.0, mode='nearest'} or {@code size=(32, 32), mode='bilinear'}. */
    @Override
    protected String extraRepr() {
        String info;
        if (scaleFactor != null) {
            info = "scaleFactor=" + (scaleFactor.length == 1 ? Double.toString(scaleFactor[0]) : tuple(scaleFactor));
        } else {
            info = "size=" + Sizes.given(size);
        }
        return info + ", mode='" + mode + "'";
    }

    private static String tuple(double[] a) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < a.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(a[i]);
        }
        return sb.append(a.length == 1 ? ",)" : ")").toString();
    }
}
