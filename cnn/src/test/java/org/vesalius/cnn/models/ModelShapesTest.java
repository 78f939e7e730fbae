package org.vesalius.cnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Every architecture in 2-d and 3-d: output shapes, state-dict keys and parameter counts against
 * torchvision's and W3's, and the errors for inputs they cannot take.
 */
class ModelShapesTest {

    /** A batch of two inputs of {@code channels} with {@code side} voxels along each of {@code dims} axes. */
    private static Tensor input(Generator g, int dims, int channels, int side) {
        return dims == 2 ? Tensor.rand(g, 2, channels, side, side) : Tensor.rand(g, 2, channels, side, side, side);
    }

    private static int[] shape(int dims, int n, int c, int side) {
        return dims == 2 ? new int[] {n, c, side, side} : new int[] {n, c, side, side, side};
    }

    private static void assertShape(int[] expected, Tensor t) {
        assertArrayEquals(expected, t.shape(), () -> java.util.Arrays.toString(t.shape()));
    }

    @Test
    void w3UNetHasTheBenchmarksKeysAndParameterCount() {
        try (UNet net = new UNet(2, 1, 1, 16, 32, 64, 128)) {
            Map<String, Tensor> sd = net.stateDict();
            // PyTorch's state_dict() of torch_bench.py's W3 U-Net: 92 entries, 482,449 parameters
            assertEquals(92, sd.size());
            assertEquals(List.of("enc.0.0.weight", "enc.0.1.weight", "enc.0.1.bias", "enc.0.1.running_mean",
                    "enc.0.1.running_var", "enc.0.1.num_batches_tracked", "enc.0.3.weight", "enc.0.4.weight"),
                    List.copyOf(sd.keySet()).subList(0, 8));
            assertEquals(482_449, net.numParameters());
            assertArrayEquals(new int[] {128, 64, 2, 2}, sd.get("up.0.weight").shape());
            assertArrayEquals(new int[] {64, 128, 3, 3}, sd.get("dec.0.0.weight").shape());
            assertArrayEquals(new int[] {1, 16, 1, 1}, sd.get("head.weight").shape());
            assertEquals(3, net.depth());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void uNetVariantsKeepTheSpatialSize(int dims) {
        Generator g = new Generator(1);
        for (Norm norm : List.of(Norm.BATCH, Norm.INSTANCE, Norm.GROUP, Norm.NONE)) {
            for (boolean residual : new boolean[] {false, true}) {
                try (Scope s = Scope.open(); UNet net = new UNet(dims, 2, 3, new int[] {8, 16, 32}, norm, residual, true, g)) {
                    List<Tensor> outs = net.forwardWithDeepSupervision(input(g, dims, 2, 16));
                    assertEquals(2, outs.size(), norm + " residual " + residual);
                    assertShape(shape(dims, 2, 3, 16), outs.get(0));
                    assertShape(shape(dims, 2, 3, 8), outs.get(1));
                    net.eval();
                    assertShape(shape(dims, 2, 3, 16), net.forward(input(g, dims, 2, 16)));
                    boolean hasBias = net.stateDict().containsKey("enc.0." + (residual ? "body.0" : "0") + ".bias");
                    assertEquals(norm.isNone(), hasBias, "conv bias only without normalisation: " + norm);
                }
            }
        }
    }

    @Test
    void uNetRejectsSizesThatDoNotHalveDepthTimes() {
        try (Scope s = Scope.open(); UNet net = new UNet(2, 1, 1, 8, 16, 32, 64)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(Tensor.zeros(1, 1, 36, 32)));
            assertTrue(e.getMessage().contains("multiple of 8") && e.getMessage().contains("[1, 1, 36, 32]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(1, 2, 32, 32)));
            assertTrue(e.getMessage().contains("[N, 1, H, W]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UNet(4, 1, 1, 8, 16));
        assertTrue(e.getMessage().contains("spatialDims must be 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UNet(2, 1, 1, 8));
        assertTrue(e.getMessage().contains("at least one encoder level and the bottleneck"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UNet(2, 1, 1, Norm.GROUP, 12, 24));
        assertTrue(e.getMessage().contains("8 groups do not divide 12 channels"), e.getMessage());
    }

    @Test
    void deepSupervisionLossWeighsHalvingAndResizesTheTarget() {
        try (Scope s = Scope.open()) {
            List<Tensor> outs = List.of(Tensor.full(3.0, 1, 1, 8, 8), Tensor.full(6.0, 1, 1, 4, 4),
                    Tensor.full(12.0, 1, 1, 2, 2));
            Tensor target = Tensor.zeros(1, 1, 8, 8);
            Tensor loss = UNet.deepSupervisionLoss(outs, target, (o, t) -> {
                assertArrayEquals(o.shape(), t.shape(), "target resized to the output");
                return o.mean();
            });
            // weights 1, 1/2, 1/4 normalised by 7/4
            assertEquals((3 + 3 + 3) / 1.75, loss.item(), 1e-6);
        }
    }

    @Test
    void resNetsHaveTorchvisionsKeysAndParameterCounts() {
        // torchvision.models.resnet18/34/50(): 3 channels, 1000 classes
        try (ResNet r18 = ResNet.resnet18(2, 3, 1000)) {
            assertEquals(11_689_512, r18.numParameters());
            Map<String, Tensor> sd = r18.stateDict();
            assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                    "bn1.num_batches_tracked", "layer1.0.conv1.weight"), List.copyOf(sd.keySet()).subList(0, 7));
            assertArrayEquals(new int[] {128, 64, 1, 1}, sd.get("layer2.0.downsample.0.weight").shape());
            assertTrue(sd.containsKey("layer2.0.downsample.1.running_var"));
            assertTrue(!sd.containsKey("layer1.0.downsample.0.weight"), "no projection where nothing changes");
            assertArrayEquals(new int[] {1000, 512}, sd.get("fc.weight").shape());
        }
        try (ResNet r34 = ResNet.resnet34(2, 3, 1000)) {
            assertEquals(21_797_672, r34.numParameters());
        }
        try (ResNet r50 = ResNet.resnet50(2, 3, 1000)) {
            assertEquals(25_557_032, r50.numParameters());
            Map<String, Tensor> sd = r50.stateDict();
            assertArrayEquals(new int[] {256, 64, 1, 1}, sd.get("layer1.0.conv3.weight").shape());
            assertArrayEquals(new int[] {256, 64, 1, 1}, sd.get("layer1.0.downsample.0.weight").shape());
            assertArrayEquals(new int[] {1000, 2048}, sd.get("fc.weight").shape());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void resNetsClassify(int dims) {
        Generator g = new Generator(2);
        for (ResNet.Block block : ResNet.Block.values()) {
            try (Scope s = Scope.open(); ResNet net = new ResNet(dims, block, new int[] {1, 1, 1, 1}, 2, 5, 4, g)) {
                Tensor x = input(g, dims, 2, 32);
                Tensor f = net.features(x);
                assertShape(shape(dims, 2, 32 * block.expansion(), 1), f);
                assertShape(new int[] {2, 5}, net.forward(x));
                assertShape(new int[] {2, 5}, net.head(f));
            }
        }
        try (Scope s = Scope.open(); ResNet net = new ResNet(dims, ResNet.Block.BASIC, new int[] {1, 1, 1, 1}, 1, 2, 4, g)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(input(g, dims, 3, 32)));
            assertTrue(e.getMessage().contains("expected input [N, 1,"), e.getMessage());
        }
    }

    @Test
    void denseNet121HasTorchvisionsKeysAndParameterCount() {
        try (DenseNet121 net = new DenseNet121(2, 3, 1000)) {
            assertEquals(7_978_856, net.numParameters());
            Map<String, Tensor> sd = net.stateDict();
            assertArrayEquals(new int[] {64, 3, 7, 7}, sd.get("features.conv0.weight").shape());
            assertArrayEquals(new int[] {128, 64, 1, 1}, sd.get("features.denseblock1.denselayer1.conv1.weight").shape());
            assertArrayEquals(new int[] {32, 128, 3, 3}, sd.get("features.denseblock1.denselayer1.conv2.weight").shape());
            assertArrayEquals(new int[] {128, 256, 1, 1}, sd.get("features.transition1.conv.weight").shape());
            assertArrayEquals(new int[] {1024}, sd.get("features.norm5.running_mean").shape());
            assertArrayEquals(new int[] {1000, 1024}, sd.get("classifier.weight").shape());
            assertTrue(sd.containsKey("features.denseblock4.denselayer16.norm2.num_batches_tracked"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void denseNetsClassify(int dims) {
        Generator g = new Generator(3);
        try (Scope s = Scope.open(); DenseNet net = new DenseNet(dims, 4, new int[] {2, 2, 2}, 8, 2, 1, 3, g)) {
            Tensor x = input(g, dims, 1, 32);
            // 8 + 2*4 = 16 -> 8, + 8 = 16 -> 8, + 8 = 16 channels at 32 / 4 / 2 / 2 = 2
            assertShape(shape(dims, 2, 16, 2), net.features(x));
            assertShape(new int[] {2, 3}, net.forward(x));
        }
    }

    @Test
    void vggsHaveTorchvisionsLayout() {
        // torchvision's convolution parameters: vgg11 9,220,480, vgg13 9,404,992, vgg16 14,714,688; batch norm adds
        // 2 per channel; a classifier of hidden width 8 keeps the test small
        int hidden = 8;
        long classifier = 25088L * hidden + hidden + hidden * hidden + hidden + hidden * 10 + 10;
        long[][] expected = {{11, 9_220_480, 2 * (64 + 128 + 2 * 256 + 4 * 512)}, {13, 9_404_992, 2 * 2 * (64 + 128 + 256 + 1024)},
            {16, 14_714_688, 2 * (2 * 64 + 2 * 128 + 3 * 256 + 6 * 512)}};
        for (long[] e : expected) {
            try (VGG plain = new VGG(2, (int) e[0], false, 3, 10, 64, hidden, 7, 0.5, new Generator(4));
                 VGG bn = new VGG(2, (int) e[0], true, 3, 10, 64, hidden, 7, 0.5, new Generator(4))) {
                assertEquals(e[1] + classifier, plain.numParameters(), "VGG" + e[0]);
                assertEquals(e[1] + e[2] + classifier, bn.numParameters(), "VGG" + e[0] + " with batch norm");
                int lastConv = e[0] == 11 ? 18 : e[0] == 13 ? 22 : 28;
                assertTrue(plain.stateDict().containsKey("features." + lastConv + ".weight"), "VGG" + e[0]);
                assertTrue(plain.stateDict().keySet().containsAll(List.of("classifier.0.weight", "classifier.3.bias",
                        "classifier.6.weight")));
            }
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new VGG(2, 12, false, 3, 10, 8, 8, 1, 0.5, new Generator(4)));
        assertTrue(ex.getMessage().contains("11, 13, 16 or 19"), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void vggsClassify(int dims) {
        Generator g = new Generator(5);
        try (Scope s = Scope.open(); VGG net = new VGG(dims, 11, true, 1, 4, 2, 16, 2, 0.5, g)) {
            Tensor x = input(g, dims, 1, 32);
            assertShape(shape(dims, 2, 16, 1), net.features(x));
            assertShape(new int[] {2, 4}, net.forward(x));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void encoderDecoderMapsBackToTheInputSize(int dims) {
        Generator g = new Generator(6);
        for (Norm norm : List.of(Norm.BATCH, Norm.NONE)) {
            try (Scope s = Scope.open(); EncoderDecoder net = new EncoderDecoder(dims, 2, 1, new int[] {4, 8, 16}, norm, g)) {
                Tensor x = input(g, dims, 2, 16);
                Tensor code = net.encode(x);
                assertShape(shape(dims, 2, 16, 2), code);
                assertShape(shape(dims, 2, 1, 16), net.decode(code));
                assertShape(shape(dims, 2, 1, 16), net.forward(x));
                assertTrue(net.stateDict().containsKey("decoder.2.0.weight"), "transposed convolution of the last level");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(input(g, dims, 2, 12)));
                assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void dnCnnSubtractsThePredictedNoise(int dims) {
        Generator g = new Generator(7);
        try (Scope s = Scope.open(); DnCNN net = new DnCNN(dims, 1, 8, 5, Norm.BATCH, g)) {
            net.eval();
            Tensor x = input(g, dims, 1, 10);
            Tensor noise = net.predictNoise(x);
            assertShape(shape(dims, 2, 1, 10), noise);
            Tensor y = net.forward(x);
            assertTrue(y.equal(x.sub(noise)), "output = input - predicted noise");
            // first conv with bias, three middle conv+BN, last conv without bias
            Map<String, Tensor> sd = net.stateDict();
            assertTrue(sd.containsKey("layers.0.bias") && sd.containsKey("layers.2.weight")
                    && sd.containsKey("layers.3.running_mean") && sd.containsKey("layers.11.weight"));
            assertNull(sd.get("layers.2.bias"));
            assertNull(sd.get("layers.11.bias"));
        }
        assertThrows(IllegalArgumentException.class, () -> new DnCNN(dims, 1, 8, 1, Norm.BATCH, g));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void landmarkNetGivesHeatmapsAndCoordinates(int dims) {
        Generator g = new Generator(8);
        try (Scope s = Scope.open(); HeatmapLandmarkNet net = new HeatmapLandmarkNet(dims, 1, 4, new int[] {4, 8, 16},
                Norm.INSTANCE, 5.0, g)) {
            Tensor x = input(g, dims, 1, 16);
            assertShape(shape(dims, 2, 4, 16), net.forward(x));
            Tensor xy = net.landmarks(x);
            assertShape(new int[] {2, 4, dims}, xy);
            for (double v : xy.toDoubleArray()) {
                assertTrue(v >= 0 && v <= 15, "a soft-argmax lies inside the image: " + v);
            }
            assertTrue(net.stateDict().containsKey("unet.head.weight"));
        }
    }

    @Test
    void softArgmaxRecoversTheCentresOfGaussianHeatmaps() {
        try (Scope s = Scope.open()) {
            Tensor c2 = Tensor.of(new float[] {6.25f, 10.5f, 8f, 9.75f, 7f, 7f}, 1, 3, 2);
            // at least 4 sigma from the borders, where the cut-off tails would pull the mean inwards
            Tensor h2 = Heatmaps.gaussian(c2, new int[] {16, 20}, 1.0);
            assertArrayEquals(new int[] {1, 3, 16, 20}, h2.shape());
            // log of a Gaussian is a quadratic: the softmax with beta 1 of log(h) is the normalised Gaussian
            Tensor back = Heatmaps.softArgmax(h2.clampMin(1e-30).log(), 1.0);
            float[] want = c2.toFloatArray();
            float[] got = back.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-3, "coordinate " + i);
            }
            Tensor c3 = Tensor.of(new float[] {4f, 5f, 6f}, 1, 1, 3);
            Tensor h3 = Heatmaps.gaussian(c3, new int[] {9, 10, 12}, 1.0);
            assertEquals(1.0, h3.amax(new int[] {2, 3, 4}, false).item(), 1e-6, "peak 1 on a voxel centre");
            assertArrayEquals(new float[] {4f, 5f, 6f}, Heatmaps.softArgmax(h3.clampMin(1e-30).log(), 1.0).toFloatArray(),
                    1e-3f);
            // differentiable: the coordinates' gradient reaches the heatmaps
            Tensor h = Tensor.rand(new Generator(9), 1, 1, 6, 6).requiresGrad_(true);
            Heatmaps.softArgmax(h, 3.0).sum().backward();
            assertTrue(h.grad().abs().sum().item() > 0);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Heatmaps.softArgmax(Tensor.zeros(2, 3), 1.0));
        assertTrue(e.getMessage().contains("[N, K, *spatial]"), e.getMessage());
    }

    @Test
    void modulesOwnTheirParametersAcrossScopes() {
        Module net;
        try (Scope s = Scope.open()) {
            net = new UNet(2, 1, 2, new int[] {4, 8}, Norm.BATCH, true, true, new Generator(10));
        }
        try (Scope s = Scope.open()) {
            assertShape(new int[] {1, 2, 8, 8}, net.forward(Tensor.zeros(1, 1, 8, 8)));
        } finally {
            net.close();
        }
    }
}
