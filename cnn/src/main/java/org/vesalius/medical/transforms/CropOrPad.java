package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Cuts every entry to a box of voxels, padding where the box reaches outside the image: a centred box
 * ({@link #center}, MONAI's {@code ResizeWithPadOrCrop}) or one at a given index ({@link #box},
 * MONAI's {@code SpatialCrop} that may also pad). Values are copied exactly; the affine's origin moves
 * to the box's first voxel, so each voxel keeps its world position. Images are padded with
 * {@link #padValue} (default 0), labels with 0.
 */
public final class CropOrPad implements Transform {
    private final int[] start;
    private final int[] size;
    private double padValue;

    private CropOrPad(int[] start, int[] size) {
        for (int s : size) {
            if (s < 1) {
                throw new IllegalArgumentException("CropOrPad: box size must be positive, got " + Arrays.toString(size));
            }
        }
        if (start != null && start.length != size.length) {
            throw new IllegalArgumentException("CropOrPad: start " + Arrays.toString(start) + " and size "
                    + Arrays.toString(size) + " need the same number of axes");
        }
        this.start = start == null ? null : start.clone();
        this.size = size.clone();
    }

    /**
     * The centred box of {@code size} voxels (index order; one value per spatial axis, or one for all):
     * along an axis of n voxels, a crop starts at {@code n/2 - size/2} and a pad puts
     * {@code (size - n)/2} voxels before (integer division, as MONAI).
     */
    public static CropOrPad center(int... size) {
        return new CropOrPad(null, size);
    }

    /** The box of {@code size} voxels whose first voxel is input index {@code start} (may be negative). */
    public static CropOrPad box(int[] start, int[] size) {
        return new CropOrPad(start, size);
    }

    /** Value of image voxels outside the input (labels always get 0). */
    public CropOrPad padValue(double value) {
        this.padValue = value;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage ref = sample.reference("CropOrPad");
        int dims = ref.spatialDims();
        int[] sz = Grids.perAxis("CropOrPad", "size", size, dims);
        int[] st = start == null ? centerStart(Grids.spatialSize(ref), sz)
                : Grids.perAxis("CropOrPad", "start", start, dims);
        return crop(sample, st, sz, padValue);
    }

    /** Start of the centred box of {@code size} in an image of {@code n} voxels, per axis. */
    static int[] centerStart(int[] n, int[] size) {
        int[] st = new int[n.length];
        for (int a = 0; a < n.length; a++) {
            st[a] = n[a] >= size[a] ? n[a] / 2 - size[a] / 2 : -((size[a] - n[a]) / 2);
        }
        return st;
    }

    /** Every entry cut to the box; the sample itself when the box is the whole image. */
    static Sample crop(Sample sample, int[] start, int[] size, double imagePad) {
        int[] n = Grids.spatialSize(sample.reference("crop"));
        boolean whole = true;
        for (int a = 0; a < n.length; a++) {
            whole &= start[a] == 0 && size[a] == n[a];
        }
        if (whole) {
            return sample;
        }
        return sample.map((key, kind, image) -> IndexOps.crop(image, start, size,
                kind == Sample.Kind.LABEL ? 0 : imagePad));
    }
}
