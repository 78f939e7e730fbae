package org.vesalius.cnn.models;

import java.util.Arrays;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Between landmark coordinates and heatmaps, for heatmap-regression landmark networks
 * ({@link HeatmapLandmarkNet}): {@link #softArgmax} reads differentiable coordinates out of predicted
 * heatmaps, {@link #gaussian} draws target heatmaps around known coordinates.
 *
 * <p>Coordinates are in voxel (pixel) index units along the tensor's spatial axes, in the axes' order:
 * {@code (row, column)} for {@code [N, K, H, W]}, {@code (slice, row, column)} for {@code [N, K, D, H, W]};
 * the centre of the first voxel is 0. Convert to millimetres with the image's spacing and origin.
 */
public final class Heatmaps {
    private Heatmaps() {
    }

    /**
     * The soft-argmax of each heatmap: the expected position under {@code softmax(beta * heatmap)} over
     * all voxels, differentiable in the heatmaps (so a network can be trained on coordinate errors
     * directly). A large {@code beta} approaches the hard argmax; {@code beta = 1} treats the heatmaps
     * as log-probabilities.
     *
     * @param heatmaps {@code [N, K, *spatial]} with 1 to 3 spatial axes, floating point
     * @param beta     the inverse temperature, positive
     * @return coordinates {@code [N, K, spatialDims]}, the heatmaps' dtype
     */
    public static Tensor softArgmax(Tensor heatmaps, double beta) {
        int[] s = heatmaps.shape();
        int dims = s.length - 2;
        if (dims < 1 || dims > 3 || !heatmaps.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Heatmaps.softArgmax: expected floating-point heatmaps [N, K, *spatial] with "
                    + "1 to 3 spatial axes, got " + heatmaps.dtype() + " " + Arrays.toString(s));
        }
        if (!(beta > 0)) {
            throw new IllegalArgumentException("Heatmaps.softArgmax: beta must be positive, got " + beta);
        }
        int[] size = Arrays.copyOfRange(s, 2, s.length);
        int voxels = Arrays.stream(size).reduce(1, (a, b) -> a * b);
        Tensor p = heatmaps.reshape(s[0] * s[1], voxels).mul(beta).softmax(1);
        Tensor coords = p.mm(grid(size, heatmaps.dtype()));
        return coords.reshape(s[0], s[1], dims);
    }

    /**
     * Target heatmaps: at every voxel {@code exp(-|x - c|^2 / (2 sigma^2))} around each landmark
     * {@code c}, so 1 at the landmark (when it lies on a voxel centre) and falling off with
     * {@code sigma} voxels.
     *
     * @param coords {@code [N, K, spatialDims]} landmark positions in voxel units (floating point)
     * @param size   the spatial size of the heatmaps, {@code spatialDims} values
     * @param sigma  the Gaussian's standard deviation in voxels, positive
     * @return {@code [N, K, *size]}, the coordinates' dtype
     */
    public static Tensor gaussian(Tensor coords, int[] size, double sigma) {
        int[] c = coords.shape();
        if (c.length != 3 || c[2] != size.length || size.length < 1 || size.length > 3
                || !coords.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Heatmaps.gaussian: expected floating-point coordinates [N, K, " + size.length
                    + "] for a spatial size of " + size.length + " (1 to 3) axes " + Arrays.toString(size) + ", got "
                    + coords.dtype() + " " + Arrays.toString(c));
        }
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("Heatmaps.gaussian: sigma must be positive, got " + sigma);
        }
        int voxels = Arrays.stream(size).reduce(1, (a, b) -> a * b);
        Tensor g = grid(size, coords.dtype()).reshape(1, 1, voxels, size.length);
        Tensor d2 = g.sub(coords.unsqueeze(2)).square().sum(3, false);
        int[] shape = new int[size.length + 2];
        shape[0] = c[0];
        shape[1] = c[1];
        System.arraycopy(size, 0, shape, 2, size.length);
        return d2.mul(-0.5 / (sigma * sigma)).exp().reshape(shape);
    }

    /** Every voxel's index along every axis: {@code [voxels, axes]}, voxels in row-major order. */
    private static Tensor grid(int[] size, DType dtype) {
        int voxels = Arrays.stream(size).reduce(1, (a, b) -> a * b);
        float[] g = new float[voxels * size.length];
        for (int v = 0; v < voxels; v++) {
            int rest = v;
            for (int d = size.length - 1; d >= 0; d--) {
                g[v * size.length + d] = rest % size[d];
                rest /= size[d];
            }
        }
        return Tensor.of(g, voxels, size.length).to(dtype);
    }
}
