package org.vesalius.data;

import java.util.Arrays;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Shared checks of the image transforms. */
final class Images {
    private Images() {
    }

    /** Checks that {@code x} is {@code [..., H, W]}; returns {H, W}. */
    static int[] heightWidth(String who, Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException(who + ": image is null");
        }
        if (x.dim() < 2) {
            throw new IllegalArgumentException(who + ": expected an image [C, H, W] or [H, W], got shape "
                    + Arrays.toString(x.shape()));
        }
        return new int[] {x.size(-2), x.size(-1)};
    }

    /** Checks that {@code x} is a floating-point image. */
    static int[] floatHeightWidth(String who, Tensor x) {
        int[] hw = heightWidth(who, x);
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(who + ": expected a floating-point image, got " + x.dtype()
                    + "; convert first, e.g. with new ToDtype(DType.FLOAT32, true)");
        }
        return hw;
    }

    static Generator generator(Generator given) {
        return given != null ? given : DataLoader.generator();
    }

    static void checkProbability(String who, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(who + ": p must be in [0, 1], got " + p);
        }
    }

    static void checkSize(String who, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(who + ": size must be positive, got " + height + " x " + width);
        }
    }
}
