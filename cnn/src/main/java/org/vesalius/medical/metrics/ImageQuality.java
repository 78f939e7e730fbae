package org.vesalius.medical.metrics;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * Full-reference image quality of a restored (denoised, reconstructed, super-resolved) image against
 * its clean reference: peak signal-to-noise ratio and structural similarity.
 *
 * <p>The data range {@code L} (the span of values the image type can take) defaults to the reference's
 * {@code max - min}, as {@code skimage.metrics} does for floating-point images when told
 * {@code data_range = reference.max() - reference.min()}. Values are read in double precision.
 */
public final class ImageQuality {
    /** SSIM's Gaussian window: 11 x 11 with standard deviation 1.5 (Wang et al., 2004). */
    private static final int WINDOW = 11;
    private static final double WINDOW_SIGMA = 1.5;
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;
    private static final double[] GAUSS = gaussian();

    private ImageQuality() {
    }

    /** Mean squared error over every element; shapes must match (any rank). */
    public static double mse(Tensor image, Tensor reference) {
        checkShapes("mse", image, reference);
        double[] a = image.toDoubleArray();
        double[] b = reference.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum / a.length;
    }

    /** PSNR in dB with the reference's {@code max - min} as data range; shapes must match (any rank). */
    public static double psnr(Tensor image, Tensor reference) {
        return psnr(image, reference, range("psnr", reference));
    }

    /**
     * PSNR in dB, {@code 10 log10(L² / MSE)}, over every element; {@code +Infinity} for identical images.
     *
     * @param dataRange {@code L}, positive
     */
    public static double psnr(Tensor image, Tensor reference, double dataRange) {
        checkRange("psnr", dataRange);
        return 10 * Math.log10(dataRange * dataRange / mse(image, reference));
    }

    /** Mean SSIM of two 2-D images {@code [H, W]} with the reference's {@code max - min} as data range. */
    public static double ssim(Tensor image, Tensor reference) {
        return ssim(image, reference, range("ssim", reference));
    }

    /**
     * Mean structural similarity of two 2-D images as Wang et al. (2004) define it: local means,
     * variances and covariance under an 11 x 11 Gaussian window (sigma 1.5, weights summing to 1),
     * {@code SSIM = (2 mu_x mu_y + C1)(2 cov_xy + C2) / ((mu_x² + mu_y² + C1)(var_x + var_y + C2))} with
     * {@code C1 = (0.01 L)²}, {@code C2 = (0.03 L)²}, averaged over the positions where the window lies
     * wholly inside the image (no padding; as {@code skimage.metrics.structural_similarity} with
     * {@code gaussian_weights=True, use_sample_covariance=False}). 1 for identical images.
     *
     * @param image     {@code [H, W]}, H and W at least 11
     * @param reference {@code [H, W]}
     * @param dataRange {@code L}, positive
     */
    public static double ssim(Tensor image, Tensor reference, double dataRange) {
        checkShapes("ssim", image, reference);
        checkRange("ssim", dataRange);
        int[] s = image.shape();
        if (s.length != 2 || s[0] < WINDOW || s[1] < WINDOW) {
            throw new IllegalArgumentException("ImageQuality.ssim: needs 2-D images [H, W] of at least " + WINDOW + " x "
                    + WINDOW + " pixels, got " + Arrays.toString(s));
        }
        int h = s[0];
        int w = s[1];
        double[] x = image.toDoubleArray();
        double[] y = reference.toDoubleArray();
        double[] xx = new double[x.length];
        double[] yy = new double[x.length];
        double[] xy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] muX = filterValid(x, h, w);
        double[] muY = filterValid(y, h, w);
        double[] exx = filterValid(xx, h, w);
        double[] eyy = filterValid(yy, h, w);
        double[] exy = filterValid(xy, h, w);
        double c1 = (K1 * dataRange) * (K1 * dataRange);
        double c2 = (K2 * dataRange) * (K2 * dataRange);
        double sum = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx = muX[i];
            double my = muY[i];
            double vx = exx[i] - mx * mx;
            double vy = eyy[i] - my * my;
            double cov = exy[i] - mx * my;
            sum += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        }
        return sum / muX.length;
    }

    /** The Gaussian-weighted window sums of {@code v} ([h, w]) at every window position inside the image. */
    private static double[] filterValid(double[] v, int h, int w) {
        int oh = h - WINDOW + 1;
        int ow = w - WINDOW + 1;
        double[] rows = new double[h * ow];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < ow; c++) {
                double acc = 0;
                for (int k = 0; k < WINDOW; k++) {
                    acc += GAUSS[k] * v[r * w + c + k];
                }
                rows[r * ow + c] = acc;
            }
        }
        double[] out = new double[oh * ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                double acc = 0;
                for (int k = 0; k < WINDOW; k++) {
                    acc += GAUSS[k] * rows[(r + k) * ow + c];
                }
                out[r * ow + c] = acc;
            }
        }
        return out;
    }

    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            g[i] = Math.exp(-d * d / (2 * WINDOW_SIGMA * WINDOW_SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    private static double range(String who, Tensor reference) {
        double[] v = reference.toDoubleArray();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        if (!(hi > lo)) {
            throw new IllegalArgumentException("ImageQuality." + who + ": the reference is constant (" + lo
                    + "), so it gives no data range; pass one explicitly");
        }
        return hi - lo;
    }

    private static void checkRange(String who, double dataRange) {
        if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
            throw new IllegalArgumentException("ImageQuality." + who + ": the data range must be positive and finite, got "
                    + dataRange);
        }
    }

    private static void checkShapes(String who, Tensor image, Tensor reference) {
        if (!Arrays.equals(image.shape(), reference.shape())) {
            throw new IllegalArgumentException("ImageQuality." + who + ": image " + Arrays.toString(image.shape())
                    + " and reference " + Arrays.toString(reference.shape()) + " must have the same shape");
        }
        if (image.numel() == 0) {
            throw new IllegalArgumentException("ImageQuality." + who + ": the images are empty");
        }
    }
}
