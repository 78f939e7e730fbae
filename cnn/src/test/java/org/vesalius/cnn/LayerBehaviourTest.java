package org.vesalius.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** What the fixtures do not cover: initialisation, printouts, and the messages of bad input. */
class LayerBehaviourTest {

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void convGivenTheWrongChannelsSaysWhatItExpects() {
        try (Scope s = Scope.open(); Conv2d conv = new Conv2d(1, 20, 5)) {
            assertMessage(() -> conv.forward(Tensor.zeros(64, 3, 28, 28)), "Conv2d(1, 20, kernelSize=(5, 5)",
                    "[N, 1, H, W]", "1 channel,", "[64, 3, 28, 28] with 3 channels");
            assertMessage(() -> conv.forward(Tensor.zeros(3, 28, 28)), "[3, 28, 28] with 3 channels");
            assertMessage(() -> conv.forward(Tensor.zeros(28, 28)), "expected a 4-d input", "got a 2-d input");
        }
        try (Scope s = Scope.open(); ConvTranspose3d up = new ConvTranspose3d(8, 4, 2, 2, 0)) {
            assertMessage(() -> up.forward(Tensor.zeros(1, 4, 2, 2, 2)), "[N, 8, D, H, W]", "with 4 channels");
        }
    }

    @Test
    void badConfigurationsAreRejectedWhenBuilt() {
        assertMessage(() -> new Conv2d(3, 4, 3, 1, 1, 1, 2, true), "divisible by groups (2)");
        assertMessage(() -> new Conv2d(3, 4, new int[] {3}, new int[] {2}, "same", new int[] {1}, 1, true, "zeros",
                new Generator(1)), "not supported for strided convolutions");
        assertMessage(() -> new Conv1d(3, 4, 3, "full"), "\"same\", \"valid\"", "\"full\"");
        assertMessage(() -> new Conv2d(3, 4, new int[] {3}, new int[] {1}, new int[] {1}, new int[] {1}, 1, true,
                "mirror", new Generator(1)), "paddingMode", "mirror");
        assertMessage(() -> new Conv3d(3, 4, new int[] {3, 3}, new int[] {1}, new int[] {0}, new int[] {1}, 1, true,
                "zeros", new Generator(1)), "kernelSize needs 1 or 3 values");
        assertMessage(() -> new Conv2d(3, 4, 0), "kernelSize must be >= 1");
        assertMessage(() -> new ConvTranspose2d(3, 4, 3, 2, 1, 2, 1, true, 1), "outputPadding (2, 2)",
                "smaller than either stride (2, 2)");
        assertMessage(() -> new MaxPool2d(2, 2, 2, 1, false), "at most half of the kernel size");
        assertMessage(() -> new AvgPool1d(3, 1, 2, false, true), "at most half of the kernel size");
        assertMessage(() -> new AdaptiveAvgPool2d(0, 3), "outputSize must be >= 1");
        assertMessage(() -> new Upsample(2.0, "cubic"), "mode must be one of", "bicubic", "'cubic'");
        assertMessage(() -> new Upsample(new int[] {4}, "nearest", true), "alignCorners");
        assertMessage(() -> new InstanceNorm2d(0), "numFeatures must be positive");
    }

    @Test
    void transposedConvolutionPicksOutputPaddingForARequestedSize() {
        try (Scope s = Scope.open(); ConvTranspose2d up = new ConvTranspose2d(3, 2, 3, 2, 1, new Generator(3))) {
            Tensor x = Tensor.randn(new Generator(4), 1, 3, 4, 4);
            assertArrayEquals(new int[] {1, 2, 7, 7}, up.forward(x).shape());
            assertArrayEquals(new int[] {1, 2, 8, 8}, up.forward(x, 8, 8).shape());
            assertArrayEquals(new int[] {1, 2, 8, 7}, up.forward(x, 1, 2, 8, 7).shape());
            assertMessage(() -> up.forward(x, 9, 9), "output size of [9, 9]", "range from 7 to 8");
        }
    }

    @Test
    void instanceNormRejectsOtherChannelCountsOnlyWithPerChannelState() {
        try (Scope s = Scope.open(); InstanceNorm1d affine = new InstanceNorm1d(4, true, false);
             InstanceNorm1d plain = new InstanceNorm1d(4)) {
            Tensor x = Tensor.randn(new Generator(5), 2, 3, 6);
            assertMessage(() -> affine.forward(x), "expected input with 4 channels", "[2, 3, 6]");
            assertArrayEquals(new int[] {2, 3, 6}, plain.forward(x).shape());
        }
    }

    @Test
    void defaultInitialisationIsPyTorchsAndSeeded() {
        try (Conv2d a = new Conv2d(16, 32, 3, 1, 1, new Generator(11));
             Conv2d b = new Conv2d(16, 32, 3, 1, 1, new Generator(11));
             ConvTranspose2d t = new ConvTranspose2d(64, 32, 2, 2, 0, new Generator(12))) {
            assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray());
            assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray());
            checkUniform(a.weight(), 1 / Math.sqrt(16 * 9));
            checkUniform(a.bias(), 1 / Math.sqrt(16 * 9));
            // a transposed weight is [in, out / groups, k, k]: PyTorch's fan-in is out / groups * k * k
            assertArrayEquals(new int[] {64, 32, 2, 2}, t.weight().shape());
            checkUniform(t.weight(), 1 / Math.sqrt(32 * 4));
        }
    }

    /** Values inside [-bound, bound], spread as a uniform distribution's (std bound / sqrt(3)). */
    private static void checkUniform(Tensor t, double bound) {
        float[] v = t.toFloatArray();
        double sum = 0;
        double sq = 0;
        double max = 0;
        for (float x : v) {
            sum += x;
            sq += x * x;
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound, "max |value| " + max + " exceeds the bound " + bound);
        assertTrue(max > 0.9 * bound, "max |value| " + max + " far below the bound " + bound);
        if (v.length >= 1000) {
            double std = Math.sqrt(sq / v.length - Math.pow(sum / v.length, 2));
            assertEquals(bound / Math.sqrt(3), std, 0.05 * bound, "std of a uniform(-bound, bound)");
        }
    }

    @Test
    void printoutsFollowPyTorchsExtraRepr() {
        List<Module> modules = List.of(new Conv2d(1, 20, 5),
                new Conv1d(4, 6, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {2}, 2, false, "reflect",
                        new Generator(1)),
                new Conv2d(2, 3, 3, "same"),
                new ConvTranspose2d(3, 4, 3, 2, 1, 1, 1, true, 1),
                new MaxPool2d(2), new AvgPool2d(3, 2, 1, false, true), new AdaptiveAvgPool2d(3, 4),
                new AdaptiveMaxPool1d(5), new Upsample(2.0), new Upsample(new int[] {5, 7}, "bilinear", true),
                new InstanceNorm2d(4));
        List<String> expected = List.of(
                "Conv2d(1, 20, kernelSize=(5, 5), stride=(1, 1))",
                "Conv1d(4, 6, kernelSize=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2, bias=false, paddingMode=reflect)",
                "Conv2d(2, 3, kernelSize=(3, 3), stride=(1, 1), padding=same)",
                "ConvTranspose2d(3, 4, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), outputPadding=(1, 1))",
                "MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)",
                "AvgPool2d(kernelSize=3, stride=2, padding=1)",
                "AdaptiveAvgPool2d(outputSize=(3, 4))",
                "AdaptiveMaxPool1d(outputSize=5)",
                "Upsample(scaleFactor=2.0, mode='nearest')",
                "Upsample(size=(5, 7), mode='bilinear')",
                "InstanceNorm2d(4, eps=1.0E-5, momentum=0.1, affine=false, trackRunningStats=false)");
        for (int i = 0; i < modules.size(); i++) {
            assertEquals(expected.get(i), modules.get(i).toString());
            modules.get(i).close();
        }
    }

    @Test
    void poolingModulesHaveNoStateAndKeepUnbatchedInputsUnbatched() {
        try (Scope s = Scope.open(); MaxPool2d pool = new MaxPool2d(2); AdaptiveMaxPool2d ada = new AdaptiveMaxPool2d(2)) {
            assertTrue(pool.stateDict().isEmpty());
            Tensor x = Tensor.randn(new Generator(6), 3, 6, 6);
            assertArrayEquals(new int[] {3, 3, 3}, pool.forward(x).shape());
            var vi = ada.forwardWithIndices(x);
            assertArrayEquals(new int[] {3, 2, 2}, vi.indices().shape());
            assertArrayEquals(vi.values().toFloatArray(), ada.forward(x).toFloatArray());
            assertMessage(() -> pool.forward(Tensor.zeros(6, 6)), "MaxPool2d", "[N, C, H, W]", "[6, 6]");
        }
    }
}
