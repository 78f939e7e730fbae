package org.vesalius.data;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Mirrors an image along one dim with probability p: the common part of the two flips. */
abstract class RandomFlip implements Transform {
    private final String name;
    private final int dim;
    private final double p;
    private final Generator generator;

    RandomFlip(String name, int dim, double p, Generator generator) {
        Images.checkProbability(name, p);
        this.name = name;
        this.dim = dim;
        this.p = p;
        this.generator = generator;
    }

    /** The image flipped (a new tensor) if a uniform draw is below p, else the image itself. */
    @Override
    public Tensor apply(Tensor x) {
        Images.heightWidth(name, x);
        return Images.generator(generator).nextDouble() < p ? x.flip(dim) : x;
    }
}
