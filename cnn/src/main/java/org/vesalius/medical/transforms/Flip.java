package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Mirrors every entry along the given index axes (0 = i, 1 = j, 2 = k), as MONAI's {@code Flip}. The
 * affine follows, so each voxel keeps its world position: the image is the same anatomy stored in the
 * opposite order (its orientation letter flips, e.g. R to L).
 */
public final class Flip implements Transform {
    private final int[] axes;

    /** @param axes distinct index axes to mirror */
    public Flip(int... axes) {
        this.axes = checkAxes("Flip", axes);
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage ref = sample.reference("Flip");
        for (int a : axes) {
            Grids.axis("Flip", a, ref.spatialDims());
        }
        if (axes.length == 0) {
            return sample;
        }
        return sample.map((key, kind, image) -> IndexOps.flip(image, axes));
    }

    static int[] checkAxes(String who, int[] axes) {
        boolean[] seen = new boolean[3];
        for (int a : axes) {
            Grids.axis(who, a, 3);
            if (seen[a]) {
                throw new IllegalArgumentException(who + ": axis " + a + " is listed twice");
            }
            seen[a] = true;
        }
        return axes.clone();
    }
}
