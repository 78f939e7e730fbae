package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, Rician noise, the noise of MRI magnitude images, as MONAI's
 * {@code RandRicianNoise}: {@code sqrt((x + n1)² + n2²)} with n1, n2 independent {@code N(mean, sigma²)}.
 * Sigma is drawn uniformly from {@code [0, std]} (or is {@code std} with {@code sampleStd(false)}); with
 * {@link #relative} it is further multiplied by the image's standard deviation. Draws are per image entry,
 * or per channel with {@link #channelWise}. Labels are left alone.
 */
public final class RandRicianNoise implements Transform {
    private final double prob;
    private final double mean;
    private final double std;
    private boolean sampleStd = true;
    private boolean relative;
    private boolean channelWise;

    public RandRicianNoise(double prob, double mean, double std) {
        Grids.probability("RandRicianNoise", prob);
        if (!Double.isFinite(mean) || !(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("RandRicianNoise: need a finite mean and a finite std >= 0, got " + mean
                    + ", " + std);
        }
        this.prob = prob;
        this.mean = mean;
        this.std = std;
    }

    /** Draw sigma from [0, std] (default true) or always use std. */
    public RandRicianNoise sampleStd(boolean sample) {
        this.sampleStd = sample;
        return this;
    }

    /** Sigma relative to the image's (or channel's) standard deviation (default false). */
    public RandRicianNoise relative(boolean relative) {
        this.relative = relative;
        return this;
    }

    /** Separate sigma for each channel (default false). */
    public RandRicianNoise channelWise(boolean channelWise) {
        this.channelWise = channelWise;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return sample;
        }
        return Intensities.images(sample, (v, channels, voxels) -> Intensities.groups(v, channels, channelWise, (from, to) -> {
            double sigma = (sampleStd ? generator.nextDouble() * std : std) * (relative ? Intensities.std(v, from, to) : 1);
            double[] n1 = Intensities.normal(generator, to - from);
            double[] n2 = Intensities.normal(generator, to - from);
            for (int i = from; i < to; i++) {
                double a = v[i] + mean + sigma * n1[i - from];
                double b = mean + sigma * n2[i - from];
                v[i] = Math.sqrt(a * a + b * b);
            }
        }));
    }
}
