package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, adds Gaussian noise {@code N(mean, sigma²)} to every voxel of each image
 * entry, as MONAI's {@code RandGaussianNoise}: sigma is drawn uniformly from {@code [0, std]} once per
 * sample (or is {@code std} itself with {@code sampleStd(false)}). Each image gets its own noise; labels
 * are left alone.
 */
public final class RandGaussianNoise implements Transform {
    private final double prob;
    private final double mean;
    private final double std;
    private boolean sampleStd = true;

    public RandGaussianNoise(double prob, double mean, double std) {
        Grids.probability("RandGaussianNoise", prob);
        if (!Double.isFinite(mean) || !(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("RandGaussianNoise: need a finite mean and a finite std >= 0, got " + mean
                    + ", " + std);
        }
        this.prob = prob;
        this.mean = mean;
        this.std = std;
    }

    /** Draw sigma from [0, std] (default true) or always use std. */
    public RandGaussianNoise sampleStd(boolean sample) {
        this.sampleStd = sample;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return sample;
        }
        double sigma = sampleStd ? generator.nextDouble() * std : std;
        return Intensities.images(sample, (v, channels, voxels) -> {
            double[] z = Intensities.normal(generator, v.length);
            for (int i = 0; i < v.length; i++) {
                v[i] += mean + sigma * z[i];
            }
        });
    }
}
