package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.Affines;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Rotation, shear, scale and translation as one 4x4 map of physical (mm) coordinates about the image
 * centre, and its conversion into the output-to-input index map of a same-size resampling.
 */
final class AffineParams {
    private AffineParams() {
    }

    /** Parameters that rotation needs: 1 angle (2-D) or 3 (3-D). */
    static int rotations(int dims) {
        return dims == 2 ? 1 : 3;
    }

    /** Shear coefficients: 2 (2-D) or 6 (3-D). */
    static int shears(int dims) {
        return dims == 2 ? 2 : 6;
    }

    /**
     * {@code T · R · Sh · Sc}, MONAI's order: content is scaled, sheared, rotated, then translated (mm).
     * 3-D rotation is {@code R_k(c) · R_j(b) · R_i(a)} (about i first) for angles (a, b, c); a 2-D angle turns
     * axis i towards j. Shear 2-D {@code [[1, s0], [s1, 1]]}, 3-D {@code [[1, s0, s1], [s2, 1, s3], [s4, s5, 1]]}.
     * Null parameters are the identity.
     */
    static double[][] content(int dims, double[] rotate, double[] shear, double[] scale, double[] translate) {
        double[][] r = Grids.identity();
        if (rotate != null) {
            r = dims == 2 ? rotation(2, rotate[0])
                    : Grids.multiply(rotation(2, rotate[2]), rotation(1, rotate[1]), rotation(0, rotate[0]));
        }
        double[][] sh = Grids.identity();
        if (shear != null) {
            if (dims == 2) {
                sh[0][1] = shear[0];
                sh[1][0] = shear[1];
            } else {
                sh[0][1] = shear[0];
                sh[0][2] = shear[1];
                sh[1][0] = shear[2];
                sh[1][2] = shear[3];
                sh[2][0] = shear[4];
                sh[2][1] = shear[5];
            }
        }
        double[][] sc = scale == null ? Grids.identity() : Grids.scaling(scale[0], scale[1], dims == 3 ? scale[2] : 1);
        double[][] t = translate == null ? Grids.identity()
                : Grids.translation(translate[0], translate[1], dims == 3 ? translate[2] : 0);
        return Grids.multiply(t, r, sh, sc);
    }

    /** Rotation by {@code angle} about index axis {@code axis} (axis+1 turns towards axis+2, cyclically). */
    private static double[][] rotation(int axis, double angle) {
        int u = (axis + 1) % 3;
        int v = (axis + 2) % 3;
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double[][] m = Grids.identity();
        m[u][u] = c;
        m[u][v] = -s;
        m[v][u] = s;
        m[v][v] = c;
        return m;
    }

    /**
     * The index map of a same-size output whose content is {@code content} (mm, about the image centre)
     * applied to the input: {@code M = T(c) · S⁻¹ · content⁻¹ · S · T(-c)}, with c the centre index and S the
     * spacing, so rotations are true rotations in millimetres even for anisotropic voxels.
     */
    static double[][] outToIn(MedicalImage ref, double[][] content) {
        int[] n = ref.size();
        double[] sp = ref.spacing();
        double[] c = {(n[0] - 1) / 2.0, (n[1] - 1) / 2.0, (n[2] - 1) / 2.0};
        double sk = ref.spatialDims() == 3 ? sp[2] : 1;
        double[][] inverse;
        try {
            inverse = Affines.invert(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("affine transform is singular (a zero scale or a degenerate shear): "
                    + Arrays.deepToString(content), e);
        }
        return Grids.multiply(Grids.translation(c[0], c[1], c[2]), Grids.scaling(1 / sp[0], 1 / sp[1], 1 / sk), inverse,
                Grids.scaling(sp[0], sp[1], sk), Grids.translation(-c[0], -c[1], -c[2]));
    }

    /** Uniform draws in {@code [-range, range]}, one per value, added to {@code centre}. */
    static double[] draw(Generator g, double[] range, double centre) {
        double[] r = new double[range.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = centre + (2 * g.nextDouble() - 1) * range[i];
        }
        return r;
    }
}
