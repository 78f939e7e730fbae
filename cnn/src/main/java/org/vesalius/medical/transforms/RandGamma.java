package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, a gamma curve on each image entry with gamma drawn uniformly from
 * {@code [gammaMin, gammaMax]}, as MONAI's {@code RandAdjustContrast}:
 * {@code ((x - min) / (range + 1e-7))^gamma · range + min}, min and range of the whole image, so the
 * intensity range is kept and gamma &lt; 1 brightens, &gt; 1 darkens the mid-tones. One gamma for all
 * images of the sample; labels are left alone. Equal bounds give a fixed gamma.
 */
public final class RandGamma implements Transform {
    private final double prob;
    private final double gammaMin;
    private final double gammaMax;

    /** MONAI's default range [0.5, 4.5]. */
    public RandGamma(double prob) {
        this(prob, 0.5, 4.5);
    }

    public RandGamma(double prob, double gammaMin, double gammaMax) {
        Grids.probability("RandGamma", prob);
        if (!(gammaMin > 0) || !(gammaMax >= gammaMin) || Double.isInfinite(gammaMax)) {
            throw new IllegalArgumentException("RandGamma: need 0 < gammaMin <= gammaMax < infinity, got " + gammaMin + ", "
                    + gammaMax);
        }
        this.prob = prob;
        this.gammaMin = gammaMin;
        this.gammaMax = gammaMax;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return sample;
        }
        double gamma = gammaMin + generator.nextDouble() * (gammaMax - gammaMin);
        return Intensities.images(sample, (v, channels, voxels) -> gamma(v, gamma));
    }

    static void gamma(double[] v, double gamma) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double range = max - min;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow((v[i] - min) / (range + 1e-7), gamma) * range + min;
        }
    }
}
