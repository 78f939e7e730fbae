package org.vesalius.data;

import org.vesalius.tensor.Generator;

/** Mirrors an image top to bottom (its second-last dim) with probability p, like torchvision's transform. */
public final class RandomVerticalFlip extends RandomFlip {
    /** p = 0.5. */
    public RandomVerticalFlip() {
        this(0.5, null);
    }

    public RandomVerticalFlip(double p) {
        this(p, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomVerticalFlip(double p, Generator generator) {
        super("RandomVerticalFlip", -2, p, generator);
    }
}
