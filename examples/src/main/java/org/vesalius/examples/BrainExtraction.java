package org.vesalius.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.Norm;
import org.vesalius.cnn.models.UNet;
import org.vesalius.data.DataLoader;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.data.SliceDataset;
import org.vesalius.medical.inference.Overlay;
import org.vesalius.medical.inference.PostProcessing;
import org.vesalius.medical.losses.Activation;
import org.vesalius.medical.losses.DiceCELoss;
import org.vesalius.medical.metrics.DiceMetric;
import org.vesalius.medical.metrics.SegmentationMetrics;
import org.vesalius.medical.nifti.Nifti;
import org.vesalius.medical.transforms.Compose;
import org.vesalius.medical.transforms.CropOrPad;
import org.vesalius.medical.transforms.Orientation;
import org.vesalius.medical.transforms.RandAffine;
import org.vesalius.medical.transforms.RandFlip;
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
 * The flagship: brain extraction (skull stripping) on a real MRI. A 2-D U-Net learns the brain mask of
 * axial slices of the Colin27 T1 volume and is tested on slices at least {@value #GAP} slices away from any
 * training slice, as they are and after random rotations, zooms and flips, with Dice and the 95th-percentile
 * Hausdorff distance in millimetres.
 *
 * <p>The whole path is the library's: NIfTI in ({@link Nifti}), geometry-keeping transforms (orientation
 * to RAS, resampling to 2 x 2 mm in-plane, percentile intensity scaling, padding), a {@link SliceDataset}
 * in a {@link DataLoader} with random augmentation, a {@link UNet} trained by the {@link Trainer} with
 * Dice + cross-entropy and Adam, then metrics in millimetres ({@link SegmentationMetrics}) and overlays
 * ({@link Overlay}).
 *
 * <p>Slices are split in blocks of 20 along the head: in each block, slices 0-1 are for testing and
 * slices 6-15 for training, so every test slice is at least 5 slices (5 mm) from every training slice
 * ({@link #blockSplit}).
 */
public final class BrainExtraction {
    /** Minimum distance, in slices, between a test slice and any training slice. */
    static final int GAP = 5;
    private static final int BLOCK = 20;
    private static final String RESOURCE_DIR = "/brain-mri/";

    private BrainExtraction() {
    }

    /**
     * What to train.
     *
     * @param epochs       passes over the training slices
     * @param batchSize    slices per Adam step
     * @param learningRate Adam's step size
     * @param seed         seeds the weights, the shuffling and the augmentation
     * @param output       folder for overlays, curves, metrics.json and the weights (null: write nothing)
     */
    public record Config(int epochs, int batchSize, double learningRate, long seed, Path output) {
        /** 30 epochs, batch 8, Adam lr 2e-3 with cosine decay, writing to {@code runs/brain-extraction}. */
        public static Config defaults() {
            return new Config(30, 8, 2e-3, 42, Path.of("runs", "brain-extraction"));
        }
    }

    /**
     * What a run achieved on the held-out slices.
     *
     * @param dice                Dice over every test voxel
     * @param hd95Mm              mean over test slices of the 95th-percentile Hausdorff distance, mm
     * @param diceTransformed     Dice over randomly transformed copies of the test slices
     * @param hd95MmTransformed   HD95 on the transformed copies, mm
     */
    public record Result(Config config, int trainSlices, int testSlices, double dice, double hd95Mm,
                         double diceTransformed, double hd95MmTransformed, double sensitivity, double specificity,
                         List<Double> epochSeconds, double seconds) {
        /** The final metrics as one JSON line. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"example\":\"brain-extraction\",\"dice\":%.4f,\"hd95_mm\":%.2f,\"dice_transformed\":%.4f,"
                            + "\"hd95_mm_transformed\":%.2f,\"sensitivity\":%.4f,\"specificity\":%.4f,\"train_slices\":%d,"
                            + "\"test_slices\":%d,\"epochs\":%d,\"seconds\":%.1f}",
                    dice, hd95Mm, diceTransformed, hd95MmTransformed, sensitivity, specificity, trainSlices, testSlices,
                    config.epochs(), seconds);
        }
    }

    /** Trains and tests as {@code config} says; progress and a summary go to {@code out}. */
    public static Result run(Config config, PrintStream out) throws IOException {
        validate(config);
        long started = System.nanoTime();
        Generator gen = new Generator(config.seed());
        try (Scope run = Scope.open(); Sample brain = prepare()) {
            int slices = brain.image().size()[2];
            int[] range = brainRange(brain.label());
            int[][] split = split(range);
            int[] trainK = split[0];
            int[] testK = split[1];
            out.printf(Locale.ROOT, "Brain extraction on Colin27 T1: %s, %d axial slices; %d for training, %d for testing "
                            + "(>= %d slices apart); U-Net 16/32/64/128, Dice+CE, Adam lr %s, batch %d, %d epochs, %d threads%n",
                    brain.image(), slices, trainK.length, testK.length, GAP, config.learningRate(), config.batchSize(),
                    config.epochs(), Backends.cpu().threads());

            Transform augment = new Compose(new RandFlip(0.5, 0),
                    new RandAffine(0.8).rotate(0.3).scale(0.1, 0.1));
            var trainSet = new SliceDataset(brain, 2, trainK).transform(augment);
            var trainLoader = DataLoader.of(trainSet, config.batchSize()).shuffle(true).seed(config.seed());
            var testLoader = DataLoader.of(new SliceDataset(brain, 2, testK), config.batchSize());

            try (UNet model = new UNet(2, 1, 1, new int[] {16, 32, 64, 128}, Norm.BATCH, false, false, gen);
                 Adam opt = new Adam(model.parameters(), config.learningRate())) {
                // cosine decay to zero: the last epochs take small steps, so the model the run ends with is
                // not caught in the middle of one of Adam's occasional large ones
                Trainer trainer = new Trainer(model, new DiceCELoss(Activation.SIGMOID, false, true, 1, 1), opt)
                        .epochs(config.epochs())
                        .scheduler(new CosineAnnealingLR(opt, config.epochs()))
                        .metrics(new DiceMetric())
                        .progress(out);
                History history = trainer.fit(trainLoader, testLoader);

                Evaluation plain = evaluate(trainer, new SliceDataset(brain, 2, testK), config, null);
                Evaluation moved = evaluate(trainer, new SliceDataset(brain, 2, testK).transform(
                        new Compose(new RandFlip(0.5, 0), new RandAffine(1.0).rotate(0.4).scale(0.15, 0.15))), config,
                        config.seed() + 1);
                Result r = new Result(config, trainK.length, testK.length, plain.dice, plain.hd95, moved.dice, moved.hd95,
                        plain.sensitivity, plain.specificity, history.get("time"), (System.nanoTime() - started) / 1e9);
                if (config.output() != null) {
                    RunFiles.write(config.output(), history, model, "unet.safetensors", r.toJson(), out);
                    plain.writeOverlays(config.output(), "test");
                    moved.writeOverlays(config.output(), "transformed");
                    out.println("wrote test-overlay-*.png and transformed-overlay-*.png to " + config.output());
                }
                return r;
            }
        }
    }

    /** The test slices' predictions, scored; up to three slices kept for overlays. */
    private static final class Evaluation {
        double dice;
        double hd95;
        double sensitivity;
        double specificity;
        final List<Tensor[]> shown = new ArrayList<>();

        void writeOverlays(Path dir, String prefix) throws IOException {
            for (int i = 0; i < shown.size(); i++) {
                Tensor[] s = shown.get(i);
                Overlay.writePng(Overlay.enlarge(Overlay.outlines(s[0], s[1], s[2]), 4),
                        dir.resolve(prefix + "-overlay-" + i + ".png"));
            }
        }
    }

    private static Evaluation evaluate(Trainer trainer, SliceDataset set, Config config, Long augmentSeed) {
        DataLoader<Tensor[]> loader = DataLoader.of(set, config.batchSize());
        if (augmentSeed != null) {
            loader.seed(augmentSeed);
        }
        Evaluation e = new Evaluation();
        List<Tensor> preds = new ArrayList<>();
        List<Tensor> refs = new ArrayList<>();
        List<Tensor> images = new ArrayList<>();
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            for (Tensor[] batch : loader) {
                Tensor logits = trainer.predict(batch[0]);
                Tensor masks = logits.gt(0).squeeze(1);
                // drop the small islands a U-Net leaves in the skull or neck (under 20 voxels = 80 mm^2)
                Tensor[] cleaned = new Tensor[masks.size(0)];
                for (int i = 0; i < cleaned.length; i++) {
                    cleaned[i] = PostProcessing.removeSmallComponents(masks.select(0, i), 20);
                }
                preds.add(Tensor.stack(0, cleaned));
                refs.add(batch[1].ne(0).squeeze(1));
                images.add(batch[0].squeeze(1));
            }
            Tensor p = Tensor.cat(0, preds.toArray(new Tensor[0]));
            Tensor g = Tensor.cat(0, refs.toArray(new Tensor[0]));
            Tensor img = Tensor.cat(0, images.toArray(new Tensor[0]));
            e.dice = SegmentationMetrics.dice(p, g);
            e.sensitivity = SegmentationMetrics.sensitivity(p, g);
            e.specificity = SegmentationMetrics.specificity(p, g);
            // the slice's voxel size, in tensor axis order [Y, X] (MedicalImage lists it as i = X, j = Y)
            double[] ij = set.sample(0).image().spacing();
            double[] spacing = {ij[1], ij[0]};
            double sum = 0;
            int n = 0;
            for (int i = 0; i < p.size(0); i++) {
                double h = SegmentationMetrics.hausdorff95(p.select(0, i), g.select(0, i), spacing);
                if (!Double.isNaN(h)) {
                    sum += h;
                    n++;
                }
            }
            e.hd95 = n == 0 ? Double.NaN : sum / n;
            int count = p.size(0);
            for (int i : new int[] {count / 4, count / 2, 3 * count / 4}) {
                e.shown.add(new Tensor[] {s.keep(img.select(0, i).contiguous()), s.keep(g.select(0, i).contiguous()),
                        s.keep(p.select(0, i).contiguous())});
            }
        }
        return e;
    }

    /**
     * The bundled volume as the network sees it: T1 and brain mask in RAS, resampled to 2 x 2 mm in-plane
     * (1 mm between axial slices), intensities scaled to [0, 1] between the 0.5th and 99.5th percentiles,
     * padded in-plane to 96 x 112 voxels (a multiple of 8 for the U-Net's three poolings).
     */
    static Sample prepare() throws IOException {
        try (Scope s = Scope.open()) {
            MedicalImage bet = read("ch2bet.nii.gz");
            return keep(s, prepare(Sample.of(read("ch2.nii.gz"), bet.withData(bet.data().gt(0).to(DType.INT64)))));
        }
    }

    /** Lets every entry of {@code sample} outlive {@code scope}. */
    static Sample keep(Scope scope, Sample sample) {
        for (String key : sample.keys()) {
            scope.keep(sample.get(key).data());
        }
        return sample;
    }

    /**
     * {@code raw} (the 1 mm T1 under {@value Sample#IMAGE} and label maps on its grid) prepared as
     * {@link #prepare()} says: RAS, 2 x 2 x 1 mm, T1 scaled to [0, 1], padded in-plane to 96 x 112.
     */
    static Sample prepare(Sample raw) {
        try (Scope s = Scope.open()) {
            Sample oriented = new Compose(new Orientation("RAS"), new Spacing(2, 2, 1),
                    new ScaleIntensityRangePercentiles(0.5, 99.5, 0, 1, true)).apply(raw, new Generator(0));
            int slices = oriented.image().size()[2];
            Sample padded = CropOrPad.center(96, 112, slices).apply(oriented, new Generator(0));
            return keep(s, padded);
        }
    }

    /** Bundled file {@code name} of {@code brain-mri/}, as float32. */
    static MedicalImage read(String name) throws IOException {
        try (InputStream in = BrainExtraction.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("brain-extraction: " + RESOURCE_DIR + name + " is not on the class path");
            }
            return Nifti.read(in, name, DType.FLOAT32);
        }
    }

    /** First and last axial slice (index k) holding brain. */
    static int[] brainRange(MedicalImage mask) {
        try (Scope s = Scope.open()) {
            long[] perSlice = mask.data().sum(new int[] {0, 2, 3}, false).toLongArray();
            int first = -1;
            int last = -1;
            for (int k = 0; k < perSlice.length; k++) {
                if (perSlice[k] > 0) {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }
            if (first < 0) {
                throw new IllegalStateException("brain-extraction: the mask is empty");
            }
            return new int[] {first, last};
        }
    }

    /**
     * Slices {@code first..last} split in blocks of {@value #BLOCK}: the first {@code testPerBlock} of each
     * block for testing, and those at least {@value #GAP} slices from every test slice (of this block and
     * the next) for training. Returns {@code {train, test}}.
     */
    static int[][] blockSplit(int first, int last, int testPerBlock) {
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int k = first; k <= last; k++) {
            int r = (k - first) % BLOCK;
            if (r < testPerBlock) {
                test.add(k);
            } else if (r >= testPerBlock - 1 + GAP && r <= BLOCK - GAP) {
                train.add(k);
            }
        }
        checkGap(train, test);
        return new int[][] {train.stream().mapToInt(Integer::intValue).toArray(),
                test.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** The flagship's split of the axial range {@code [range[0], range[1]]}: 2 test slices per block. */
    static int[][] split(int[] range) {
        return blockSplit(range[0], range[1], 2);
    }

    private static void checkGap(List<Integer> train, List<Integer> test) {
        for (int t : test) {
            for (int k : train) {
                if (Math.abs(t - k) < GAP) {
                    throw new IllegalStateException("brain-extraction: test slice " + t + " is within " + GAP
                            + " slices of training slice " + k);
                }
            }
        }
    }

    private static void validate(Config c) {
        if (c.epochs() <= 0 || c.batchSize() <= 0 || !(c.learningRate() > 0)) {
            throw new IllegalArgumentException("brain-extraction: epochs, batch size and learning rate must be positive, got " + c);
        }
    }
}
