package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, rotates every entry by k quarter turns, k drawn uniformly from
 * 1..{@code maxK}, as MONAI's {@code RandRotate90}. See {@link Rotate90} for the direction and geometry.
 */
public final class RandRotate90 implements Transform {
    private final double prob;
    private final int maxK;
    private final int a;
    private final int b;

    /** In the plane of index axes 0 and 1, k from 1 to 3. */
    public RandRotate90(double prob) {
        this(prob, 3, 0, 1);
    }

    public RandRotate90(double prob, int maxK, int axisA, int axisB) {
        Grids.probability("RandRotate90", prob);
        if (maxK < 1) {
            throw new IllegalArgumentException("RandRotate90: maxK must be >= 1, got " + maxK);
        }
        Rotate90.checkPlane("RandRotate90", axisA, axisB);
        this.prob = prob;
        this.maxK = maxK;
        this.a = axisA;
        this.b = axisB;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        int dims = sample.reference("RandRotate90").spatialDims();
        Grids.axis("RandRotate90", a, dims);
        Grids.axis("RandRotate90", b, dims);
        if (!(generator.nextDouble() < prob)) {
            return sample;
        }
        int k = 1 + generator.nextInt(maxK);
        return Rotate90.rotate(sample, k, a, b, "RandRotate90");
    }
}
