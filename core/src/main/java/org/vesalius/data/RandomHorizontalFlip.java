package org.vesalius.data;

import org.vesalius.tensor.Generator;

/** Mirrors an image left to right (its last dim) with probability p, like torchvision's transform. */
public final class RandomHorizontalFlip extends RandomFlip {
    /** p = 0.5. */
    public RandomHorizontalFlip() {
        this(0.5, null);
    }

    public RandomHorizontalFlip(double p) {
        this(p, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomHorizontalFlip(double p, Generator generator) {
        super("RandomHorizontalFlip", -1, p, generator);
    }
}
