package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * Maps intensities {@code [aMin, aMax]} linearly onto {@code [bMin, bMax]}, optionally clipping, as
 * MONAI's {@code ScaleIntensityRange}: {@code (x - aMin) / (aMax - aMin) · (bMax - bMin) + bMin}. Applies
 * to image entries; labels are left alone. Output float32 (float64 stays).
 *
 * <p>CT windowing is the clipped case: {@link #window(double, double)} maps a window of Hounsfield units
 * given by centre and width to [0, 1] (the usual deep-learning form {@code [c - w/2, c + w/2]}, not the
 * DICOM display formula with its half-unit offsets), e.g. {@code window(40, 400)} for soft tissue,
 * {@code window(-600, 1500)} for lung.
 */
public final class ScaleIntensityRange implements Transform {
    private final double aMin;
    private final double aMax;
    private final double bMin;
    private final double bMax;
    private final boolean clip;

    public ScaleIntensityRange(double aMin, double aMax, double bMin, double bMax, boolean clip) {
        if (!Double.isFinite(aMin) || !Double.isFinite(aMax) || !Double.isFinite(bMin) || !Double.isFinite(bMax)) {
            throw new IllegalArgumentException("ScaleIntensityRange: bounds must be finite, got a=[" + aMin + ", " + aMax
                    + "], b=[" + bMin + ", " + bMax + "]");
        }
        if (aMin == aMax) {
            throw new IllegalArgumentException("ScaleIntensityRange: aMin and aMax are both " + aMin
                    + "; the input range must not be empty");
        }
        this.aMin = aMin;
        this.aMax = aMax;
        this.bMin = bMin;
        this.bMax = bMax;
        this.clip = clip;
    }

    /** CT window of {@code width} HU around {@code center} onto [0, 1], clipped. */
    public static ScaleIntensityRange window(double center, double width) {
        return window(center, width, 0, 1);
    }

    /** CT window of {@code width} HU around {@code center} onto {@code [outMin, outMax]}, clipped. */
    public static ScaleIntensityRange window(double center, double width, double outMin, double outMax) {
        if (!(width > 0)) {
            throw new IllegalArgumentException("ScaleIntensityRange.window: width must be positive (HU), got " + width);
        }
        return new ScaleIntensityRange(center - width / 2, center + width / 2, outMin, outMax, true);
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        return Intensities.images(sample, (v, channels, voxels) -> Intensities.scale(v, 0, v.length, aMin, aMax, bMin, bMax, clip));
    }
}
