package org.vesalius.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.ResNet;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.data.SliceDataset;
import org.vesalius.medical.transforms.Compose;
import org.vesalius.medical.transforms.RandAffine;
import org.vesalius.medical.transforms.RandFlip;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.medical.transforms.Transform;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.optim.Adam;
import org.vesalius.optim.CosineAnnealingLR;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.History;
import org.vesalius.train.Trainer;
import org.vesalius.train.metrics.Accuracy;
import org.vesalius.train.metrics.RocAuc;

/**
 * Slice classification: does an axial slice of the Colin27 T1 contain cerebellum? A small 2-D ResNet
 * (one basic block per stage, width 8) answers from the slice alone, trained on slices with random
 * flips, rotations and zooms, and is tested on slices at least {@value BrainExtraction#GAP} slices away
 * from any training slice, as they are and as randomly transformed copies, with accuracy and ROC-AUC.
 *
 * <p>A slice is positive when it holds at least {@value #MIN_VOXELS} voxels of the AAL cerebellum
 * (labels 91-116: hemispheres and vermis) at 2 x 2 mm in-plane, that is at least 2 cm^2: the few slices
 * that only graze the cerebellum's top or bottom are negatives rather than coin flips. The label is taken
 * after the transform (from the transformed atlas), so a zoom that shrinks the cerebellum below the
 * threshold also changes the answer. All axial slices of the head (neck to vertex) are split in blocks of 20:
 * slices 0-3 of a block for testing, 8-15 for training. Baseline: the training set's majority class.
 */
public final class SliceClassification {
    /** Cerebellum voxels (2 x 2 mm) from which a slice counts as containing cerebellum. */
    static final int MIN_VOXELS = 50;
    /** First and last AAL label of the cerebellum (Cerebelum_* and Vermis_* in {@code aal.nii.txt}). */
    static final int FIRST_CEREBELLUM = 91;
    static final int LAST_CEREBELLUM = 116;
    /** Transformed copies of each test slice. */
    static final int COPIES = 4;

    private SliceClassification() {
    }

    /**
     * What to train.
     *
     * @param epochs       passes over the training slices
     * @param batchSize    slices per Adam step
     * @param learningRate Adam's step size (cosine decay to zero)
     * @param seed         seeds the weights, the shuffling and the augmentation
     * @param output       folder for curves, metrics.json and the weights (null: write nothing)
     */
    public record Config(int epochs, int batchSize, double learningRate, long seed, Path output) {
        /** 20 epochs, batch 16, Adam lr 2e-3, writing to {@code runs/slice-classification}. */
        public static Config defaults() {
            return new Config(20, 16, 2e-3, 42, Path.of("runs", "slice-classification"));
        }
    }

    /** Accuracy and ROC-AUC of the network and the majority-class baseline's accuracy on one test set. */
    public record Scores(int slices, int positives, double accuracy, double rocAuc, double baselineAccuracy) {
    }

    /**
     * What a run achieved.
     *
     * @param test        the held-out slices as they are
     * @param transformed {@value #COPIES} randomly transformed copies of each held-out slice
     */
    public record Result(Config config, int trainSlices, int trainPositives, Scores test, Scores transformed,
                         double seconds) {
        /** The final metrics as one JSON line. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"example\":\"slice-classification\",\"accuracy\":%.4f,\"roc_auc\":%.4f,\"baseline_accuracy\":%.4f,"
                            + "\"accuracy_transformed\":%.4f,\"roc_auc_transformed\":%.4f,\"baseline_accuracy_transformed\":%.4f,"
                            + "\"train_slices\":%d,\"test_slices\":%d,\"test_positives\":%d,\"epochs\":%d,\"seconds\":%.1f}",
                    test.accuracy(), test.rocAuc(), test.baselineAccuracy(), transformed.accuracy(), transformed.rocAuc(),
                    transformed.baselineAccuracy(), trainSlices, test.slices(), test.positives(), config.epochs(), seconds);
        }
    }

    /** Trains and tests as {@code config} says; progress and a summary go to {@code out}. */
    public static Result run(Config config, PrintStream out) throws IOException {
        if (config.epochs() <= 0 || config.batchSize() <= 0 || !(config.learningRate() > 0)) {
            throw new IllegalArgumentException("slice-classification: epochs, batch size and learning rate must be "
                    + "positive, got " + config);
        }
        long started = System.nanoTime();
        try (Scope run = Scope.open(); Sample head = prepare()) {
            int[][] split = BrainExtraction.blockSplit(0, head.image().size()[2] - 1, 4);
            int[] trainK = split[0];
            int[] testK = split[1];
            Dataset<Tensor[]> plainTrain = labelled(new SliceDataset(head, 2, trainK));
            int trainPositives = positives(plainTrain);
            long majority = 2L * trainPositives >= trainK.length ? 1 : 0;
            out.printf(Locale.ROOT, "Cerebellum-or-not on Colin27 T1 axial slices (positive: >= %d cerebellum voxels of "
                            + "2 x 2 mm): %d training slices (%d positive), %d test slices (>= %d slices apart); ResNet "
                            + "1/1/1/1 width 8, Adam lr %s, batch %d, %d epochs, %d threads%n",
                    MIN_VOXELS, trainK.length, trainPositives, testK.length, BrainExtraction.GAP, config.learningRate(),
                    config.batchSize(), config.epochs(), Backends.cpu().threads());

            Transform augment = new Compose(new RandFlip(0.5, 0), new RandAffine(0.8).rotate(0.3).scale(0.1, 0.1));
            var trainLoader = DataLoader.of(labelled(new SliceDataset(head, 2, trainK).transform(augment)),
                    config.batchSize()).shuffle(true).seed(config.seed());
            Dataset<Tensor[]> testSet = labelled(new SliceDataset(head, 2, testK));
            int[] copies = new int[testK.length * COPIES];
            for (int i = 0; i < copies.length; i++) {
                copies[i] = testK[i % testK.length];
            }
            Dataset<Tensor[]> movedSet = labelled(new SliceDataset(head, 2, copies).transform(
                    new Compose(new RandFlip(0.5, 0), new RandAffine(1.0).rotate(0.4).scale(0.15, 0.15))));

            Generator gen = new Generator(config.seed());
            try (ResNet model = new ResNet(2, ResNet.Block.BASIC, new int[] {1, 1, 1, 1}, 1, 2, 8, gen);
                 Adam opt = new Adam(model.parameters(), config.learningRate())) {
                Trainer trainer = new Trainer(model, new CrossEntropyLoss(), opt)
                        .epochs(config.epochs())
                        .scheduler(new CosineAnnealingLR(opt, config.epochs()))
                        .metrics(new Accuracy(), new RocAuc(true))
                        .progress(out);
                History history = trainer.fit(trainLoader, DataLoader.of(testSet, config.batchSize()));
                Scores plain = score(trainer, DataLoader.of(testSet, config.batchSize()), majority);
                Scores moved = score(trainer, DataLoader.of(movedSet, config.batchSize()).seed(config.seed() + 1), majority);
                Result r = new Result(config, trainK.length, trainPositives, plain, moved, (System.nanoTime() - started) / 1e9);
                if (config.output() != null) {
                    RunFiles.write(config.output(), history, model, "resnet.safetensors", r.toJson(), out);
                }
                return r;
            }
        }
    }

    /** {@code {image [1, H, W], cerebellum mask [1, H, W]}} slices as {@code {image, class}}: class int64, 0 or 1. */
    static Dataset<Tensor[]> labelled(SliceDataset slices) {
        return slices.keys(Sample.IMAGE, Sample.LABEL).map(b -> {
            long voxels = (long) b[1].sum().item();
            return new Tensor[] {b[0], Tensor.of(new long[] {voxels >= MIN_VOXELS ? 1 : 0}).squeeze(0)};
        });
    }

    private static int positives(Dataset<Tensor[]> set) {
        int n = 0;
        try (Scope s = Scope.open()) {
            for (int i = 0; i < set.size(); i++) {
                n += set.get(i)[1].item() == 1 ? 1 : 0;
            }
        }
        return n;
    }

    private static Scores score(Trainer trainer, DataLoader<Tensor[]> loader, long majority) {
        Accuracy acc = new Accuracy();
        RocAuc auc = new RocAuc(true);
        int n = 0;
        int pos = 0;
        int majorityRight = 0;
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            for (Tensor[] batch : loader) {
                Tensor logits = trainer.predict(batch[0]);
                acc.update(logits, batch[1]);
                auc.update(logits, batch[1]);
                for (long c : batch[1].toLongArray()) {
                    n++;
                    pos += c == 1 ? 1 : 0;
                    majorityRight += c == majority ? 1 : 0;
                }
            }
        }
        return new Scores(n, pos, acc.compute(), auc.compute(), (double) majorityRight / n);
    }

    /**
     * The head as in {@link BrainExtraction#prepare()} (RAS, 2 x 2 x 1 mm, [0, 1], 96 x 112 in-plane) with
     * the AAL cerebellum as {@value Sample#LABEL}.
     */
    static Sample prepare() throws IOException {
        try (Scope s = Scope.open()) {
            MedicalImage aal = BrainExtraction.read("aal.nii.gz");
            Tensor a = aal.data();
            MedicalImage cerebellum = aal.withData(a.ge(FIRST_CEREBELLUM).logicalAnd(a.le(LAST_CEREBELLUM)).to(DType.INT64));
            Sample raw = Sample.of(BrainExtraction.read("ch2.nii.gz"), cerebellum);
            return BrainExtraction.keep(s, BrainExtraction.prepare(raw));
        }
    }
}
