package org.vesalius.medical.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.backend.Backends;
import org.vesalius.medical.inference.SlidingWindowInference.BlendMode;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

class InferenceTest {

    /** A voxel-wise model (here 2x+1 into two channels) must come back exactly, whatever the windows and blending. */
    @Test
    void slidingWindowOfAVoxelwiseModelIsExact() {
        Tensor x = Tensor.randn(new Generator(1), 2, 1, 37, 29);
        Function<Tensor, Tensor> model = t -> Tensor.cat(1, t.mul(2).add(1), t.neg());
        Tensor expected = model.apply(x);
        for (BlendMode mode : BlendMode.values()) {
            for (double overlap : new double[] {0, 0.25, 0.6}) {
                Tensor out = new SlidingWindowInference(16, 12).overlap(overlap).mode(mode).batchSize(3).run(x, model);
                assertArrayEquals(expected.shape(), out.shape());
                assertArrayEquals(expected.toFloatArray(), out.toFloatArray(), 1e-5f, mode + " overlap " + overlap);
            }
        }
    }

    @Test
    void smallImagesArePaddedAndCroppedBack3d() {
        Tensor x = Tensor.rand(new Generator(2), 1, 2, 5, 9, 7);
        Tensor out = new SlidingWindowInference(8, 8, 8).run(x, t -> t.mul(3));
        assertArrayEquals(new int[] {1, 2, 5, 9, 7}, out.shape());
        assertArrayEquals(x.mul(3).toFloatArray(), out.toFloatArray(), 1e-6f);
    }

    /** A model that sees context gives window-local answers: each window's mean, blended. */
    @Test
    void windowsCoverTheImageAndBlendByWeight() {
        SlidingWindowInference swi = new SlidingWindowInference(10).overlap(0.5);
        List<int[]> starts = swi.windowStarts(new int[] {23});
        assertEquals(List.of(0, 5, 10, 13), starts.stream().map(s -> s[0]).toList());
        // constant-per-window model: output at a voxel = mean of the covering windows' constants
        Tensor x = Tensor.arange(23).toFloat().reshape(1, 1, 23);
        Tensor out = swi.run(x, t -> t.mean(new int[] {2}, true).expand(t.shape()).contiguous());
        float[] o = out.toFloatArray();
        assertEquals(4.5f, o[0], 1e-5f);                        // only the window at 0 (mean 4.5)
        assertEquals((4.5f + 9.5f) / 2, o[7], 1e-5f);           // windows at 0 and 5
        assertEquals((9.5f + 14.5f + 17.5f) / 3, o[14], 1e-5f); // windows at 5, 10 and 13
        assertEquals((9.5f + 14.5f) / 2, o[12], 1e-5f);         // windows at 5 and 10
    }

    @Test
    void slidingWindowMemoryIsBoundedByTheWindowBatch() {
        Tensor x = Tensor.rand(new Generator(3), 1, 1, 256, 256);
        SlidingWindowInference swi = new SlidingWindowInference(32, 32).overlap(0.5).mode(BlendMode.GAUSSIAN).batchSize(2);
        try (Scope s = Scope.open()) {
            swi.run(x, t -> t.mul(2));
        }
        long before = Backends.cpu().liveBytes();
        try (Scope s = Scope.open()) {
            swi.run(x, t -> t.mul(2));
        }
        assertEquals(before, Backends.cpu().liveBytes(), "nothing left behind after the result is freed");
    }

    @Test
    void badPredictorOutputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SlidingWindowInference(8, 8).run(Tensor.rand(1, 1, 16, 16), t -> t.sum(1, false)));
        assertTrue(e.getMessage().contains("the predictor must map"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SlidingWindowInference(8, 8).run(Tensor.rand(1, 16, 16), t -> t));
        assertTrue(e.getMessage().contains("input must be [N, C, 2 spatial axes]"), e.getMessage());
    }

    @Test
    void flipAveragingSymmetrisesAShiftingModel() {
        // a model that shifts the image right by one voxel: averaging with its mirror cancels the shift direction
        Function<Tensor, Tensor> shift = t -> t.roll(new int[] {1}, new int[] {3});
        Tensor x = Tensor.rand(new Generator(4), 1, 1, 6, 8);
        Tensor tta = TestTimeAugmentation.flips(shift, 3).apply(x);
        Tensor expected = x.roll(new int[] {1}, new int[] {3}).add(x.roll(new int[] {-1}, new int[] {3})).div(2);
        assertArrayEquals(expected.toFloatArray(), tta.toFloatArray(), 1e-6f);
        // an equivariant model is unchanged by it
        Tensor same = TestTimeAugmentation.flips(t -> t.mul(2), 2, 3).apply(x);
        assertArrayEquals(x.mul(2).toFloatArray(), same.toFloatArray(), 1e-6f);
    }

    @Test
    void occlusionOfALinearModelGivesItsWeights() {
        // score = sum(w * x): occluding one voxel (patch 1) with 0 drops the score by w * x there
        Tensor w = Tensor.randn(new Generator(5), 1, 1, 5, 6);
        Tensor x = Tensor.rand(new Generator(6), 1, 1, 5, 6);
        Function<Tensor, Tensor> model = t -> t.mul(w).sum(new int[] {1, 2, 3}, false).reshape(-1, 1);
        Tensor map = new OcclusionSensitivity(new int[] {1, 1}, new int[] {1, 1}).batchSize(7).compute(model, x, 0);
        assertArrayEquals(w.mul(x).reshape(5, 6).toFloatArray(), map.toFloatArray(), 1e-5f);
        // 2x2 patches with stride 2: each voxel gets its patch's total drop
        Tensor map2 = new OcclusionSensitivity(new int[] {2, 2}, new int[] {2, 2}).compute(model, x, 0);
        float[] wx = w.mul(x).reshape(5, 6).toFloatArray();
        assertEquals(wx[0] + wx[1] + wx[6] + wx[7], map2.toFloatArray()[7], 1e-5f);
        assertEquals(0f, map2.toFloatArray()[29], "the last row is not covered by a 2x2 patch at stride 2");
    }

    @Test
    void gradCamOfGlobalPoolingIsTheClassActivationMap() {
        // features: the input channels themselves (K = 3, made non-negative); head: global average pool + linear.
        // Then dScore/dA_k = w_ck / (h w) everywhere, and Grad-CAM = relu(sum_k w_ck A_k) / (h w), min-max normalised.
        Tensor x = Tensor.rand(new Generator(7), 1, 3, 4, 5).requiresGrad_(true);
        Tensor wc = Tensor.of(new float[] {0.5f, -0.2f, 1.0f, -1.0f, 0.3f, 0.1f}, 2, 3);
        Function<Tensor, Tensor> features = t -> t.mul(1);
        Function<Tensor, Tensor> head = a -> a.mean(new int[] {2, 3}, false).matmul(wc.t());
        Tensor cam = GradCam.compute(features, head, x, 0);
        assertArrayEquals(new int[] {1, 4, 5}, cam.shape());
        Tensor manual = x.detach().mul(wc.select(0, 0).reshape(1, 3, 1, 1)).sum(1, false).relu();
        Tensor norm = manual.sub(manual.min()).div(manual.max().sub(manual.min()));
        assertArrayEquals(norm.toFloatArray(), cam.toFloatArray(), 1e-5f);
    }

    @Test
    void overlaysAreWrittenAsPng(@TempDir Path dir) throws Exception {
        Tensor img = Tensor.arange(64 * 48).toFloat().reshape(48, 64);
        Tensor ref = Tensor.zeros(48, 64);
        ref.narrow(0, 10, 20).narrow(1, 10, 30).fill_(1);
        Tensor pred = Tensor.zeros(48, 64);
        pred.narrow(0, 12, 20).narrow(1, 12, 30).fill_(1);
        BufferedImage o = Overlay.outlines(img, ref, pred);
        assertEquals(0x00d000, o.getRGB(10, 10) & 0xffffff, "reference outline is green");
        assertEquals(0xff2020, o.getRGB(12, 31) & 0xffffff, "prediction outline is red");
        int inside = o.getRGB(20, 20) & 0xff;
        assertEquals(inside, (o.getRGB(20, 20) >> 16) & 0xff, "inside stays grey");
        Path file = dir.resolve("overlay.png");
        Overlay.writePng(Overlay.heatmap(img, Tensor.rand(new Generator(8), 48, 64)), file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(64, back.getWidth());
        assertEquals(48, back.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertThrows(IllegalArgumentException.class, () -> Overlay.outlines(img, Tensor.zeros(10, 10)));
    }

    @Test
    void largestComponentKeepsTheBiggestIsland() {
        Tensor m = Tensor.zeros(6, 7);
        m.narrow(0, 0, 3).narrow(1, 0, 3).fill_(1);   // 9 voxels
        m.narrow(0, 4, 2).narrow(1, 5, 2).fill_(1);   // 4 voxels
        m.narrow(0, 5, 1).narrow(1, 0, 1).fill_(1);   // 1 voxel, diagonal-free
        Tensor kept = PostProcessing.keepLargestComponent(m);
        assertEquals(9, (int) kept.sum().item());
        assertEquals(1, (int) kept.toFloat().narrow(0, 0, 3).narrow(1, 0, 3).min().item());
        // diagonal neighbours are separate components (face connectivity), in 3-D too
        Tensor d = Tensor.zeros(2, 2, 2);
        d.narrow(0, 0, 1).narrow(1, 0, 1).narrow(2, 0, 1).fill_(1);
        d.narrow(0, 1, 1).narrow(1, 1, 1).narrow(2, 1, 1).fill_(1);
        assertEquals(1, (int) PostProcessing.keepLargestComponent(d).sum().item());
        assertEquals(0, (int) PostProcessing.keepLargestComponent(Tensor.zeros(3, 3)).sum().item());
        assertEquals(13, (int) PostProcessing.removeSmallComponents(m, 2).sum().item());
        assertEquals(9, (int) PostProcessing.removeSmallComponents(m, 5).sum().item());
        assertEquals(8 * 3, Overlay.enlarge(new BufferedImage(8, 5, BufferedImage.TYPE_INT_RGB), 3).getWidth());
    }
}
