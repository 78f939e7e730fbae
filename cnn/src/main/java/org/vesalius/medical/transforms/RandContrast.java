package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, scales each channel's deviation from its mean by a factor drawn
 * uniformly from {@code [factorMin, factorMax]} (nnU-Net's contrast augmentation):
 * {@code (x - mean) · factor + mean}, then, with {@link #preserveRange} (default), clipped to the
 * channel's original [min, max]. One factor for all images of the sample; labels are left alone.
 */
public final class RandContrast implements Transform {
    private final double prob;
    private final double factorMin;
    private final double factorMax;
    private boolean preserveRange = true;

    /** nnU-Net's default range [0.75, 1.25]. */
    public RandContrast(double prob) {
        this(prob, 0.75, 1.25);
    }

    public RandContrast(double prob, double factorMin, double factorMax) {
        Grids.probability("RandContrast", prob);
        if (!(factorMin >= 0) || !(factorMax >= factorMin) || Double.isInfinite(factorMax)) {
            throw new IllegalArgumentException("RandContrast: need 0 <= factorMin <= factorMax < infinity, got " + factorMin
                    + ", " + factorMax);
        }
        this.prob = prob;
        this.factorMin = factorMin;
        this.factorMax = factorMax;
    }

    /** Clip the result to each channel's original range (default true). */
    public RandContrast preserveRange(boolean preserve) {
        this.preserveRange = preserve;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return sample;
        }
        double factor = factorMin + generator.nextDouble() * (factorMax - factorMin);
        return Intensities.images(sample, (v, channels, voxels) -> {
            for (int c = 0; c < channels; c++) {
                int from = c * voxels;
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = from; i < from + voxels; i++) {
                    sum += v[i];
                    min = Math.min(min, v[i]);
                    max = Math.max(max, v[i]);
                }
                double mean = sum / voxels;
                for (int i = from; i < from + voxels; i++) {
                    double x = (v[i] - mean) * factor + mean;
                    v[i] = preserveRange ? Math.min(Math.max(x, min), max) : x;
                }
            }
        });
    }
}
