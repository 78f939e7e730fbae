package org.vesalius.data;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Mirrors an image top to bottom (its second-last dim) with probability p, like torchvision's transform. */
public final class RandomVerticalFlip implements Transform {
    private final double p;
    private final Generator generator;

    /** p = 0.5. */
    public RandomVerticalFlip() {
        this(0.5, null);
    }

    public RandomVerticalFlip(double p) {
        this(p, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomVerticalFlip(double p, Generator generator) {
        Images.checkProbability("RandomVerticalFlip", p);
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor apply(Tensor x) {
        Images.heightWidth("RandomVerticalFlip", x);
        return Images.generator(generator).nextDouble() < p ? x.flip(-2) : x;
    }
}
