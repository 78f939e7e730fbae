package org.vesalius.medical.transforms;

import org.vesalius.data.DataLoader;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * A preprocessing or augmentation step on a {@link Sample}, like a MONAI dictionary transform: random
 * parameters are drawn once from the generator and applied to every entry, with nearest-neighbour
 * interpolation for labels and linear for images, and each entry's geometry (spacing, origin,
 * direction) updated so that {@link MedicalImage#indexToWorld} of a voxel still names the anatomy it
 * shows.
 *
 * <p>Per-axis arguments count along the voxel index axes i, j, k ({@link MedicalImage#size()},
 * {@link MedicalImage#spacing()}): axis 0 is the last tensor dimension (X), axis 2 the slice axis (Z).
 * 2-D images take two values (i, j), 3-D images three.
 *
 * <p>A transform never closes its input; entries it leaves unchanged are passed through as the same
 * objects (see {@link Sample}). The same generator state gives the same result. Without an explicit
 * generator, transforms draw from {@link DataLoader#generator()}: inside a loader that is seeded per
 * batch, so augmentation reproduces for any number of workers (see {@code org.vesalius.medical.data}).
 * <pre>{@code
 * Transform train = new Compose(
 *         new Orientation("RAS"), new Spacing(1, 1, 1),
 *         ScaleIntensityRange.window(40, 400),
 *         new RandCropByPosNegLabel(96, 96, 96).pos(1).neg(1),
 *         new RandFlip(0.5, 0, 1, 2), new RandAffine(0.3).rotate(0.2, 0.2, 0.2).scale(0.1, 0.1, 0.1));
 * Sample out = train.apply(Sample.of(ct, mask), new Generator(seed));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    /** The transformed sample; random draws come from {@code generator}. */
    Sample apply(Sample sample, Generator generator);

    /** {@link #apply(Sample, Generator)} with {@link DataLoader#generator()}. */
    default Sample apply(Sample sample) {
        return apply(sample, DataLoader.generator());
    }

    /** This transform on a lone image (kind {@link Sample.Kind#IMAGE}). */
    default MedicalImage apply(MedicalImage image, Generator generator) {
        return apply(Sample.of(image), generator).image();
    }

    /** This transform on a lone image with {@link DataLoader#generator()}. */
    default MedicalImage apply(MedicalImage image) {
        return apply(image, DataLoader.generator());
    }

    /** This transform, then {@code next}; intermediate images are closed. */
    default Transform andThen(Transform next) {
        return new Compose(this, next);
    }
}
