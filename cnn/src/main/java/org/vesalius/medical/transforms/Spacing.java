package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Resamples to a target voxel spacing, as MONAI's {@code Spacing}: direction and origin (the centre of
 * voxel (0, 0, 0)) stay, and along each axis the output has {@code round((n - 1) · s / s') + 1} voxels,
 * so it covers the same voxel centres. Images are interpolated linearly, labels by nearest neighbour;
 * positions past the last input voxel read the edge ({@link Padding#BORDER}, the default).
 * A 2-D image takes two spacings and keeps its slice thickness.
 */
public final class Spacing extends ResamplingTransform {
    private final double[] pixdim;

    /** @param pixdim target spacing in mm along i, j (, k): one per spatial axis, or one for all */
    public Spacing(double... pixdim) {
        super(Padding.BORDER);
        if (pixdim.length < 1 || pixdim.length > 3) {
            throw new IllegalArgumentException("Spacing: give 1, 2 or 3 target spacings, got " + Arrays.toString(pixdim));
        }
        for (double s : pixdim) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("Spacing: target spacing must be positive and finite (mm), got "
                        + Arrays.toString(pixdim));
            }
        }
        this.pixdim = pixdim.clone();
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        int dims = reference.spatialDims();
        double[] target = Grids.perAxis("Spacing", "pixdim", pixdim, dims);
        double[] spacing = reference.spacing();
        int[] n = reference.size();
        int[] size = new int[dims];
        double[] ratio = {1, 1, 1};
        boolean same = true;
        for (int a = 0; a < dims; a++) {
            ratio[a] = target[a] / spacing[a];
            size[a] = (int) Math.rint((n[a] - 1) / ratio[a]) + 1;
            same &= Math.abs(ratio[a] - 1) < 1e-9;
        }
        if (same) {
            return null;
        }
        return new Plan(size, Grids.scaling(ratio[0], ratio[1], ratio[2]), null);
    }
}
