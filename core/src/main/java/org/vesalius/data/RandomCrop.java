package org.vesalius.data;

import java.util.Arrays;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * A crop of {@code height x width} at a random position, after padding each side by
 * {@code padding} pixels of {@code fill}, like torchvision's {@code RandomCrop}: {@code [..., H, W]}
 * becomes {@code [..., height, width]}. The top row is drawn first, then the left column, each
 * uniform over the positions where the crop fits.
 */
public final class RandomCrop implements Transform {
    private final int height;
    private final int width;
    private final int padding;
    private final double fill;
    private final Generator generator;

    /** A square crop without padding. */
    public RandomCrop(int size) {
        this(size, size, 0, 0, null);
    }

    /** A square crop after zero padding, e.g. {@code new RandomCrop(32, 4)} for CIFAR. */
    public RandomCrop(int size, int padding) {
        this(size, size, padding, 0, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomCrop(int height, int width, int padding, double fill, Generator generator) {
        Images.checkSize("RandomCrop", height, width);
        if (padding < 0) {
            throw new IllegalArgumentException("RandomCrop: padding must be 0 or more, got " + padding);
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
        this.fill = fill;
        this.generator = generator;
    }

    @Override
    public Tensor apply(Tensor x) {
        int[] hw = Images.heightWidth("RandomCrop", x);
        int h = hw[0] + 2 * padding;
        int w = hw[1] + 2 * padding;
        if (h < height || w < width) {
            throw new IllegalArgumentException("RandomCrop: crop " + height + " x " + width + " is larger than the image "
                    + Arrays.toString(x.shape()) + (padding > 0 ? " padded by " + padding : ""));
        }
        Generator g = Images.generator(generator);
        int top = g.nextInt(h - height + 1);
        int left = g.nextInt(w - width + 1);
        if (padding == 0) {
            return x.narrow(-2, top, height).narrow(-1, left, width);
        }
        try (Scope s = Scope.open()) {
            Tensor padded = x.pad(new int[] {padding, padding, padding, padding}, fill);
            return s.keep(padded.narrow(-2, top, height).narrow(-1, left, width));
        }
    }
}
