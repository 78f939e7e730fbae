package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, a rotation about the image centre by angles drawn uniformly from
 * {@code [-range, range]} radians, as MONAI's {@code RandRotate} (keeping the size). 2-D: one range;
 * 3-D: ranges about i, j, k, or one for all three. Geometry, interpolation and padding as {@link Affine}.
 */
public final class RandRotate extends ResamplingTransform {
    private final double prob;
    private final double[] ranges;

    public RandRotate(double prob, double... ranges) {
        super(Padding.ZEROS);
        Grids.probability("RandRotate", prob);
        if (ranges.length == 0) {
            throw new IllegalArgumentException("RandRotate: give the angle range(s) in radians");
        }
        for (double r : ranges) {
            if (!(r >= 0) || !Double.isFinite(r)) {
                throw new IllegalArgumentException("RandRotate: angle ranges must be finite and >= 0, got " + r);
            }
        }
        this.prob = prob;
        this.ranges = ranges.clone();
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        int dims = reference.spatialDims();
        double[] r = Grids.perAxis("RandRotate", "ranges", ranges, AffineParams.rotations(dims), dims);
        if (!(generator.nextDouble() < prob)) {
            return null;
        }
        double[][] content = AffineParams.content(dims, AffineParams.draw(generator, r, 0), null, null, null);
        return new Plan(Grids.spatialSize(reference), AffineParams.outToIn(reference, content), null);
    }
}
