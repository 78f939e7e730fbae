package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * Maps the {@code lower}-th..{@code upper}-th percentile of each image's intensities onto
 * {@code [bMin, bMax]}, optionally clipping, as MONAI's {@code ScaleIntensityRangePercentiles}
 * (percentiles as numpy's default, linear between order statistics). With {@link #relative} the output
 * range is itself the matching fraction of {@code [bMin, bMax]}; with {@link #channelWise} each channel
 * gets its own percentiles. A constant image becomes {@code bMin}. Labels are left alone.
 */
public final class ScaleIntensityRangePercentiles implements Transform {
    private final double lower;
    private final double upper;
    private final double bMin;
    private final double bMax;
    private final boolean clip;
    private boolean relative;
    private boolean channelWise;

    public ScaleIntensityRangePercentiles(double lower, double upper, double bMin, double bMax, boolean clip) {
        if (!(lower >= 0 && lower <= upper && upper <= 100)) {
            throw new IllegalArgumentException("ScaleIntensityRangePercentiles: need 0 <= lower <= upper <= 100, got "
                    + lower + ", " + upper);
        }
        if (!Double.isFinite(bMin) || !Double.isFinite(bMax)) {
            throw new IllegalArgumentException("ScaleIntensityRangePercentiles: output bounds must be finite, got "
                    + bMin + ", " + bMax);
        }
        this.lower = lower;
        this.upper = upper;
        this.bMin = bMin;
        this.bMax = bMax;
        this.clip = clip;
    }

    /** Output range {@code bMin + (bMax - bMin) · [lower, upper] / 100} instead of {@code [bMin, bMax]}. */
    public ScaleIntensityRangePercentiles relative(boolean relative) {
        this.relative = relative;
        return this;
    }

    /** Percentiles of each channel on its own (default: of all channels together). */
    public ScaleIntensityRangePercentiles channelWise(boolean channelWise) {
        this.channelWise = channelWise;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        double b0 = relative ? bMin + (bMax - bMin) * lower / 100 : bMin;
        double b1 = relative ? bMin + (bMax - bMin) * upper / 100 : bMax;
        return Intensities.images(sample, (v, channels, voxels) ->
                Intensities.groups(v, channels, channelWise, (from, to) -> {
                    double[] s = Intensities.sorted(v, from, to);
                    Intensities.scale(v, from, to, Intensities.percentile(s, lower), Intensities.percentile(s, upper), b0, b1, clip);
                }));
    }
}
