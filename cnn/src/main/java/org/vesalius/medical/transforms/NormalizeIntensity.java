package org.vesalius.medical.transforms;

import org.vesalius.tensor.Generator;

/**
 * Z-normalisation {@code (x - mean) / std} of image entries, as MONAI's {@code NormalizeIntensity}:
 * mean and population standard deviation of the image (all channels together, or each channel with
 * {@link #channelWise}); with {@link #nonzero} only nonzero voxels are used and changed (background
 * stays 0, the usual MRI brain setting). A zero standard deviation divides by 1; an image with no
 * selected voxel is left as is. {@link #NormalizeIntensity(double, double)} uses fixed statistics.
 */
public final class NormalizeIntensity implements Transform {
    private final Double subtrahend;
    private final Double divisor;
    private boolean nonzero;
    private boolean channelWise;

    /** Statistics from each image. */
    public NormalizeIntensity() {
        this.subtrahend = null;
        this.divisor = null;
    }

    /** Fixed statistics: {@code (x - subtrahend) / divisor}. */
    public NormalizeIntensity(double subtrahend, double divisor) {
        if (!Double.isFinite(subtrahend) || !Double.isFinite(divisor) || divisor == 0) {
            throw new IllegalArgumentException("NormalizeIntensity: need a finite subtrahend and a finite nonzero divisor, got "
                    + subtrahend + ", " + divisor);
        }
        this.subtrahend = subtrahend;
        this.divisor = divisor;
    }

    /** Use and change only nonzero voxels (default false). */
    public NormalizeIntensity nonzero(boolean nonzero) {
        this.nonzero = nonzero;
        return this;
    }

    /** Statistics of each channel on its own (default false). */
    public NormalizeIntensity channelWise(boolean channelWise) {
        this.channelWise = channelWise;
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        return Intensities.images(sample, (v, channels, voxels) ->
                Intensities.groups(v, channels, channelWise, (from, to) -> normalize(v, from, to)));
    }

    private void normalize(double[] v, int from, int to) {
        long count = 0;
        double sum = 0;
        for (int i = from; i < to; i++) {
            if (!nonzero || v[i] != 0) {
                count++;
                sum += v[i];
            }
        }
        if (count == 0) {
            return;
        }
        double mean = subtrahend != null ? subtrahend : sum / count;
        double std;
        if (divisor != null) {
            std = divisor;
        } else {
            double ss = 0;
            for (int i = from; i < to; i++) {
                if (!nonzero || v[i] != 0) {
                    ss += (v[i] - mean) * (v[i] - mean);
                }
            }
            std = Math.sqrt(ss / count);
            if (std == 0) {
                std = 1;
            }
        }
        for (int i = from; i < to; i++) {
            if (!nonzero || v[i] != 0) {
                v[i] = (v[i] - mean) / std;
            }
        }
    }
}
