package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;

/**
 * Convolution through the Tensor API: float32 (oneDNN) against float64 (Java) forward and backward,
 * PyTorch values for the conventions, gradient checks of first and second order, error messages.
 */
class ConvolutionTest {
    private static Tensor leaf(Generator g, int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, g, shape).requiresGrad_(true);
    }

    private static Tensor seq(double scale, boolean cos, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        Tensor t = Tensor.arange(0, n, 1, DType.FLOAT64).mul(scale);
        return (cos ? t.cos() : t.sin()).reshape(shape);
    }

    // ------------------------------------------------------------------ PyTorch conventions

    @Test
    void samePaddingWithEvenKernelMatchesPyTorch() {
        // torch: x = sin(arange(60)).reshape(1,2,5,6); w = cos(0.7*arange(72)).reshape(3,2,4,3)
        //        F.conv2d(x, w, [0.5, -1, 0.25], padding='same')
        Tensor x = seq(1, false, 1, 2, 5, 6);
        Tensor w = seq(0.7, true, 3, 2, 4, 3);
        Tensor b = Tensor.of(new double[] {0.5, -1.0, 0.25}, 3);
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor y = x.to(dt).conv2d(w.to(dt), b.to(dt), "same");
            assertArrayEquals(new int[] {1, 3, 5, 6}, y.shape());
            double[] first = {0.1285963703, 0.4725937534, 0.9744203771, 1.0400670939, 0.6091786153, 0.5425419429,
                1.3977889047, 1.4923043665, 1.1791025877, 0.2415370216, -0.4583988741, -0.6245139935};
            double[] got = y.toDoubleArray();
            double tol = dt == DType.FLOAT64 ? 1e-9 : 1e-5;
            for (int i = 0; i < first.length; i++) {
                assertEquals(first[i], got[i], tol, "element " + i + " (" + dt + ")");
            }
            assertEquals(-7.4408590783, y.sum().item(), dt == DType.FLOAT64 ? 1e-9 : 1e-4);
        }
    }

    @Test
    void transposedWithGroupsDilationOutputPaddingMatchesPyTorch() {
        // torch: F.conv_transpose2d(sin(0.3*arange(72)).reshape(2,4,3,3), cos(0.4*arange(72)).reshape(4,3,3,2),
        //        [0.1,0.2,-0.3,0.4,0.5,-0.6], stride=2, padding=1, output_padding=1, groups=2, dilation=(1,2))
        Tensor x = seq(0.3, false, 2, 4, 3, 3);
        Tensor w = seq(0.4, true, 4, 3, 3, 2);
        Tensor b = Tensor.of(new double[] {0.1, 0.2, -0.3, 0.4, 0.5, -0.6}, 6);
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor y = x.to(dt).convTranspose2d(w.to(dt), b.to(dt), new int[] {2}, new int[] {1}, new int[] {1}, 2,
                    new int[] {1, 2});
            assertArrayEquals(new int[] {2, 6, 6, 6}, y.shape());
            double[] first = {0.1, 0.063424422, 0.1, 0.5501442229, 0.1, 0.3865181279, 0.1, 0.6842208323, 0.1,
                1.103836951, 0.1, 0.7185649372};
            double[] got = y.toDoubleArray();
            double tol = dt == DType.FLOAT64 ? 1e-9 : 1e-5;
            for (int i = 0; i < first.length; i++) {
                assertEquals(first[i], got[i], tol, "element " + i + " (" + dt + ")");
            }
            assertEquals(20.3912318808, y.sum().item(), dt == DType.FLOAT64 ? 1e-9 : 1e-4);
            assertEquals(205.7380608375, y.mul(y).sum().item(), dt == DType.FLOAT64 ? 1e-8 : 1e-3);
        }
    }

    // ------------------------------------------------------------------ float32 (oneDNN) vs float64 (Java)

    /** Forward and all gradients of {@code f} in float32 and float64 from the same float64 inputs. */
    private static void assertF32MatchesF64(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        double[][] ref = run(f, inputs, DType.FLOAT64);
        double[][] got = run(f, inputs, DType.FLOAT32);
        for (int k = 0; k < ref.length; k++) {
            double scale = 0;
            for (double v : ref[k]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < ref[k].length; i++) {
                double d = Math.abs(ref[k][i] - got[k][i]);
                if (!(d <= 2e-5 * (1 + scale))) {
                    throw new AssertionError(what + ": " + (k == 0 ? "output" : "gradient of input " + (k - 1))
                            + " element " + i + ": float64 " + ref[k][i] + " vs float32 " + got[k][i]);
                }
            }
        }
    }

    private static double[][] run(Function<Tensor[], Tensor> f, Tensor[] inputs, DType dt) {
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            // same values: float32 inputs rounded, then widened for the float64 run
            Tensor rounded = inputs[i].detach().to(DType.FLOAT32).to(dt);
            in[i] = rounded.requiresGrad_(true);
        }
        Tensor y = f.apply(in);
        Tensor w = Tensor.randn(DType.FLOAT64, Device.CPU, new Generator(5), y.shape()).to(dt);
        y.mul(w).sum().backward();
        double[][] out = new double[inputs.length + 1][];
        out[0] = y.toDoubleArray();
        for (int i = 0; i < inputs.length; i++) {
            out[i + 1] = in[i].grad().toDoubleArray();
        }
        return out;
    }

    @Test
    void float32MatchesFloat64Forward2dAndBackward() {
        Generator g = new Generator(11);
        assertF32MatchesF64("conv2d stride/pad/dilation", in -> in[0].conv2d(in[1], in[2], new int[] {2, 1},
                new int[] {1, 2}, new int[] {1, 2}, 1), leaf(g, 2, 3, 9, 8), leaf(g, 5, 3, 3, 3), leaf(g, 5));
        assertF32MatchesF64("conv2d depthwise", in -> in[0].conv2d(in[1], in[2], new int[] {1}, new int[] {1},
                new int[] {1}, 6), leaf(g, 2, 6, 7, 7), leaf(g, 12, 1, 3, 3), leaf(g, 12));
        assertF32MatchesF64("conv2d same, permuted input", in -> in[0].permute(0, 3, 1, 2).conv2d(in[1], in[2], "same"),
                leaf(g, 2, 6, 5, 4), leaf(g, 3, 4, 2, 4), leaf(g, 3));
        assertF32MatchesF64("conv2d lenet-like no bias", in -> in[0].conv2d(in[1]), leaf(g, 3, 1, 12, 12),
                leaf(g, 4, 1, 5, 5));
    }

    @Test
    void float32MatchesFloat64In1dAnd3d() {
        Generator g = new Generator(12);
        assertF32MatchesF64("conv1d", in -> in[0].conv1d(in[1], in[2], new int[] {2}, new int[] {3}, new int[] {2}, 2),
                leaf(g, 2, 4, 17), leaf(g, 6, 2, 4), leaf(g, 6));
        assertF32MatchesF64("conv3d", in -> in[0].conv3d(in[1], in[2], new int[] {1, 2, 1}, new int[] {1, 0, 1},
                new int[] {1}, 1), leaf(g, 1, 3, 5, 6, 4), leaf(g, 4, 3, 3, 2, 3), leaf(g, 4));
    }

    @Test
    void float32MatchesFloat64Transposed() {
        Generator g = new Generator(13);
        assertF32MatchesF64("convTranspose1d outputPadding", in -> in[0].convTranspose1d(in[1], in[2], 3, 1, 2),
                leaf(g, 2, 3, 7), leaf(g, 3, 4, 4), leaf(g, 4));
        assertF32MatchesF64("convTranspose2d groups dilation", in -> in[0].convTranspose2d(in[1], in[2],
                new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 0}, 2, new int[] {1, 2}),
                leaf(g, 2, 4, 4, 5), leaf(g, 4, 3, 3, 3), leaf(g, 6));
        // outputPadding >= stride (allowed because dilation is larger): oneDNN runs on a trimmed input
        assertF32MatchesF64("convTranspose2d outputPadding >= stride", in -> in[0].convTranspose2d(in[1], null,
                new int[] {1}, new int[] {0}, new int[] {2}, 1, new int[] {3}),
                leaf(g, 1, 2, 4, 4), leaf(g, 2, 3, 2, 2));
        assertF32MatchesF64("convTranspose3d", in -> in[0].convTranspose3d(in[1], in[2], 2, 1, 1),
                leaf(g, 1, 2, 3, 3, 2), leaf(g, 2, 2, 3, 3, 3), leaf(g, 2));
    }

    @Test
    void unbatchedInputGivesUnbatchedOutput() {
        Generator g = new Generator(14);
        Tensor x = Tensor.randn(g, 3, 8, 8);
        Tensor w = Tensor.randn(g, 4, 3, 3, 3);
        Tensor y = x.conv2d(w, null, 1, 1);
        assertArrayEquals(new int[] {4, 8, 8}, y.shape());
        assertTrue(y.allclose(x.unsqueeze(0).conv2d(w, null, 1, 1).squeeze(0), 1e-6, 1e-6));
        Tensor t = Tensor.randn(g, 4, 5).convTranspose1d(Tensor.randn(g, 4, 2, 3));
        assertArrayEquals(new int[] {2, 7}, t.shape());
    }

    // ------------------------------------------------------------------ gradient checks (float64)

    @Test
    void gradcheckConv1d() {
        Generator g = new Generator(21);
        GradCheck.check(in -> in[0].conv1d(in[1], in[2], new int[] {2}, new int[] {1}, new int[] {2}, 1),
                leaf(g, 2, 3, 9), leaf(g, 4, 3, 3), leaf(g, 4)).orThrow();
        GradCheck.check(in -> in[0].conv1d(in[1], null, new int[] {1}, "same", new int[] {1}, 2),
                leaf(g, 1, 4, 6), leaf(g, 2, 2, 4)).orThrow();
    }

    @Test
    void gradcheckConv2d() {
        Generator g = new Generator(22);
        GradCheck.check(in -> in[0].conv2d(in[1], in[2], new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2),
                leaf(g, 2, 4, 5, 6), leaf(g, 4, 2, 3, 2), leaf(g, 4)).orThrow();
        GradCheck.check(in -> in[0].conv2d(in[1], in[2], "same"), leaf(g, 1, 2, 4, 5), leaf(g, 3, 2, 2, 3),
                leaf(g, 3)).orThrow();
    }

    @Test
    void gradcheckConv2dOnPermutedInputs() {
        Generator g = new Generator(23);
        // non-contiguous leaves: the kernels see permuted strides
        Tensor x = Tensor.randn(DType.FLOAT64, Device.CPU, g, 1, 5, 4, 3).permute(0, 3, 1, 2).requiresGrad_(true);
        Tensor w = Tensor.randn(DType.FLOAT64, Device.CPU, g, 3, 2, 3, 3).permute(1, 0, 3, 2).requiresGrad_(true);
        assertFalse(x.isContiguous());
        assertFalse(w.isContiguous());
        GradCheck.check(in -> in[0].conv2d(in[1], null, 1, 1), x, w).orThrow();
    }

    @Test
    void gradcheckConv3d() {
        Generator g = new Generator(24);
        GradCheck.check(in -> in[0].conv3d(in[1], in[2], new int[] {1, 2, 1}, new int[] {1}, new int[] {1}, 1),
                leaf(g, 1, 2, 3, 4, 3), leaf(g, 2, 2, 2, 3, 2), leaf(g, 2)).orThrow();
    }

    @Test
    void gradcheckConvTranspose1d() {
        Generator g = new Generator(25);
        GradCheck.check(in -> in[0].convTranspose1d(in[1], in[2], new int[] {2}, new int[] {1}, new int[] {1}, 2,
                new int[] {2}), leaf(g, 2, 4, 4), leaf(g, 4, 1, 3), leaf(g, 2)).orThrow();
    }

    @Test
    void gradcheckConvTranspose2dOnPermutedInput() {
        Generator g = new Generator(26);
        Tensor x = Tensor.randn(DType.FLOAT64, Device.CPU, g, 1, 3, 4, 2).permute(0, 3, 2, 1).requiresGrad_(true);
        GradCheck.check(in -> in[0].convTranspose2d(in[1], in[2], 2, 1, 1), x, leaf(g, 2, 3, 3, 3), leaf(g, 3))
                .orThrow();
    }

    @Test
    void gradcheckConvTranspose3d() {
        Generator g = new Generator(27);
        GradCheck.check(in -> in[0].convTranspose3d(in[1], in[2], new int[] {1, 2, 1}, new int[] {0, 1, 0},
                new int[] {0, 1, 0}, 1, new int[] {1}), leaf(g, 1, 2, 2, 3, 2), leaf(g, 2, 2, 2, 3, 2), leaf(g, 2))
                .orThrow();
    }

    @Test
    void secondOrderConv2d() {
        Generator g = new Generator(31);
        GradCheck.checkSecondOrder(in -> in[0].conv2d(in[1], in[2], new int[] {2}, new int[] {1}, new int[] {1}, 1)
                .tanh(), leaf(g, 1, 2, 5, 4), leaf(g, 3, 2, 3, 3), leaf(g, 3)).orThrow();
    }

    @Test
    void secondOrderConvTranspose2dAndConv1d() {
        Generator g = new Generator(32);
        GradCheck.checkSecondOrder(in -> in[0].convTranspose2d(in[1], in[2], 2, 1, 1).sigmoid(),
                leaf(g, 1, 2, 3, 3), leaf(g, 2, 2, 3, 3), leaf(g, 2)).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].conv1d(in[1], null, new int[] {1}, new int[] {1}, new int[] {2}, 2)
                .square(), leaf(g, 2, 4, 6), leaf(g, 2, 2, 3)).orThrow();
    }

    @Test
    void gradientPenaltyStyleDoubleBackward() {
        // WGAN-GP: penalty on |d critic / d x|, then backward into the critic's weights
        Generator g = new Generator(33);
        Tensor w = leaf(g, 4, 2, 3, 3);
        Tensor x = leaf(g, 2, 2, 6, 6);
        Tensor critic = x.conv2d(w, null, 2, 1).tanh().sum();
        Tensor gx = org.vesalius.autograd.Autograd.grad(new Tensor[] {critic}, new Tensor[] {x}, null, true, true,
                false)[0];
        Tensor penalty = gx.square().sum(new int[] {1, 2, 3}, false).sqrt().sub(1).square().mean();
        penalty.backward();
        assertArrayEquals(w.shape(), w.grad().shape());
        assertTrue(w.grad().abs().sum().item() > 0);
    }

    // ------------------------------------------------------------------ caching

    @Test
    void trainingStepsReusePrimitives() {
        Generator g = new Generator(41);
        Tensor x = Tensor.randn(g, 4, 3, 10, 10);
        Tensor w = Tensor.randn(g, 6, 3, 3, 3).requiresGrad_(true);
        Tensor b = Tensor.randn(g, 6).requiresGrad_(true);
        Runnable step = () -> {
            try (Scope s = Scope.open()) {
                x.conv2d(w, b, 1, 1).relu().sum().backward();
                w.zeroGrad();
                b.zeroGrad();
            }
        };
        step.run();
        int size = PrimitiveCache.shared().size();
        long misses = PrimitiveCache.shared().misses();
        for (int i = 0; i < 10; i++) {
            step.run();
        }
        assertEquals(size, PrimitiveCache.shared().size());
        assertEquals(misses, PrimitiveCache.shared().misses());
    }

    // ------------------------------------------------------------------ errors

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void errorMessagesNameTheOpShapesAndFix() {
        Tensor x = Tensor.zeros(64, 3, 28, 28);
        assertEquals("conv2d: input of shape [64, 3, 28, 28] has 3 channels but weight of shape [20, 1, 5, 5] expects 1 (groups=1)",
                error(() -> x.conv2d(Tensor.zeros(20, 1, 5, 5))));
        assertEquals("conv2d: expected a 3-d (unbatched) or 4-d (batched) input [N, C, H, W], got shape [28, 28]",
                error(() -> Tensor.zeros(28, 28).conv2d(Tensor.zeros(20, 1, 5, 5))));
        assertEquals("conv2d: weight must be 4-d [out_channels, in_channels / groups, kH, kW], got shape [20, 3, 5]",
                error(() -> x.conv2d(Tensor.zeros(20, 3, 5))));
        assertEquals("conv2d: bias must be 1-d with 20 elements (one per output channel), got shape [10]",
                error(() -> x.conv2d(Tensor.zeros(20, 3, 5, 5), Tensor.zeros(10))));
        assertTrue(error(() -> x.conv2d(Tensor.zeros(DType.FLOAT64, 20, 3, 5, 5)))
                .startsWith("conv2d: input (float32), weight (float64) must have the same dtype"));
        assertTrue(error(() -> Tensor.zeros(DType.INT64, 1, 1, 4, 4).conv2d(Tensor.zeros(DType.INT64, 1, 1, 3, 3)))
                .startsWith("conv2d: expects floating point tensors, got input of dtype int64"));
        assertTrue(error(() -> x.conv2d(Tensor.zeros(20, 1, 5, 5), null, new int[] {1}, new int[] {0}, new int[] {1}, 3))
                .contains("not divisible by groups=3"));
        assertTrue(error(() -> x.conv2d(Tensor.zeros(20, 3, 5, 5), null, new int[] {2}, "same", new int[] {1}, 1))
                .startsWith("conv2d: padding=\"same\" needs stride 1"));
        assertTrue(error(() -> x.conv2d(Tensor.zeros(20, 3, 5, 5), null, "full")).contains("\"same\", \"valid\""));
        assertTrue(error(() -> Tensor.zeros(1, 3, 4, 4).conv2d(Tensor.zeros(2, 3, 5, 5)))
                .startsWith("conv2d: kernel [5, 5] (dilation [1, 1]) is larger than the padded input"));
        assertEquals("conv2d: stride needs 1 or 2 values, got [1, 1, 1]",
                error(() -> x.conv2d(Tensor.zeros(20, 3, 5, 5), null, new int[] {1, 1, 1}, new int[] {0}, new int[] {1}, 1)));
        assertEquals("conv2d: dilation must be >= 1, got [0]",
                error(() -> x.conv2d(Tensor.zeros(20, 3, 5, 5), null, new int[] {1}, new int[] {0}, new int[] {0}, 1)));
        assertTrue(error(() -> Tensor.zeros(1, 4, 5).convTranspose1d(Tensor.zeros(3, 2, 3)))
                .startsWith("convTranspose1d: input of shape [1, 4, 5] has 4 channels but weight of shape [3, 2, 3] expects 3"));
        assertTrue(error(() -> Tensor.zeros(1, 3, 5).convTranspose1d(Tensor.zeros(3, 2, 3), null, 2, 0, 2))
                .startsWith("convTranspose1d: outputPadding [2] must be smaller than either stride [2] or dilation [1]"));
        assertTrue(error(() -> Tensor.zeros(1, 2, 4, 4, 4).conv3d(Tensor.zeros(1, 2, 3, 3)))
                .startsWith("conv3d: weight must be 5-d"));
    }

    @Test
    void emptyBatchAndEmptyChannels() {
        Generator g = new Generator(52);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.randn(dt, Device.CPU, g, 0, 3, 5, 5).requiresGrad_(true);
            Tensor w = Tensor.randn(dt, Device.CPU, g, 4, 3, 3, 3).requiresGrad_(true);
            Tensor y = x.conv2d(w, null, 1, 1);
            assertArrayEquals(new int[] {0, 4, 5, 5}, y.shape());
            y.sum().backward();
            assertEquals(0, w.grad().abs().sum().item());
            // no input channels: the output is the bias
            Tensor b = Tensor.randn(dt, Device.CPU, g, 4);
            Tensor y2 = Tensor.zeros(dt, 2, 0, 5, 5).conv2d(Tensor.zeros(dt, 4, 0, 3, 3), b);
            assertTrue(y2.allclose(b.reshape(1, 4, 1, 1).expand(2, 4, 3, 3), 0, 0));
        }
    }

    @Test
    void noGradForwardRecordsNothing() {
        Generator g = new Generator(51);
        Tensor w = Tensor.randn(g, 2, 1, 3, 3).requiresGrad_(true);
        try (NoGrad ng = NoGrad.open()) {
            Tensor y = Tensor.randn(g, 1, 1, 5, 5).conv2d(w);
            assertFalse(y.requiresGrad());
        }
    }
}
