package org.vesalius.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.HeatmapLandmarkNet;
import org.vesalius.cnn.models.Heatmaps;
import org.vesalius.cnn.models.Norm;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.transforms.Compose;
import org.vesalius.medical.transforms.CropOrPad;
import org.vesalius.medical.transforms.Orientation;
import org.vesalius.medical.transforms.RandAffine;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.medical.transforms.ScaleIntensityRangePercentiles;
import org.vesalius.medical.transforms.Spacing;
import org.vesalius.medical.transforms.Transform;
import org.vesalius.optim.Adam;
import org.vesalius.optim.CosineAnnealingLR;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.History;
import org.vesalius.train.Trainer;

/**
 * Landmark localisation in 3-D: a heatmap network ({@link HeatmapLandmarkNet}, a small 3-D U-Net with one
 * heatmap per landmark, read out by {@link Heatmaps#softArgmax}) finds the centroids of AAL regions (left
 * and right hippocampus, left and right putamen) in the Colin27 T1 after random rotations, zooms and
 * shifts, and is scored by the distance in millimetres to the true centroids.
 *
 * <p>The volume is resampled to 5 mm voxels (a 32 x 40 x 32 grid in RAS, 160 x 200 x 160 mm around the
 * head's centre) so that a 3-D network trains in about two minutes on two cores. Each region travels
 * with the T1 as one channel of a mask interpolated linearly by the same {@link RandAffine}, and its
 * centroid after the transform is the mask-weighted mean voxel position, in world millimetres. Training
 * draws a fresh transform for every volume it reads; the test volumes are {@value #TEST_VOLUMES}
 * transforms drawn from seeds no training draw uses (the loader seeds its draws per batch from the run's
 * seed; the test draws use seeds from {@value #TEST_SEED_BASE} on). The network is trained on the
 * soft-argmax coordinates directly (L1 in voxels), which makes its heatmaps peak at the landmarks.
 * Baseline: every landmark predicted at its mean position over one pass of randomly transformed training
 * volumes (what a model that ignores the image can do best, near enough).
 */
public final class LandmarkLocalization {
    /** AAL label ids (see {@code aal.nii.txt}) of the landmarks' regions. */
    static final int[] REGIONS = {37, 38, 73, 74};
    /** Their names, as in {@code aal.nii.txt}. */
    static final String[] NAMES = {"Hippocampus_L", "Hippocampus_R", "Putamen_L", "Putamen_R"};
    static final int TEST_VOLUMES = 24;
    static final long TEST_SEED_BASE = 1_000_000L;
    private static final double VOXEL_MM = 5;
    private static final int[] GRID = {32, 40, 32};
    private static final String REGIONS_KEY = "regions";

    private LandmarkLocalization() {
    }

    /**
     * What to train.
     *
     * @param epochs        passes over the training volumes
     * @param trainVolumes  randomly transformed volumes per epoch (fresh transforms every epoch)
     * @param batchSize     volumes per Adam step
     * @param learningRate  Adam's step size (cosine decay to zero)
     * @param seed          seeds the weights and the training transforms
     * @param output        folder for curves, metrics.json and the weights (null: write nothing)
     */
    public record Config(int epochs, int trainVolumes, int batchSize, double learningRate, long seed, Path output) {
        /** 24 epochs of 32 volumes, batch 4, Adam lr 3e-3, writing to {@code runs/landmark-localization}. */
        public static Config defaults() {
            return new Config(24, 32, 4, 3e-3, 42, Path.of("runs", "landmark-localization"));
        }
    }

    /**
     * What a run achieved on the test transforms.
     *
     * @param errorMm          mean distance to the true centroid over landmarks and test volumes, mm
     * @param errorMmPerLandmark the same per landmark, in {@link #NAMES} order
     * @param baselineErrorMm  the mean-training-position baseline's mean distance, mm
     * @param baselinePerLandmark the baseline per landmark
     * @param untrainedErrorMm the network's mean distance before training, mm (what learning starts from)
     */
    public record Result(Config config, int testVolumes, double errorMm, double[] errorMmPerLandmark,
                         double baselineErrorMm, double[] baselinePerLandmark, double untrainedErrorMm, double seconds) {
        /** The final metrics as one JSON line. */
        public String toJson() {
            StringBuilder per = new StringBuilder();
            for (int l = 0; l < NAMES.length; l++) {
                per.append(String.format(Locale.ROOT, "%s\"%s\":%.2f", l == 0 ? "" : ",", NAMES[l], errorMmPerLandmark[l]));
            }
            return String.format(Locale.ROOT,
                    "{\"example\":\"landmark-localization\",\"error_mm\":%.2f,\"baseline_error_mm\":%.2f,"
                            + "\"untrained_error_mm\":%.2f,\"error_mm_per_landmark\":{%s},\"test_volumes\":%d,\"train_volumes_per_epoch\":%d,"
                            + "\"epochs\":%d,\"seconds\":%.1f}",
                    errorMm, baselineErrorMm, untrainedErrorMm, per, testVolumes, config.trainVolumes(), config.epochs(), seconds);
        }
    }

    /** Trains and tests as {@code config} says; progress and a summary go to {@code out}. */
    public static Result run(Config config, PrintStream out) throws IOException {
        if (config.epochs() <= 0 || config.trainVolumes() <= 0 || config.batchSize() <= 0 || !(config.learningRate() > 0)) {
            throw new IllegalArgumentException("landmark-localization: epochs, training volumes, batch size and learning "
                    + "rate must be positive, got " + config);
        }
        long started = System.nanoTime();
        try (Scope run = Scope.open()) {
            Sample head = prepare();
            MedicalImage grid = head.image();
            out.printf(Locale.ROOT, "Landmark localisation on Colin27 T1: %s; landmarks = centroids of %s; %d random "
                            + "transforms per epoch, %d test transforms; 3-D heatmap U-Net 8/16/32/64, soft-argmax L1, "
                            + "Adam lr %s, batch %d, %d epochs, %d threads%n",
                    grid, String.join(", ", NAMES), config.trainVolumes(), TEST_VOLUMES, config.learningRate(),
                    config.batchSize(), config.epochs(), Backends.cpu().threads());

            Transform move = new RandAffine(1.0).rotate(0.2).scale(0.1).translate(10);
            Dataset<Tensor[]> trainSet = new Transformed(head, move, config.trainVolumes(), -1);
            Dataset<Tensor[]> testSet = new Transformed(head, move, TEST_VOLUMES, TEST_SEED_BASE);
            var trainLoader = DataLoader.of(trainSet, config.batchSize()).shuffle(true).seed(config.seed());
            var testLoader = DataLoader.of(testSet, config.batchSize());

            double[][] meanTrain = meanPosition(DataLoader.of(trainSet, config.batchSize()).seed(config.seed()), grid);
            Generator gen = new Generator(config.seed());
            double beta = 1;
            // instance norm: with batches of 4 volumes, batch norm's running statistics lag its batch statistics,
            // and the evaluated network is worse than the trained one for the first few hundred steps
            try (HeatmapLandmarkNet model = new HeatmapLandmarkNet(3, 1, REGIONS.length, new int[] {8, 16, 32, 64},
                    Norm.INSTANCE, beta, gen);
                 Adam opt = new Adam(model.parameters(), config.learningRate())) {
                Trainer trainer = new Trainer(model, (heatmaps, target) -> Heatmaps.softArgmax(heatmaps, beta)
                        .sub(target).abs().mean(), opt)
                        .epochs(config.epochs())
                        .scheduler(new CosineAnnealingLR(opt, config.epochs()))
                        .progress(out);
                double untrained = mean(errors(trainer, testLoader, grid, beta, null));
                History history = trainer.fit(trainLoader, testLoader);
                double[] err = errors(trainer, testLoader, grid, beta, null);
                double[] base = errors(trainer, testLoader, grid, beta, meanTrain);
                for (int l = 0; l < REGIONS.length; l++) {
                    out.printf(Locale.ROOT, "%-14s error %.2f mm (baseline %.2f mm)%n", NAMES[l], err[l], base[l]);
                }
                Result r = new Result(config, TEST_VOLUMES, mean(err), err, mean(base), base, untrained,
                        (System.nanoTime() - started) / 1e9);
                if (config.output() != null) {
                    RunFiles.write(config.output(), history, model, "landmarks.safetensors", r.toJson(), out);
                }
                return r;
            }
        }
    }

    /**
     * Mean distance (mm) per landmark between the true centroids of {@code test} and the network's
     * predictions, or the fixed positions {@code constant} (world mm, one per landmark) when given.
     */
    private static double[] errors(Trainer trainer, DataLoader<Tensor[]> test, MedicalImage grid, double beta,
                                   double[][] constant) {
        double[] err = new double[REGIONS.length];
        int n = 0;
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            for (Tensor[] batch : test) {
                float[] pred = constant != null ? null : Heatmaps.softArgmax(trainer.predict(batch[0]), beta).toFloatArray();
                float[] truth = batch[1].toFloatArray();
                for (int b = 0; b < batch[0].size(0); b++, n++) {
                    for (int l = 0; l < REGIONS.length; l++) {
                        int o = (b * REGIONS.length + l) * 3;
                        err[l] += distance(constant != null ? constant[l] : world(grid, pred, o), world(grid, truth, o));
                    }
                }
            }
        }
        for (int l = 0; l < err.length; l++) {
            err[l] /= n;
        }
        return err;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /**
     * Randomly transformed copies of the head: sample n is {@code {image [1, 32, 40, 32], centroids [K, 3]}},
     * the centroids as voxel indices along the tensor's axes (k, j, i). With {@code seedBase < 0} each
     * read draws its transform from the loader's generator (fresh every epoch); otherwise copy n is
     * always drawn from {@code seedBase + n}.
     */
    private record Transformed(Sample head, Transform move, int size, long seedBase) implements Dataset<Tensor[]> {
        @Override
        public Tensor[] get(int index) {
            Dataset.checkIndex(index, size);
            Generator g = seedBase < 0 ? DataLoader.generator() : new Generator(seedBase + index);
            try (Scope s = Scope.open()) {
                Sample moved = move.apply(head, g);
                Tensor image = s.keep(moved.image().data().contiguous());
                Tensor centroids = s.keep(centroids(moved.get(REGIONS_KEY).data()));
                return new Tensor[] {image, centroids};
            }
        }
    }

    /** Mask-weighted mean position of each channel of {@code masks [K, D, H, W]}: {@code [K, 3]} (k, j, i). */
    static Tensor centroids(Tensor masks) {
        int[] s = masks.shape();
        float[] m = masks.contiguous().toFloatArray();
        int voxels = s[1] * s[2] * s[3];
        float[] c = new float[s[0] * 3];
        for (int l = 0; l < s[0]; l++) {
            double w = 0;
            double[] sum = new double[3];
            for (int v = 0; v < voxels; v++) {
                double x = m[l * voxels + v];
                if (x > 0) {
                    w += x;
                    sum[0] += x * (v / (s[2] * s[3]));
                    sum[1] += x * ((v / s[3]) % s[2]);
                    sum[2] += x * (v % s[3]);
                }
            }
            if (w == 0) {
                throw new IllegalStateException("landmark-localization: region " + NAMES[l] + " left the volume");
            }
            for (int a = 0; a < 3; a++) {
                c[l * 3 + a] = (float) (sum[a] / w);
            }
        }
        return Tensor.of(c, s[0], 3);
    }

    /** Mean world position (mm) of each landmark over one pass of {@code loader}. */
    private static double[][] meanPosition(DataLoader<Tensor[]> loader, MedicalImage grid) {
        double[][] mean = new double[REGIONS.length][3];
        int n = 0;
        try (Scope s = Scope.open()) {
            for (Tensor[] batch : loader) {
                float[] c = batch[1].toFloatArray();
                for (int b = 0; b < batch[1].size(0); b++, n++) {
                    for (int l = 0; l < REGIONS.length; l++) {
                        double[] w = world(grid, c, (b * REGIONS.length + l) * 3);
                        for (int a = 0; a < 3; a++) {
                            mean[l][a] += w[a];
                        }
                    }
                }
            }
        }
        for (double[] m : mean) {
            for (int a = 0; a < 3; a++) {
                m[a] /= n;
            }
        }
        return mean;
    }

    /** World position (mm) of the voxel coordinates (k, j, i) at {@code c[o..o+2]}. */
    private static double[] world(MedicalImage grid, float[] c, int o) {
        return grid.indexToWorld(c[o + 2], c[o + 1], c[o]);
    }

    private static double distance(double[] a, double[] b) {
        return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
    }

    /**
     * The head as the network sees it: T1 in RAS at 5 mm, scaled to [0, 1] between the 0.5th and 99.5th
     * percentiles, cropped about the centre to 32 x 40 x 32 voxels; entry {@value #REGIONS_KEY} holds one
     * 0/1 mask channel per landmark region (an image, so transforms interpolate it linearly).
     */
    static Sample prepare() throws IOException {
        try (Scope s = Scope.open()) {
            MedicalImage t1 = BrainExtraction.read("ch2.nii.gz");
            MedicalImage aal = BrainExtraction.read("aal.nii.gz");
            Tensor[] masks = new Tensor[REGIONS.length];
            for (int l = 0; l < REGIONS.length; l++) {
                masks[l] = aal.data().eq(REGIONS[l]).to(DType.FLOAT32);
            }
            MedicalImage regions = aal.withData(Tensor.cat(0, masks));
            Sample raw = Sample.of(t1).with(REGIONS_KEY, regions, Sample.Kind.IMAGE);
            Sample small = new Compose(new Orientation("RAS"), new Spacing(VOXEL_MM, VOXEL_MM, VOXEL_MM),
                    CropOrPad.center(GRID)).apply(raw, new Generator(0));
            // scaled apart: intensity transforms would rescale the region masks too
            Sample scaled = new ScaleIntensityRangePercentiles(0.5, 99.5, 0, 1, true)
                    .apply(Sample.of(small.image()), new Generator(0));
            Sample cropped = Sample.of(scaled.image()).with(REGIONS_KEY, small.get(REGIONS_KEY), Sample.Kind.IMAGE);
            return BrainExtraction.keep(s, cropped);
        }
    }
}
