package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.data.DataLoader;
import org.vesalius.medical.data.SliceDataset;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Augmenting sample after sample, outside any Scope or inside a loader, leaves no native memory behind. */
class TransformMemoryTest {
    private static final long BOUND_BYTES = 16 * 1024;

    private static Transform pipeline() {
        return new Compose(new Orientation("LP"), new RandFlip(0.5), new RandRotate90(0.5), new RandAffine(0.7).rotate(0.3).scale(0.1),
                new RandElastic(0.5, 3, 4, 10, 20), ScaleIntensityRange.window(100, 200), new RandGamma(0.5),
                new RandGaussianNoise(0.5, 0, 0.1), new RandRicianNoise(0.3, 0, 0.1), new RandContrast(0.5),
                new NormalizeIntensity().nonzero(true), new RandCropByPosNegLabel(16, 16));
    }

    @Test
    void directApplicationIsFlat() {
        Backend cpu = Backends.cpu();
        Sample in = TestImages.blobs(new int[] {40, 36}, new double[] {1.2, 0.8, 1});
        Transform t = pipeline();
        Generator g = new Generator(1);
        for (int i = 0; i < 20; i++) {
            t.apply(in, g).close();
        }
        long baseline = cpu.liveBytes();
        for (int i = 0; i < 300; i++) {
            t.apply(in, g).close();
        }
        assertTrue(cpu.liveBytes() <= baseline + BOUND_BYTES, "live native bytes " + cpu.liveBytes() + ", " + baseline + " before");
        assertTrue(!in.image().data().isClosed() && !in.label().data().isClosed());
    }

    @Test
    void sliceDatasetInALoaderIsFlat() {
        Backend cpu = Backends.cpu();
        Sample volume = TestImages.blobs(new int[] {32, 28, 12}, TestImages.SPACING_3D);
        SliceDataset ds = new SliceDataset(volume, 2).transform(pipeline());
        DataLoader<Tensor[]> loader = DataLoader.of(ds, 4).shuffle(true).seed(2).numWorkers(2);
        consume(loader);
        long baseline = cpu.liveBytes();
        for (int epoch = 0; epoch < 15; epoch++) {
            consume(loader);
        }
        assertTrue(cpu.liveBytes() <= baseline + BOUND_BYTES, "live native bytes " + cpu.liveBytes() + ", " + baseline + " before");
        assertTrue(!volume.image().data().isClosed());
    }

    private static void consume(DataLoader<Tensor[]> loader) {
        for (Tensor[] b : loader) {
            for (Tensor t : b) {
                t.close();
            }
        }
    }
}
