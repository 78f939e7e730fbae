package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Cuts every entry to a box of fixed size at a uniformly random position inside the image, as MONAI's
 * {@code RandSpatialCrop} with a fixed size. Along an axis shorter than the box the image is centred and
 * padded (0) instead. Geometry and values as {@link CropOrPad}.
 */
public final class RandSpatialCrop implements Transform {
    private final int[] size;

    /** @param size box size in voxels, index order (one per spatial axis, or one for all) */
    public RandSpatialCrop(int... size) {
        for (int s : size) {
            if (s < 1) {
                throw new IllegalArgumentException("RandSpatialCrop: size must be positive, got " + Arrays.toString(size));
            }
        }
        this.size = size.clone();
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage ref = sample.reference("RandSpatialCrop");
        int[] n = Grids.spatialSize(ref);
        int[] sz = Grids.perAxis("RandSpatialCrop", "size", size, n.length);
        int[] start = CropOrPad.centerStart(n, sz);
        for (int a = 0; a < n.length; a++) {
            if (n[a] > sz[a]) {
                start[a] = generator.nextInt(n[a] - sz[a] + 1);
            }
        }
        return CropOrPad.crop(sample, start, sz, 0);
    }
}
