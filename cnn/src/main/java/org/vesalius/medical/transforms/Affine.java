package org.vesalius.medical.transforms;

import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * A fixed rotation, shear, scale and translation of the content about the image centre, in
 * millimetres (so rotations are rigid for anisotropic voxels too), as MONAI's {@code Affine} with
 * {@code T · R · Sh · Sc}. The output has the input's size; scale 2 magnifies the content twice (a
 * zoom), translation +t moves the content by t mm along the index axes. Images are interpolated
 * linearly, labels by nearest neighbour; outside is {@link Padding#ZEROS} by default.
 *
 * <p>Geometry: the output's affine is the input's composed with the inverse motion, so each voxel still
 * names the world position of the anatomy it shows (in world coordinates nothing moved; in voxel
 * coordinates the content did).
 *
 * <p>Angles in radians: 1 for a 2-D image (axis i turning towards j), 3 for 3-D (about i, then j, then k).
 * Shear: 2 (2-D) or 6 (3-D) coefficients (see {@link #shear}). Scale and translation: one per spatial
 * axis, or one for all.
 */
public final class Affine extends ResamplingTransform {
    private double[] rotate;
    private double[] shear;
    private double[] scale;
    private double[] translate;

    /** The identity; add parts with the setters. */
    public Affine() {
        super(Padding.ZEROS);
    }

    /** A rotation by {@code radians} (1 angle in 2-D, 3 in 3-D). */
    public static Affine rotation(double... radians) {
        return new Affine().rotate(radians);
    }

    /** A zoom about the centre by {@code factors} (> 1 magnifies), one per axis or one for all. */
    public static Affine zoom(double... factors) {
        return new Affine().scale(factors);
    }

    public Affine rotate(double... radians) {
        this.rotate = radians.clone();
        return this;
    }

    /** 2-D {@code [[1, s0], [s1, 1]]}; 3-D {@code [[1, s0, s1], [s2, 1, s3], [s4, s5, 1]]}. */
    public Affine shear(double... coefficients) {
        this.shear = coefficients.clone();
        return this;
    }

    public Affine scale(double... factors) {
        for (double f : factors) {
            if (!(f > 0) || !Double.isFinite(f)) {
                throw new IllegalArgumentException("Affine: scale factors must be positive and finite, got " + f);
            }
        }
        this.scale = factors.clone();
        return this;
    }

    /** Translation of the content in mm along i, j (, k). */
    public Affine translate(double... mm) {
        this.translate = mm.clone();
        return this;
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        int dims = reference.spatialDims();
        double[][] content = AffineParams.content(dims,
                rotate == null ? null : Grids.perAxis("Affine", "rotate", rotate, AffineParams.rotations(dims), dims),
                shear == null ? null : Grids.perAxis("Affine", "shear", shear, AffineParams.shears(dims), dims),
                scale == null ? null : Grids.perAxis("Affine", "scale", scale, dims, dims),
                translate == null ? null : Grids.perAxis("Affine", "translate", translate, dims, dims));
        return new Plan(Grids.spatialSize(reference), AffineParams.outToIn(reference, content), null);
    }
}
