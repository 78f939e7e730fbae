package org.vesalius.medical.transforms;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.vesalius.medical.Affines;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Resampling of a {@link MedicalImage} onto a new voxel grid, the engine of the spatial transforms
 * ({@link Spacing}, {@link Affine}, {@link RandAffine}, {@link RandElastic}, ...), like
 * {@code grid_sample} with coordinates in voxel units.
 *
 * <p>The new grid is given by the 4x4 matrix {@code outToIn} that maps an output voxel index
 * {@code (i, j, k, 1)} to the (fractional) input index it shows, plus optionally a displacement field
 * added to that position. The output's geometry is {@code affine_in · outToIn}: every output voxel keeps
 * the world position of the anatomy it shows (a displacement field, by contrast, moves anatomy and is
 * not part of the geometry). Values are computed in double precision on the host; NEAREST keeps the
 * dtype (labels stay integers), LINEAR gives float32 (float64 for float64 input).
 */
public final class Resampler {
    private Resampler() {
    }

    /**
     * Resamples {@code src} onto {@code outSize} voxels (index order: 2 values for a 2-D image, 3 for 3-D).
     * For a 2-D image {@code outToIn} must keep {@code k = 0} (third row and column those of the identity).
     * @param padValue value outside the input for {@link Padding#ZEROS}
     */
    public static MedicalImage resample(MedicalImage src, int[] outSize, double[][] outToIn, Interpolation mode,
                                        Padding padding, double padValue) {
        return resample(src, outSize, outToIn, null, mode, padding, padValue);
    }

    /**
     * {@code src} resampled onto the voxel grid of {@code reference} (its size, spacing, origin and
     * direction), reading outside {@code src} as 0: e.g. a label map onto its image's grid.
     */
    public static MedicalImage resampleTo(MedicalImage src, MedicalImage reference, Interpolation mode) {
        if (src.spatialDims() != reference.spatialDims()) {
            throw new IllegalArgumentException("resampleTo: a " + src.spatialDims() + "-D image cannot be resampled onto a "
                    + reference.spatialDims() + "-D grid");
        }
        double[][] outToIn = Grids.multiply(Affines.invert(src.affine()), reference.affine());
        return resample(src, Grids.spatialSize(reference), outToIn, null, mode, Padding.ZEROS, 0);
    }

    /**
     * The general form: {@code displacement[a][v]} (input voxel units along index axis a, one array per
     * spatial axis, each of the output's voxel count, row-major like the tensor) is added to the
     * position of output voxel v; null for none.
     */
    static MedicalImage resample(MedicalImage src, int[] outSize, double[][] outToIn, double[][] displacement,
                                 Interpolation mode, Padding padding, double padValue) {
        int dims = src.spatialDims();
        if (outSize.length != dims) {
            throw new IllegalArgumentException("resample: output size needs " + dims + " values for a " + dims
                    + "-D image, got " + Arrays.toString(outSize));
        }
        for (int s : outSize) {
            if (s < 1) {
                throw new IllegalArgumentException("resample: output size must be positive, got " + Arrays.toString(outSize));
            }
        }
        if (dims == 2) {
            double[] row2 = {0, 0, 1, 0};
            for (int c = 0; c < 4; c++) {
                if (Math.abs(outToIn[2][c] - row2[c]) > 1e-9 || (c < 2 && Math.abs(outToIn[c][2]) > 1e-9)) {
                    throw new IllegalArgumentException("resample: a 2-D image's grid must stay in its plane (k = 0), but the map "
                            + Arrays.deepToString(outToIn) + " moves along k");
                }
            }
        }
        Tensor data = src.data();
        int[] in = src.size();
        int[] out = {outSize[0], outSize[1], dims == 3 ? outSize[2] : 1};
        int channels = src.channels();
        double[] values = data.toDoubleArray();
        Kernel kernel = new Kernel(values, channels, in, out, outToIn, displacement, mode, padding, padValue, dims == 2);
        IntStream.range(0, out[1] * out[2]).parallel().forEach(kernel::row);
        DType dtype = mode == Interpolation.NEAREST ? data.dtype() : Grids.floatType(data);
        int[] shape = dims == 3 ? new int[] {channels, out[2], out[1], out[0]} : new int[] {channels, out[1], out[0]};
        Tensor t = Grids.tensor(kernel.out, dtype, data, "resample", shape);
        return Grids.regrid(src, t, outToIn);
    }

    /** One row of output voxels at a time, so rows can run in parallel. */
    private static final class Kernel {
        private final double[] in;
        private final int channels;
        private final int nx;
        private final int ny;
        private final int nz;
        private final int ox;
        private final int oy;
        private final int outVoxels;
        private final double[][] m;
        private final double[][] disp;
        private final boolean linear;
        private final Padding padding;
        private final double padValue;
        private final boolean planar;
        final double[] out;

        Kernel(double[] in, int channels, int[] inSize, int[] outSize, double[][] m, double[][] disp, Interpolation mode,
               Padding padding, double padValue, boolean planar) {
            this.in = in;
            this.channels = channels;
            this.nx = inSize[0];
            this.ny = inSize[1];
            this.nz = inSize[2];
            this.ox = outSize[0];
            this.oy = outSize[1];
            this.outVoxels = outSize[0] * outSize[1] * outSize[2];
            this.m = m;
            this.disp = disp;
            this.linear = mode == Interpolation.LINEAR;
            this.padding = padding;
            this.padValue = padValue;
            this.planar = planar;
            this.out = new double[channels * outVoxels];
        }

        void row(int row) {
            int k = row / oy;
            int j = row % oy;
            int[] ix = new int[2];
            int[] iy = new int[2];
            int[] iz = {0, 0};
            double[] wx = new double[2];
            double[] wy = new double[2];
            double[] wz = {1, 0};
            int inVoxels = nx * ny * nz;
            for (int i = 0; i < ox; i++) {
                int o = row * ox + i;
                double x = m[0][0] * i + m[0][1] * j + m[0][2] * k + m[0][3];
                double y = m[1][0] * i + m[1][1] * j + m[1][2] * k + m[1][3];
                double z = m[2][0] * i + m[2][1] * j + m[2][2] * k + m[2][3];
                if (disp != null) {
                    x += disp[0][o];
                    y += disp[1][o];
                    if (!planar) {
                        z += disp[2][o];
                    }
                }
                if (!linear) {
                    int xi = nearest(x, nx);
                    int yi = nearest(y, ny);
                    int zi = planar ? 0 : nearest(z, nz);
                    if (xi < 0 || yi < 0 || zi < 0) {
                        for (int c = 0; c < channels; c++) {
                            out[c * outVoxels + o] = padValue;
                        }
                    } else {
                        int idx = (zi * ny + yi) * nx + xi;
                        for (int c = 0; c < channels; c++) {
                            out[c * outVoxels + o] = in[c * inVoxels + idx];
                        }
                    }
                    continue;
                }
                linearAxis(x, nx, ix, wx);
                linearAxis(y, ny, iy, wy);
                int zCorners = 1;
                if (!planar) {
                    linearAxis(z, nz, iz, wz);
                    zCorners = 2;
                }
                for (int c = 0; c < channels; c++) {
                    int base = c * inVoxels;
                    double s = 0;
                    for (int a = 0; a < zCorners; a++) {
                        for (int b = 0; b < 2; b++) {
                            double wab = wz[a] * wy[b];
                            if (wab == 0) {
                                continue;
                            }
                            for (int d = 0; d < 2; d++) {
                                double w = wab * wx[d];
                                if (w == 0) {
                                    continue;
                                }
                                s += iz[a] < 0 || iy[b] < 0 || ix[d] < 0 ? w * padValue
                                        : w * in[base + (iz[a] * ny + iy[b]) * nx + ix[d]];
                            }
                        }
                    }
                    out[c * outVoxels + o] = s;
                }
            }
        }

        /** Index of the voxel whose extent holds x, or -1 outside the grid under ZEROS padding. */
        private int nearest(double x, int n) {
            double p = padding == Padding.REFLECTION ? reflect(x, n) : x;
            double r = Math.floor(p + 0.5);
            if (r < 0 || r >= n) {
                if (padding == Padding.ZEROS) {
                    return -1;
                }
                r = r < 0 ? 0 : n - 1;
            }
            return (int) r;
        }

        /** The two voxels around x and their weights; index -1 for a voxel outside the grid (ZEROS only). */
        private void linearAxis(double x, int n, int[] idx, double[] w) {
            double p = x;
            if (padding != Padding.ZEROS) {
                p = padding == Padding.REFLECTION ? reflect(x, n) : x;
                p = Math.min(Math.max(p, 0), n - 1);
            }
            double f = Math.floor(p);
            double t = p - f;
            w[0] = 1 - t;
            w[1] = t;
            idx[0] = f >= 0 && f < n ? (int) f : -1;
            idx[1] = f + 1 >= 0 && f + 1 < n ? (int) f + 1 : -1;
        }

        /** x mirrored into [-0.5, n - 0.5] about the grid's outer edges. */
        private static double reflect(double x, int n) {
            double period = 2.0 * n;
            double y = (x + 0.5) % period;
            if (y < 0) {
                y += period;
            }
            if (y > n) {
                y = period - y;
            }
            return y - 0.5;
        }
    }
}
