package org.vesalius.medical.transforms;

import java.util.stream.IntStream;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * With probability {@code prob}, an elastic deformation, as MONAI's {@code Rand3DElastic} (for 2-D and
 * 3-D images): per spatial axis, a field of uniform noise in {@code [-1, 1]} per voxel is smoothed by a
 * Gaussian of {@code sigma} voxels (drawn from {@code [sigmaMin, sigmaMax]}, truncated at 3 sigma, zero
 * outside the image) and multiplied by {@code magnitude} (drawn from {@code [magnitudeMin, magnitudeMax]});
 * output voxel p then shows the input at {@code p + displacement(p)} (voxel units). Smoothing shrinks
 * the noise a lot, so useful magnitudes are large: with sigma 5 to 8 voxels, magnitudes of 100 to 300
 * give displacements of a few voxels in 3-D (MONAI's examples use such values).
 *
 * <p>Geometry: the grid is unchanged; the deformation is a change of anatomy, not of coordinates, so
 * it is not in the affine. Images are interpolated linearly, labels by nearest neighbour, outside is
 * {@link Padding#ZEROS} by default.
 */
public final class RandElastic extends ResamplingTransform {
    private final double prob;
    private final double sigmaMin;
    private final double sigmaMax;
    private final double magnitudeMin;
    private final double magnitudeMax;

    public RandElastic(double prob, double sigmaMin, double sigmaMax, double magnitudeMin, double magnitudeMax) {
        super(Padding.ZEROS);
        Grids.probability("RandElastic", prob);
        if (!(sigmaMin > 0) || !(sigmaMax >= sigmaMin) || Double.isInfinite(sigmaMax)) {
            throw new IllegalArgumentException("RandElastic: need 0 < sigmaMin <= sigmaMax (voxels), got " + sigmaMin + ", "
                    + sigmaMax);
        }
        if (!(magnitudeMin >= 0) || !(magnitudeMax >= magnitudeMin) || Double.isInfinite(magnitudeMax)) {
            throw new IllegalArgumentException("RandElastic: need 0 <= magnitudeMin <= magnitudeMax, got " + magnitudeMin + ", "
                    + magnitudeMax);
        }
        this.prob = prob;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.magnitudeMin = magnitudeMin;
        this.magnitudeMax = magnitudeMax;
    }

    @Override
    Plan plan(MedicalImage reference, Generator generator) {
        if (!(generator.nextDouble() < prob)) {
            return null;
        }
        double sigma = sigmaMin + generator.nextDouble() * (sigmaMax - sigmaMin);
        double magnitude = magnitudeMin + generator.nextDouble() * (magnitudeMax - magnitudeMin);
        int dims = reference.spatialDims();
        int[] n = reference.size();
        int voxels = n[0] * n[1] * n[2];
        double[][] disp = new double[3][];
        double[] kernel = gaussian(sigma);
        for (int a = 0; a < dims; a++) {
            double[] u;
            try (Tensor noise = Tensor.rand(DType.FLOAT64, Device.CPU, generator, voxels)) {
                u = noise.toDoubleArray();
            }
            for (int v = 0; v < voxels; v++) {
                u[v] = 2 * u[v] - 1;
            }
            for (int axis = 0; axis < dims; axis++) {
                u = smooth(u, n, axis, kernel);
            }
            for (int v = 0; v < voxels; v++) {
                u[v] *= magnitude;
            }
            disp[a] = u;
        }
        return new Plan(Grids.spatialSize(reference), Grids.identity(), disp);
    }

    /** Sampled Gaussian, normalised to sum 1, radius {@code round(max(3 sigma, 0.5))} as MONAI truncates. */
    static double[] gaussian(double sigma) {
        int r = (int) (Math.max(3 * sigma, 0.5) + 0.5);
        double[] w = new double[2 * r + 1];
        double sum = 0;
        for (int t = -r; t <= r; t++) {
            w[t + r] = Math.exp(-t * t / (2 * sigma * sigma));
            sum += w[t + r];
        }
        for (int t = 0; t < w.length; t++) {
            w[t] /= sum;
        }
        return w;
    }

    /**
     * {@code f} (voxels i fastest) convolved along index axis {@code axis} with {@code w}, zero outside;
     * one line of voxels at a time, lines in parallel.
     */
    static double[] smooth(double[] f, int[] n, int axis, double[] w) {
        int r = w.length / 2;
        int stride = axis == 0 ? 1 : axis == 1 ? n[0] : n[0] * n[1];
        int len = n[axis];
        int lines = f.length / len;
        double[] out = new double[f.length];
        IntStream.range(0, lines).parallel().forEach(line -> {
            // line = (outer, inner) with inner < stride: its first voxel and step
            int first = (line / stride) * stride * len + line % stride;
            for (int x = 0; x < len; x++) {
                int lo = Math.max(-r, -x);
                int hi = Math.min(r, len - 1 - x);
                double sum = 0;
                for (int t = lo; t <= hi; t++) {
                    sum += w[t + r] * f[first + (x + t) * stride];
                }
                out[first + x * stride] = sum;
            }
        });
        return out;
    }
}
