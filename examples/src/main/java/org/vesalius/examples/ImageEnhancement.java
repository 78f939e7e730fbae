package org.vesalius.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.DnCNN;
import org.vesalius.cnn.models.Norm;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.data.TensorDataset;
import org.vesalius.medical.data.SliceDataset;
import org.vesalius.medical.inference.Overlay;
import org.vesalius.medical.metrics.ImageQuality;
import org.vesalius.medical.transforms.RandRicianNoise;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.nn.MSELoss;
import org.vesalius.optim.Adam;
import org.vesalius.optim.CosineAnnealingLR;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.History;
import org.vesalius.train.Trainer;

/**
 * Image enhancement: denoising MRI slices. Axial slices of the bundled Colin27 T1 (prepared as for
 * {@link BrainExtraction}: RAS, 2 x 2 mm in-plane, intensities scaled to [0, 1]) are corrupted with Rician
 * noise, the noise of magnitude MR images ({@code sqrt((x + n1)² + n2²)}, n1 and n2 Gaussian with standard
 * deviation sigma, by default 0.08 = 8% of the intensity range). A small {@link DnCNN} learns to remove
 * it from the training slices, with noise drawn afresh every epoch, and is tested on slices at least
 * {@value BrainExtraction#GAP} slices from any training slice with noise from a fixed seed.
 *
 * <p>It is compared with the classical answers, each tuned for PSNR on the training slices: a Gaussian
 * filter (best sigma) and a median filter (best of 3 x 3, 5 x 5, 7 x 7). Scores are PSNR and SSIM
 * ({@link ImageQuality}), per slice against the clean slice with the clean slice's range as data range,
 * averaged over the test slices.
 */
public final class ImageEnhancement {
    /** DnCNN width and depth: 24 features, 8 convolutions (a 17 x 17 receptive field). */
    private static final int FEATURES = 24;
    private static final int DEPTH = 8;
    /** Training patches: a random 64 x 64 square of each slice (DnCNN's patch training; whole slices at test). */
    private static final int CROP = 64;
    private static final double[] GAUSSIAN_SIGMAS = {0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8, 2.0};
    private static final int[] MEDIAN_SIZES = {3, 5, 7};

    private ImageEnhancement() {
    }

    /**
     * What to train.
     *
     * @param epochs       passes over the training slices (fresh noise each)
     * @param batchSize    slices per Adam step
     * @param learningRate Adam's step size, decayed to zero on a cosine
     * @param noise        Rician sigma in units of the [0, 1] intensity range
     * @param seed         seeds the weights, the shuffling and the noise
     * @param output       folder for comparison PNGs, curves, metrics.json and the weights (null: write nothing)
     */
    public record Config(int epochs, int batchSize, double learningRate, double noise, long seed, Path output) {
        /** 30 epochs, batch 8, Adam lr 2e-3, sigma 0.08, writing to {@code runs/image-enhancement}. */
        public static Config defaults() {
            return new Config(30, 8, 2e-3, 0.08, 42, Path.of("runs", "image-enhancement"));
        }
    }

    /** Mean PSNR (dB) and SSIM over the test slices. */
    public record Scores(double psnr, double ssim) {
        String json() {
            return String.format(Locale.ROOT, "{\"psnr\":%.2f,\"ssim\":%.4f}", psnr, ssim);
        }
    }

    /**
     * What a run achieved on the held-out slices.
     *
     * @param gaussianSigma the Gaussian filter's tuned sigma, pixels
     * @param medianSize    the median filter's tuned window side, pixels
     */
    public record Result(Config config, int trainSlices, int testSlices, double gaussianSigma, int medianSize,
                         Scores noisy, Scores gaussian, Scores median, Scores network, List<Double> epochSeconds,
                         double seconds) {
        /** The final metrics as one JSON line. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"example\":\"image-enhancement\",\"noise_sigma\":%s,\"noisy\":%s,\"gaussian\":%s,\"median\":%s,"
                            + "\"network\":%s,\"gaussian_sigma\":%s,\"median_size\":%d,\"train_slices\":%d,"
                            + "\"test_slices\":%d,\"epochs\":%d,\"seconds\":%.1f}",
                    config.noise(), noisy.json(), gaussian.json(), median.json(), network.json(), gaussianSigma,
                    medianSize, trainSlices, testSlices, config.epochs(), seconds);
        }
    }

    /** Trains and tests as {@code config} says; progress and a summary go to {@code out}. */
    public static Result run(Config config, PrintStream out) throws IOException {
        validate(config);
        long started = System.nanoTime();
        Generator gen = new Generator(config.seed());
        try (Scope run = Scope.open(); Sample brain = BrainExtraction.prepare()) {
            int[][] split = BrainExtraction.split(BrainExtraction.brainRange(brain.label()));
            int[] trainK = split[0];
            int[] testK = split[1];
            Sample t1 = Sample.of(brain.image());
            out.printf(Locale.ROOT, "Denoising Colin27 T1 slices with Rician noise sigma %s (of the [0, 1] range): "
                            + "%d training slices, %d test slices (>= %d slices apart); DnCNN %d x %d, MSE, Adam lr %s, "
                            + "batch %d, %d epochs, %d threads%n",
                    config.noise(), trainK.length, testK.length, BrainExtraction.GAP, DEPTH, FEATURES,
                    config.learningRate(), config.batchSize(), config.epochs(), Backends.cpu().threads());

            // fixed noise for tuning the filters (training slices) and for testing (held-out slices)
            Tensor[] tune = draw(t1, trainK, config, config.seed() + 1);
            Tensor[] test = draw(t1, testK, config, config.seed() + 2);
            double bestSigma = Double.NaN;
            double bestPsnr = Double.NEGATIVE_INFINITY;
            for (double sigma : GAUSSIAN_SIGMAS) {
                double p = score(tune, img -> Smoothing.gaussian(img.pixels, img.h, img.w, sigma)).psnr;
                if (p > bestPsnr) {
                    bestPsnr = p;
                    bestSigma = sigma;
                }
            }
            int bestSize = 0;
            bestPsnr = Double.NEGATIVE_INFINITY;
            for (int size : MEDIAN_SIZES) {
                double p = score(tune, img -> Smoothing.median(img.pixels, img.h, img.w, size)).psnr;
                if (p > bestPsnr) {
                    bestPsnr = p;
                    bestSize = size;
                }
            }
            double sigma = bestSigma;
            int size = bestSize;
            out.printf(Locale.ROOT, "filters tuned on the training slices: Gaussian sigma %s px, median %d x %d%n",
                    sigma, size, size);

            var trainLoader = DataLoader.of(pairs(t1, trainK, config, CROP), config.batchSize()).shuffle(true).seed(config.seed());
            var testLoader = DataLoader.of(new TensorDataset(test), config.batchSize());
            try (DnCNN model = new DnCNN(2, 1, FEATURES, DEPTH, Norm.BATCH, gen);
                 Adam opt = new Adam(model.parameters(), config.learningRate())) {
                Trainer trainer = new Trainer(model, new MSELoss(), opt)
                        .epochs(config.epochs())
                        .scheduler(new CosineAnnealingLR(opt, config.epochs()))
                        .progress(out);
                History history = trainer.fit(trainLoader, testLoader);
                Tensor denoised = trainer.predict(testLoader);

                Planes noisyPlanes = new Planes(test[0]);
                Planes cleanPlanes = new Planes(test[1]);
                Planes netPlanes = new Planes(denoised);
                Scores noisy = score(test, img -> img.pixels);
                Scores gaussian = score(test, img -> Smoothing.gaussian(img.pixels, img.h, img.w, sigma));
                Scores median = score(test, img -> Smoothing.median(img.pixels, img.h, img.w, size));
                Scores network = scorePlanes(netPlanes, cleanPlanes);
                out.printf(Locale.ROOT, "held-out slices, PSNR dB / SSIM: noisy %.2f / %.4f, Gaussian %.2f / %.4f, "
                                + "median %.2f / %.4f, DnCNN %.2f / %.4f%n", noisy.psnr, noisy.ssim, gaussian.psnr,
                        gaussian.ssim, median.psnr, median.ssim, network.psnr, network.ssim);
                Result r = new Result(config, trainK.length, testK.length, sigma, size, noisy, gaussian, median, network,
                        history.get("time"), (System.nanoTime() - started) / 1e9);
                if (config.output() != null) {
                    RunFiles.write(config.output(), history, model, "dncnn.safetensors", r.toJson(), out);
                    int n = noisyPlanes.count;
                    for (int i : new int[] {n / 4, n / 2, 3 * n / 4}) {
                        Image nz = noisyPlanes.get(i);
                        Overlay.writePng(Overlay.enlarge(comparison(cleanPlanes.get(i), nz.pixels,
                                        Smoothing.gaussian(nz.pixels, nz.h, nz.w, sigma),
                                        Smoothing.median(nz.pixels, nz.h, nz.w, size), netPlanes.get(i).pixels), 3),
                                config.output().resolve("comparison-slice" + testK[i] + ".png"));
                    }
                    out.println("wrote comparison PNGs (noisy | Gaussian | median | DnCNN | clean) to " + config.output());
                }
                return r;
            }
        }
    }

    /**
     * Slice pairs {noisy [1, H, W], clean [1, H, W]}, the noise drawn from the loader's per-batch generator;
     * with {@code crop > 0} the same random {@code crop x crop} square of both.
     */
    private static Dataset<Tensor[]> pairs(Sample t1, int[] slices, Config config, int crop) {
        SliceDataset clean = new SliceDataset(t1, 2, slices);
        SliceDataset noisy = new SliceDataset(t1, 2, slices)
                .transform(new RandRicianNoise(1.0, 0, config.noise()).sampleStd(false));
        return new Dataset<>() {
            @Override
            public int size() {
                return clean.size();
            }

            @Override
            public Tensor[] get(int index) {
                Tensor n = noisy.get(index)[0];
                Tensor c = clean.get(index)[0];
                if (crop <= 0) {
                    return new Tensor[] {n, c};
                }
                Generator g = DataLoader.generator();
                int y0 = (int) (g.nextDouble() * (n.size(1) - crop + 1));
                int x0 = (int) (g.nextDouble() * (n.size(2) - crop + 1));
                try (n; c) {
                    return new Tensor[] {cut(n, y0, x0, crop), cut(c, y0, x0, crop)};
                }
            }
        };
    }

    /** A {@code [C, size, size]} copy of {@code t} from row y0, column x0. */
    private static Tensor cut(Tensor t, int y0, int x0, int size) {
        try (Tensor rows = t.narrow(1, y0, size); Tensor square = rows.narrow(2, x0, size)) {
            return square.contiguous();
        }
    }

    /** The slices once, with noise from {@code seed}: {noisy [N, 1, H, W], clean [N, 1, H, W]}. */
    private static Tensor[] draw(Sample t1, int[] slices, Config config, long seed) {
        List<Tensor> noisy = new ArrayList<>();
        List<Tensor> clean = new ArrayList<>();
        try (Scope s = Scope.open()) {
            for (Tensor[] batch : DataLoader.of(pairs(t1, slices, config, 0), config.batchSize()).seed(seed)) {
                noisy.add(batch[0]);
                clean.add(batch[1]);
            }
            return new Tensor[] {s.keep(Tensor.cat(0, noisy.toArray(new Tensor[0]))),
                    s.keep(Tensor.cat(0, clean.toArray(new Tensor[0])))};
        }
    }

    /** One grey slice, row by row. */
    private record Image(float[] pixels, int h, int w) {
    }

    /** The [H, W] planes of an [N, 1, H, W] tensor, read once. */
    private static final class Planes {
        final int count;
        final int h;
        final int w;
        final float[] all;

        Planes(Tensor t) {
            int[] s = t.shape();
            count = s[0];
            h = s[2];
            w = s[3];
            all = t.toFloatArray();
        }

        Image get(int i) {
            float[] p = new float[h * w];
            System.arraycopy(all, i * h * w, p, 0, p.length);
            return new Image(p, h, w);
        }
    }

    /** Mean PSNR and SSIM over the slices of {noisy, clean} after {@code filter}. */
    private static Scores score(Tensor[] noisyClean, java.util.function.Function<Image, float[]> filter) {
        Planes noisy = new Planes(noisyClean[0]);
        Planes clean = new Planes(noisyClean[1]);
        float[] out = new float[noisy.all.length];
        int plane = noisy.h * noisy.w;
        for (int i = 0; i < noisy.count; i++) {
            System.arraycopy(filter.apply(noisy.get(i)), 0, out, i * plane, plane);
        }
        try (Tensor filtered = Tensor.of(out, noisyClean[0].shape())) {
            return scorePlanes(new Planes(filtered), clean);
        }
    }

    private static Scores scorePlanes(Planes result, Planes clean) {
        double psnr = 0;
        double ssim = 0;
        try (Scope s = Scope.open()) {
            for (int i = 0; i < result.count; i++) {
                Tensor a = Tensor.of(result.get(i).pixels, result.h, result.w);
                Tensor b = Tensor.of(clean.get(i).pixels, clean.h, clean.w);
                psnr += ImageQuality.psnr(a, b);
                ssim += ImageQuality.ssim(a, b);
            }
        }
        return new Scores(psnr / result.count, ssim / result.count);
    }

    /**
     * One row: noisy | Gaussian | median | network | clean, grey levels mapped linearly from the clean
     * slice's range (so the panels compare), 2-pixel white gaps between panels.
     */
    private static BufferedImage comparison(Image clean, float[]... results) {
        int gap = 2;
        int panels = results.length + 1;
        BufferedImage img = new BufferedImage(panels * clean.w + (panels - 1) * gap, clean.h, BufferedImage.TYPE_INT_RGB);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : clean.pixels) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                img.setRGB(x, y, 0xffffff);
            }
        }
        for (int p = 0; p < panels; p++) {
            float[] v = p < results.length ? results[p] : clean.pixels;
            int x0 = p * (clean.w + gap);
            for (int y = 0; y < clean.h; y++) {
                for (int x = 0; x < clean.w; x++) {
                    int g = (int) Math.round(255 * Math.min(1, Math.max(0, (v[y * clean.w + x] - lo) / (hi - lo))));
                    // anterior up: row 0 of the RAS slice is the most posterior
                    img.setRGB(x0 + x, clean.h - 1 - y, g * 0x010101);
                }
            }
        }
        return img;
    }

    private static void validate(Config c) {
        if (c.epochs() <= 0 || c.batchSize() <= 0 || !(c.learningRate() > 0)) {
            throw new IllegalArgumentException("image-enhancement: epochs, batch size and learning rate must be positive, got " + c);
        }
        if (!(c.noise() > 0) || c.noise() > 1) {
            throw new IllegalArgumentException("image-enhancement: the noise sigma must be in (0, 1] (a fraction of the "
                    + "intensity range), got " + c.noise());
        }
    }
}
