package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Tensor;

/**
 * The exact spatial operations: each output voxel is an input voxel (or padding), so values are copied,
 * never interpolated, and labels of any dtype pass unchanged. Geometry follows {@link Grids#regrid}.
 */
final class IndexOps {
    private IndexOps() {
    }

    /** Mirror along index axis {@code axis}. */
    static MedicalImage flip(MedicalImage img, int axis) {
        return flip(img, new int[] {axis});
    }

    /** Mirror along each of the (distinct) index axes {@code axes}. */
    static MedicalImage flip(MedicalImage img, int[] axes) {
        int[] n = img.size();
        double[][] m = Grids.identity();
        int[] dims = new int[axes.length];
        for (int x = 0; x < axes.length; x++) {
            m[axes[x]][axes[x]] = -1;
            m[axes[x]][3] = n[axes[x]] - 1;
            dims[x] = Grids.dimOf(img, axes[x]);
        }
        Tensor t = Grids.scoped(() -> img.data().flip(dims));
        return Grids.regrid(img, t, m);
    }

    /** Index axes {@code a} and {@code b} exchanged. */
    static MedicalImage swap(MedicalImage img, int a, int b) {
        double[][] m = Grids.identity();
        m[a][a] = 0;
        m[b][b] = 0;
        m[a][b] = 1;
        m[b][a] = 1;
        Tensor t = Grids.scoped(() -> img.data().transpose(Grids.dimOf(img, a), Grids.dimOf(img, b)).contiguous());
        return Grids.regrid(img, t, m);
    }

    /**
     * Rotated by {@code k} quarter turns in the plane of index axes a and b, axis a turning into axis b:
     * output voxel {@code p} shows input voxel {@code q} with {@code q_a = p_b}, {@code q_b = n_b - 1 - p_a}.
     * k may be negative.
     */
    static MedicalImage rot90(MedicalImage img, int k, int a, int b) {
        int turns = Math.floorMod(k, 4);
        if (turns == 2) {
            return flip(img, new int[] {a, b});
        }
        MedicalImage cur = img;
        for (int t = 0; t < turns; t++) {
            MedicalImage swapped = swap(cur, a, b);
            if (cur != img) {
                cur.close();
            }
            cur = flip(swapped, a);
            swapped.close();
        }
        return cur == img ? copy(img) : cur;
    }

    /**
     * The box of {@code size} voxels starting at index {@code start} (index order, one value per spatial
     * axis); parts outside the image are filled with {@code padValue}. A new, compact tensor: a patch
     * does not keep the whole volume alive.
     */
    static MedicalImage crop(MedicalImage img, int[] start, int[] size, double padValue) {
        int dims = img.spatialDims();
        int[] n = img.size();
        int[] pads = new int[2 * dims];
        boolean outside = false;
        int[] lo = new int[dims];
        int[] len = new int[dims];
        for (int a = 0; a < dims; a++) {
            if (size[a] < 1) {
                throw new IllegalArgumentException("crop: box size must be positive, got " + Arrays.toString(size));
            }
            lo[a] = Math.max(start[a], 0);
            int hi = (int) Math.min((long) start[a] + size[a], n[a]);
            len[a] = hi - lo[a];
            outside |= len[a] <= 0;
            pads[2 * a] = lo[a] - start[a];
            pads[2 * a + 1] = start[a] + size[a] - Math.max(hi, lo[a]);
        }
        double[][] m = Grids.translation(start[0], start[1], dims == 3 ? start[2] : 0);
        Tensor data = img.data();
        Tensor t;
        if (outside) {
            int[] shape = data.shape().clone();
            for (int a = 0; a < dims; a++) {
                shape[Grids.dimOf(img, a)] = size[a];
            }
            t = Tensor.full(data.dtype(), data.device(), padValue, shape);
        } else {
            t = Grids.scoped(() -> {
                Tensor v = data;
                for (int a = 0; a < dims; a++) {
                    v = v.narrow(Grids.dimOf(img, a), lo[a], len[a]);
                }
                boolean padded = Arrays.stream(pads).anyMatch(p -> p != 0);
                return padded ? v.pad(pads, "constant", padValue) : v.clone();
            });
        }
        return Grids.regrid(img, t, m);
    }

    /** A copy with its own tensor and the same geometry. */
    static MedicalImage copy(MedicalImage img) {
        return img.withData(img.data().clone());
    }
}
