package org.vesalius.medical.transforms;

import java.util.Arrays;
import java.util.Locale;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Reorders and mirrors the voxel axes so that index axes i, j (, k) point towards the given anatomical
 * directions, as MONAI's {@code Orientation} and nibabel's {@code as_closest_canonical}: e.g.
 * {@code "RAS"} makes i run towards the patient's Right, j Anterior, k Superior. Voxels are moved, never
 * interpolated, and the affine is updated so that every voxel keeps its world position. Each index axis
 * is matched to the world axis it is closest to ({@link MedicalImage#orientation()}); an oblique image
 * stays oblique.
 *
 * <p>A 2-D image takes two letters for its i and j axes, naming the two world axes its plane spans.
 */
public final class Orientation implements Transform {
    private static final String POSITIVE = "RAS";
    private static final String NEGATIVE = "LPI";

    private final String axcodes;

    /** @param axcodes 2 or 3 letters from R/L, A/P, S/I, each world axis at most once, e.g. "RAS", "LPS" */
    public Orientation(String axcodes) {
        if (axcodes == null || axcodes.length() < 2 || axcodes.length() > 3) {
            throw new IllegalArgumentException("Orientation: axcodes must be 2 or 3 letters like \"RAS\", got " + axcodes);
        }
        String codes = axcodes.toUpperCase(Locale.ROOT);
        boolean[] used = new boolean[3];
        for (char c : codes.toCharArray()) {
            int w = worldAxis(c);
            if (w < 0) {
                throw new IllegalArgumentException("Orientation: '" + c + "' in \"" + axcodes
                        + "\" is not one of R, L, A, P, S, I");
            }
            if (used[w]) {
                throw new IllegalArgumentException("Orientation: \"" + axcodes + "\" names the same world axis twice");
            }
            used[w] = true;
        }
        this.axcodes = codes;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage ref = sample.reference("Orientation");
        int dims = ref.spatialDims();
        if (axcodes.length() != dims) {
            throw new IllegalArgumentException("Orientation: a " + dims + "-D image needs " + dims + " axis codes, got \""
                    + axcodes + "\"");
        }
        String current = ref.orientation();
        int[] source = new int[dims];
        boolean[] mirror = new boolean[dims];
        boolean identity = true;
        for (int a = 0; a < dims; a++) {
            char want = axcodes.charAt(a);
            source[a] = -1;
            for (int b = 0; b < dims; b++) {
                if (worldAxis(current.charAt(b)) == worldAxis(want)) {
                    source[a] = b;
                    mirror[a] = current.charAt(b) != want;
                }
            }
            if (source[a] < 0) {
                throw new IllegalArgumentException("Orientation: the image's axes point " + current.substring(0, dims)
                        + " (orientation " + current + "); they cannot be put in \"" + axcodes + "\"");
            }
            identity &= source[a] == a && !mirror[a];
        }
        if (identity) {
            return sample;
        }
        return sample.map((key, kind, image) -> reorient(image, source, mirror));
    }

    /** Output axis a is input axis {@code source[a]}, reversed where {@code mirror[a]}. */
    private static MedicalImage reorient(MedicalImage img, int[] source, boolean[] mirror) {
        int dims = img.spatialDims();
        int rank = img.data().dim();
        int[] n = img.size();
        int[] perm = new int[rank];
        double[][] m = new double[4][4];
        m[3][3] = 1;
        if (dims == 2) {
            m[2][2] = 1;
        }
        int[] flips = new int[dims];
        int nFlips = 0;
        for (int a = 0; a < dims; a++) {
            int b = source[a];
            perm[Grids.dimOf(img, a)] = Grids.dimOf(img, b);
            m[b][a] = mirror[a] ? -1 : 1;
            m[b][3] = mirror[a] ? n[b] - 1 : 0;
            if (mirror[a]) {
                flips[nFlips++] = Grids.dimOf(img, a);
            }
        }
        int[] flipDims = Arrays.copyOf(flips, nFlips);
        Tensor t = Grids.scoped(() -> {
            Tensor p = img.data().permute(perm);
            return flipDims.length > 0 ? p.flip(flipDims) : p.contiguous();
        });
        return Grids.regrid(img, t, m);
    }

    private static int worldAxis(char c) {
        int p = POSITIVE.indexOf(c);
        return p >= 0 ? p : NEGATIVE.indexOf(c);
    }
}
