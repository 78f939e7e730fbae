package org.vesalius.medical.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.Tensor;

/**
 * PSNR and SSIM against Wang et al.'s definition written out in PyTorch
 * ({@code tools/golden/generate_image_quality.py}), against values worked by hand, and their properties.
 */
class ImageQualityTest {

    @Test
    void matchesPyTorchFixtures() throws IOException {
        JsonObject root;
        try (Reader r = new InputStreamReader(getClass().getResourceAsStream("/golden/image_quality.json"), StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r).getAsJsonObject();
        }
        int n = 0;
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            JsonArray shape = c.getAsJsonArray("shape");
            int h = shape.get(0).getAsInt();
            int w = shape.get(1).getAsInt();
            Tensor ref = Tensor.of(doubles(c.getAsJsonArray("reference")), h, w);
            Tensor img = Tensor.of(doubles(c.getAsJsonArray("image")), h, w);
            String name = c.get("name").getAsString();
            assertEquals(c.get("mse").getAsDouble(), ImageQuality.mse(img, ref), 1e-12 * (1 + c.get("mse").getAsDouble()), name);
            assertEquals(c.get("psnr").getAsDouble(), ImageQuality.psnr(img, ref), 1e-9, name);
            assertEquals(c.get("ssim").getAsDouble(), ImageQuality.ssim(img, ref), 1e-9, name);
            assertEquals(c.get("ssim").getAsDouble(), ImageQuality.ssim(img, ref, c.get("data_range").getAsDouble()), 1e-9, name);
            n++;
        }
        assertEquals(3, n);
    }

    @Test
    void handWorkedValues() {
        // a constant offset of 0.1 on an image spanning [0, 1]: MSE 0.01, PSNR = 10 log10(1 / 0.01) = 20 dB
        Tensor ref = ramp(12, 15);
        Tensor shifted = ref.add(0.1);
        assertEquals(0.01, ImageQuality.mse(shifted, ref), 1e-7);
        assertEquals(20.0, ImageQuality.psnr(shifted, ref), 1e-5);
        // constant images a and b: no variance, so SSIM = (2ab + C1) / (a² + b² + C1); with L = 1, C1 = 1e-4
        Tensor a = Tensor.full(0.5, 11, 11);
        Tensor b = Tensor.full(0.25, 11, 11);
        double c1 = 1e-4;
        assertEquals((2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1), ImageQuality.ssim(a, b, 1.0), 1e-12);
        // an image against its negative about its mean (same mean and variance, covariance -var): on an
        // 11 x 11 image the one window's SSIM is (2 mu² + C1)(C2 - 2 var) / ((2 mu² + C1)(2 var + C2)) < 0
        assertTrue(ImageQuality.ssim(ramp(11, 11).neg().add(1), ramp(11, 11)) < -0.9);
    }

    @Test
    void properties() {
        Random rnd = new Random(3);
        double[] v = new double[30 * 25];
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble();
            u[i] = v[i] + 0.1 * rnd.nextGaussian();
        }
        Tensor ref = Tensor.of(v, 30, 25);
        Tensor noisy = Tensor.of(u, 30, 25);
        assertEquals(1.0, ImageQuality.ssim(ref, ref), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(ref, ref));
        // symmetric for a fixed data range; more noise scores lower on both
        assertEquals(ImageQuality.ssim(noisy, ref, 1.0), ImageQuality.ssim(ref, noisy, 1.0), 1e-12);
        Tensor noisier = ref.add(noisy.sub(ref).mul(2));
        assertTrue(ImageQuality.ssim(noisier, ref) < ImageQuality.ssim(noisy, ref));
        assertEquals(ImageQuality.psnr(noisy, ref) - 20 * Math.log10(2), ImageQuality.psnr(noisier, ref), 1e-5);
        // scaling image, reference and range together changes nothing
        assertEquals(ImageQuality.ssim(noisy, ref), ImageQuality.ssim(noisy.mul(255), ref.mul(255)), 1e-6);
    }

    @Test
    void rejectsBadInput() {
        Tensor a = ramp(12, 12);
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.psnr(a, ramp(12, 13)));
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.ssim(ramp(10, 12), ramp(10, 12)));
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.ssim(a.reshape(1, 12, 12), a.reshape(1, 12, 12)));
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.psnr(a, Tensor.full(1.0, 12, 12)));
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.ssim(a, a, 0));
    }

    /** Values 0 .. 1 rising across an h x w image. */
    private static Tensor ramp(int h, int w) {
        double[] v = new double[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (double) i / (v.length - 1);
        }
        return Tensor.of(v, h, w);
    }

    private static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }
}
