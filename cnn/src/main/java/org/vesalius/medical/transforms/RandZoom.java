package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, magnifies the content about the image centre by one factor drawn
 * uniformly from {@code [minZoom, maxZoom]} for all axes, keeping the size, as MONAI's {@code RandZoom}
 * (factors below 1 shrink it). Geometry, interpolation and padding as {@link Affine}.
 */
public final class RandZoom extends ResamplingTransform {
    private final double prob;
    private final double minZoom;
    private final double maxZoom;

    public RandZoom(double prob, double minZoom, double maxZoom) {
        super(Padding.ZEROS);
        Grids.probability("RandZoom", prob);
        if (!(minZoom > 0) || !(maxZoom >= minZoom) || Double.isInfinite(maxZoom)) {
            throw new IllegalArgumentException("RandZoom: need 0 < minZoom <= maxZoom < infinity, got " + minZoom + ", " + maxZoom);
        }
        this.prob = prob;
        this.minZoom = minZoom;
        this.maxZoom = maxZoom;
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return null;
        }
        double z = minZoom + generator.nextDouble() * (maxZoom - minZoom);
        double[][] content = AffineParams.content(reference.spatialDims(), null, null, new double[] {z, z, z}, null);
        return new Plan(Grids.spatialSize(reference), AffineParams.outToIn(reference, content), null);
    }
}
