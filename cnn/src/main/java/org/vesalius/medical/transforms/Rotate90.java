package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Rotates every entry by {@code k} quarter turns in the plane of two index axes, as MONAI's
 * {@code Rotate90}: axis {@code a} turns into axis {@code b}, so output voxel {@code p} shows input voxel
 * {@code q} with {@code q_a = p_b} and {@code q_b = n_b - 1 - p_a}. Exact (no interpolation); the sizes
 * along a and b swap for odd k, and the affine follows so that each voxel keeps its world position.
 */
public final class Rotate90 implements Transform {
    private final int k;
    private final int a;
    private final int b;

    /** k quarter turns (any integer; negative turns the other way) in the plane of index axes 0 and 1. */
    public Rotate90(int k) {
        this(k, 0, 1);
    }

    public Rotate90(int k, int axisA, int axisB) {
        checkPlane("Rotate90", axisA, axisB);
        this.k = k;
        this.a = axisA;
        this.b = axisB;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        return rotate(sample, k, a, b, "Rotate90");
    }

    static Sample rotate(Sample sample, int k, int a, int b, String who) {
        MedicalImage ref = sample.reference(who);
        Grids.axis(who, a, ref.spatialDims());
        Grids.axis(who, b, ref.spatialDims());
        if (Math.floorMod(k, 4) == 0) {
            return sample;
        }
        return sample.map((key, kind, image) -> IndexOps.rot90(image, k, a, b));
    }

    static void checkPlane(String who, int a, int b) {
        Grids.axis(who, a, 3);
        Grids.axis(who, b, 3);
        if (a == b) {
            throw new IllegalArgumentException(who + ": the rotation plane needs two different axes, got " + a + " and " + b);
        }
    }
}
