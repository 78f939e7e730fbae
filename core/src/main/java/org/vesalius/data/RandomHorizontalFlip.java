package org.vesalius.data;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Mirrors an image left to right (its last dim) with probability p, like torchvision's transform. */
public final class RandomHorizontalFlip implements Transform {
    private final double p;
    private final Generator generator;

    /** p = 0.5. */
    public RandomHorizontalFlip() {
        this(0.5, null);
    }

    public RandomHorizontalFlip(double p) {
        this(p, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomHorizontalFlip(double p, Generator generator) {
        Images.checkProbability("RandomHorizontalFlip", p);
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor apply(Tensor x) {
        Images.heightWidth("RandomHorizontalFlip", x);
        return Images.generator(generator).nextDouble() < p ? x.flip(-1) : x;
    }
}
