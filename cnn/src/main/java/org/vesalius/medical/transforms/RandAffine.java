package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * With probability {@code prob}, a random {@link Affine} about the image centre, as MONAI's
 * {@code RandAffine}: each angle uniform in {@code [-r, r]} radians, each shear coefficient in
 * {@code [-r, r]}, each scale factor {@code 1 + u} with u in {@code [-r, r]}, each translation in
 * {@code [-r, r]} mm. Parts without a range are not drawn. Draw order: apply?, rotation, shear,
 * translation, scale. Geometry, interpolation and padding as {@link Affine}.
 */
public final class RandAffine extends ResamplingTransform {
    private final double prob;
    private double[] rotateRange;
    private double[] shearRange;
    private double[] scaleRange;
    private double[] translateRange;

    public RandAffine(double prob) {
        super(Padding.ZEROS);
        Grids.probability("RandAffine", prob);
        this.prob = prob;
    }

    /** Angle ranges in radians: 1 (2-D) or 3 (3-D, about i, j, k), or one for all. */
    public RandAffine rotate(double... ranges) {
        this.rotateRange = nonNegative("rotate", ranges);
        return this;
    }

    /** Shear coefficient ranges: 2 (2-D) or 6 (3-D), or one for all. */
    public RandAffine shear(double... ranges) {
        this.shearRange = nonNegative("shear", ranges);
        return this;
    }

    /** Scale ranges: factor {@code 1 + U(-r, r)} per axis (r < 1), or one for all. */
    public RandAffine scale(double... ranges) {
        for (double r : nonNegative("scale", ranges)) {
            if (r >= 1) {
                throw new IllegalArgumentException("RandAffine: scale range must be < 1 (factor 1 + u must stay positive), got " + r);
            }
        }
        this.scaleRange = ranges.clone();
        return this;
    }

    /** Translation ranges in mm along i, j (, k), or one for all. */
    public RandAffine translate(double... mm) {
        this.translateRange = nonNegative("translate", mm);
        return this;
    }

    private static double[] nonNegative(String what, double[] ranges) {
        for (double r : ranges) {
            if (!(r >= 0) || !Double.isFinite(r)) {
                throw new IllegalArgumentException("RandAffine: " + what + " ranges must be finite and >= 0, got " + r);
            }
        }
        return ranges.clone();
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        int dims = reference.spatialDims();
        double[] rot = rotateRange == null ? null
                : Grids.perAxis("RandAffine", "rotate", rotateRange, AffineParams.rotations(dims), dims);
        double[] sh = shearRange == null ? null
                : Grids.perAxis("RandAffine", "shear", shearRange, AffineParams.shears(dims), dims);
        double[] tr = translateRange == null ? null : Grids.perAxis("RandAffine", "translate", translateRange, dims, dims);
        double[] sc = scaleRange == null ? null : Grids.perAxis("RandAffine", "scale", scaleRange, dims, dims);
        if (!(generator.nextDouble() < prob)) {
            return null;
        }
        double[] angles = rot == null ? null : AffineParams.draw(generator, rot, 0);
        double[] shears = sh == null ? null : AffineParams.draw(generator, sh, 0);
        double[] shift = tr == null ? null : AffineParams.draw(generator, tr, 0);
        double[] factors = sc == null ? null : AffineParams.draw(generator, sc, 1);
        double[][] content = AffineParams.content(dims, angles, shears, factors, shift);
        return new Plan(Grids.spatialSize(reference), AffineParams.outToIn(reference, content), null);
    }
}
