package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.vesalius.tensor.NnTesting.assertError;
import static org.vesalius.tensor.NnTesting.assertErrorContains;
import static org.vesalius.tensor.NnTesting.assertShape;
import static org.vesalius.tensor.NnTesting.assertValues;
import static org.vesalius.tensor.NnTesting.gradCheck;
import static org.vesalius.tensor.NnTesting.gradGradCheck;
import static org.vesalius.tensor.NnTesting.leaf;
import static org.vesalius.tensor.NnTesting.seq;
import static org.vesalius.tensor.NnTesting.strided;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;

/**
 * Max, average and adaptive pooling: values and indices against PyTorch 1.13, gradients against
 * finite differences, and the errors.
 *
 * <p>Expected values come from this snippet (x = the {@link NnTesting#seq} tensor):
 * <pre>
 * import torch, torch.nn.functional as F
 * def seq(n): return torch.tensor([((i * 37) % 1009) / 100.0 - 5.0 for i in range(n)], dtype=torch.float32)
 * x = seq(70).reshape(2, 1, 5, 7); x1 = seq(22).reshape(1, 2, 11); x3 = seq(120).reshape(1, 2, 3, 4, 5)
 * F.max_pool2d(x, 3, 2, 1, 1, ceil_mode=True, return_indices=True)
 * F.max_pool1d(x1, 3, 2, 1, 2, return_indices=True)
 * F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)   # and count_include_pad=True
 * F.avg_pool2d(x, 2, 2, 0, ceil_mode=True, divisor_override=3)
 * F.max_pool3d(x3, 2, (1, 2, 2), (1, 1, 0), return_indices=True)
 * F.avg_pool3d(x3, (2, 3, 2), (1, 2, 2), (1, 1, 1), count_include_pad=False)
 * F.adaptive_avg_pool2d(x, (3, 4)); F.adaptive_max_pool2d(x, (2, 3), return_indices=True)
 * F.adaptive_avg_pool1d(x1, 4); F.adaptive_avg_pool3d(x3, (2, 3, 2))
 * </pre>
 */
class PoolingTest {
    private static final float[] MAX2D = {-2.0399999618530273f, -1.2999999523162842f, -0.5600000023841858f, -0.1899999976158142f, 3.140000104904175f, 3.880000114440918f, 4.619999885559082f, 4.989999771118164f, 3.140000104904175f, 3.880000114440918f, 4.619999885559082f, 4.989999771118164f, 0.8199999928474426f, 1.559999942779541f, 2.299999952316284f, 2.6700000762939453f, 3.4100000858306885f, 4.150000095367432f, 4.889999866485596f, 4.889999866485596f, -1.5f, -0.7599999904632568f, -0.019999999552965164f, 0.3499999940395355f};
    private static final long[] MAX2D_IDX = {8, 10, 12, 13, 22, 24, 26, 27, 22, 24, 26, 27, 8, 10, 12, 13, 15, 17, 19, 19, 29, 31, 33, 34};
    private static final float[] MAX1D = {-3.890000104904175f, -3.1500000953674316f, -2.4100000858306885f, -1.6699999570846558f, -1.6699999570846558f, 0.18000000715255737f, 0.9200000166893005f, 1.659999966621399f, 2.4000000953674316f, 2.4000000953674316f};
    private static final long[] MAX1D_IDX = {3, 5, 7, 9, 9, 3, 5, 7, 9, 9};
    private static final float[] AVG2D_EXCL = {-3.5199999809265137f, -2.9649999141693115f, -2.2250001430511475f, -1.6700000762939453f, 0.36500000953674316f, 0.9200000762939453f, 1.659999966621399f, 2.2149999141693115f, -0.7950000762939453f, -0.2399998903274536f, 0.5f, 1.054999828338623f, -0.6600000262260437f, -0.10499998182058334f, 0.6349999904632568f, 1.190000057220459f, -0.13833332061767578f, 0.4166666269302368f, 1.1566667556762695f, 0.030000129714608192f, -2.9800000190734863f, -2.424999952316284f, -1.6850000619888306f, -1.1299999952316284f};
    private static final float[] AVG2D_INCL = {-1.5644444227218628f, -1.9766665697097778f, -1.4833333492279053f, -0.742222249507904f, 0.2433333396911621f, 0.9200000762939453f, 1.659999966621399f, 1.4766666889190674f, -0.35333335399627686f, -0.15999992191791534f, 0.3333333432674408f, 0.4688888192176819f, -0.29333335161209106f, -0.06999998539686203f, 0.4233333170413971f, 0.5288889408111572f, -0.09222221374511719f, 0.4166666269302368f, 1.1566667556762695f, 0.020000087097287178f, -1.3244444131851196f, -1.6166666746139526f, -1.12333345413208f, -0.5022222399711609f};
    private static final float[] AVG2D_DIV3 = {-4.693333148956299f, -3.706666946411133f, -2.7200000286102295f, -0.9900000095367432f, 2.2133333683013916f, 3.200000047683716f, 4.186666488647461f, 2.4633333683013916f, -3.0299999713897705f, -2.5366666316986084f, -2.0433332920074463f, -0.8366666436195374f, -0.8800000548362732f, 0.10666672140359879f, 1.0933332443237305f, 0.9166666865348816f, -0.7000001072883606f, 0.28666672110557556f, 1.2733333110809326f, -2.3566665649414062f, -1.1233333349227905f, -0.6299999952316284f, -0.1366666704416275f, 0.11666666716337204f};
    private static final float[] MAX3D = {-4.630000114440918f, -3.890000104904175f, -0.9300000071525574f, -0.1899999976158142f, 0.9200000166893005f, 1.659999966621399f, 2.7699999809265137f, 3.509999990463257f, 4.619999885559082f, 4.989999771118164f, 0.9200000166893005f, 1.659999966621399f, 2.7699999809265137f, 3.509999990463257f, 4.619999885559082f, 4.989999771118164f, -1.7699999809265137f, -1.0299999713897705f, 0.07999999821186066f, 0.8199999928474426f, 3.7799999713897705f, 4.519999980926514f, -4.460000038146973f, -3.7200000286102295f, -2.609999895095825f, -1.8700000047683716f, 1.090000033378601f, 1.8300000429153442f, 2.940000057220459f, 3.680000066757202f, 4.789999961853027f, -1.8700000047683716f, 1.090000033378601f, 1.8300000429153442f, 2.940000057220459f, 3.680000066757202f, 4.789999961853027f, 2.8399999141693115f, 3.950000047683716f, 4.690000057220459f, 0.25f, 0.9900000095367432f, 2.0999999046325684f, 2.8399999141693115f, 3.950000047683716f, 4.690000057220459f, -2.440000057220459f, -1.7000000476837158f};
    private static final long[] MAX3D_IDX = {1, 3, 11, 13, 16, 18, 21, 23, 26, 27, 16, 18, 21, 23, 26, 27, 36, 38, 41, 43, 51, 53, 56, 58, 1, 3, 11, 13, 16, 18, 21, 3, 11, 13, 16, 18, 21, 43, 46, 48, 36, 38, 41, 43, 46, 48, 56, 58};
    private static final float[] AVG3D = {-4.074999809265137f, -3.5199999809265137f, -2.7799999713897705f, -1.2999999523162842f, -0.7449999451637268f, -0.004999995231628418f, -0.37499988079071045f, 0.18000006675720215f, -1.6024999618530273f, -0.9633333086967468f, -0.40833333134651184f, -1.350000023841858f, 1.9800000190734863f, 2.5349998474121094f, 0.752500057220459f, -0.28999999165534973f, 0.26499995589256287f, -0.6766667366027832f, 0.6349999904632568f, 1.190000057220459f, 1.9300000667572021f, 0.04666678234934807f, 0.6016666293144226f, 1.341666579246521f, -2.055000066757202f, -1.4999998807907104f, -0.7599999904632568f, 0.7199999690055847f, 1.274999976158142f, 2.015000104904175f, -0.8774999976158142f, -1.5837498903274536f, -2.1050000190734863f, -0.625f, -0.07000001519918442f, 0.669999897480011f, 1.4774999618530273f, 0.7712500095367432f, 0.25f, -1.6333332061767578f, -1.0783333778381348f, -0.338333398103714f, 2.6549999713897705f, 3.2100000381469727f, 3.9499998092651367f, -1.2966666221618652f, -0.7416666150093079f, -0.001666724681854248f};
    private static final float[] AAVG2D = {-3.5199999809265137f, -2.9649999141693115f, -2.2250001430511475f, -1.6700000762939453f, 0.36500000953674316f, 0.9200000762939453f, 1.659999966621399f, 2.2149999141693115f, -0.7950000762939453f, -0.2399998903274536f, 0.5f, 1.054999828338623f, -0.6600000262260437f, -0.10499998182058334f, 0.6349999904632568f, 1.190000057220459f, -0.13833332061767578f, 0.4166666269302368f, 1.1566667556762695f, 0.030000129714608192f, -2.9800000190734863f, -2.424999952316284f, -1.6850000619888306f, -1.1299999952316284f};
    private static final float[] AMAX2D = {0.9200000166893005f, 1.659999966621399f, 2.4000000953674316f, 3.509999990463257f, 4.25f, 4.989999771118164f, 3.7799999713897705f, 4.519999980926514f, 4.889999866485596f, 3.7799999713897705f, 4.519999980926514f, 4.889999866485596f};
    private static final long[] AMAX2D_IDX = {16, 18, 20, 23, 25, 27, 16, 18, 19, 16, 18, 19};
    private static final float[] AAVG1D = {-4.630000114440918f, -3.7049999237060547f, -2.5950000286102295f, -1.6700000762939453f, -0.5600000023841858f, 0.36500000953674316f, 1.4749999046325684f, 2.4000000953674316f};
    private static final float[] AAVG3D = {-0.005000114440917969f, -0.9466665387153625f, -0.6775000691413879f, -1.6191668510437012f, -1.3499999046325684f, -0.6100000739097595f, 2.3499999046325684f, 1.408333420753479f, 1.6774998903274536f, 0.7358333468437195f, -1.5174999237060547f, -0.7774999737739563f, -1.3483333587646484f, -2.2899999618530273f, -1.1799999475479126f, -0.4399999678134918f, 0.6700000166893005f, 1.409999966621399f, 1.006666660308838f, 0.06499990075826645f, -1.347500205039978f, -0.6075000166893005f, -2.0199999809265137f, -1.2799999713897705f};

    private static int[] a(int... v) {
        return v;
    }

    // ------------------------------------------------------------------ values against PyTorch

    @Test
    void maxPoolMatchesPyTorch() {
        Tensor x = seq(2, 1, 5, 7);
        ValuesIndices r = x.maxPool2dWithIndices(a(3), a(2), a(1), a(1), true);
        assertShape(r.values(), 2, 1, 3, 4);
        assertValues(MAX2D, r.values(), 0);
        assertArrayEquals(MAX2D_IDX, r.indices().toLongArray());
        assertValues(MAX2D, x.maxPool2d(3, 2, 1, 1, true), 0);

        ValuesIndices r1 = seq(1, 2, 11).maxPool1dWithIndices(3, 2, 1, 2, false);
        assertShape(r1.values(), 1, 2, 5);
        assertValues(MAX1D, r1.values(), 0);
        assertArrayEquals(MAX1D_IDX, r1.indices().toLongArray());

        ValuesIndices r3 = seq(1, 2, 3, 4, 5).maxPool3dWithIndices(a(2), a(1, 2, 2), a(1, 1, 0), a(1), false);
        assertShape(r3.values(), 1, 2, 4, 3, 2);
        assertValues(MAX3D, r3.values(), 0);
        assertArrayEquals(MAX3D_IDX, r3.indices().toLongArray());
    }

    @Test
    void avgPoolMatchesPyTorch() {
        Tensor x = seq(2, 1, 5, 7);
        assertValues(AVG2D_EXCL, x.avgPool2d(a(3), a(2), a(1), true, false, 0), 1e-6);
        assertValues(AVG2D_INCL, x.avgPool2d(a(3), a(2), a(1), true, true, 0), 1e-6);
        assertValues(AVG2D_DIV3, x.avgPool2d(a(2), a(2), a(0), true, true, 3), 1e-6);
        Tensor y3 = seq(1, 2, 3, 4, 5).avgPool3d(a(2, 3, 2), a(1, 2, 2), a(1, 1, 1), false, false, 0);
        assertShape(y3, 1, 2, 4, 2, 3);
        assertValues(AVG3D, y3, 1e-6);
    }

    @Test
    void adaptivePoolingMatchesPyTorch() {
        Tensor x = seq(2, 1, 5, 7);
        Tensor y = x.adaptiveAvgPool2d(3, 4);
        assertShape(y, 2, 1, 3, 4);
        assertValues(AAVG2D, y, 1e-6);
        ValuesIndices m = x.adaptiveMaxPool2dWithIndices(2, 3);
        assertValues(AMAX2D, m.values(), 0);
        assertArrayEquals(AMAX2D_IDX, m.indices().toLongArray());
        assertValues(AAVG1D, seq(1, 2, 11).adaptiveAvgPool1d(4), 1e-6);
        assertValues(AAVG3D, seq(1, 2, 3, 4, 5).adaptiveAvgPool3d(2, 3, 2), 1e-6);
        // global pooling, the classifier-head case
        assertShape(x.adaptiveAvgPool2d(1), 2, 1, 1, 1);
        assertEquals(x.select(0, 1).mean().item(), x.adaptiveAvgPool2d(1).reshape(2).toDoubleArray()[1], 1e-6);
    }

    @Test
    void float64AndUnbatchedInputsGiveTheSameNumbers() {
        Tensor x = seq(2, 1, 5, 7);
        Tensor xd = x.to(DType.FLOAT64);
        assertValues(MAX2D, xd.maxPool2d(3, 2, 1, 1, true), 0);
        assertValues(AVG2D_EXCL, xd.avgPool2d(a(3), a(2), a(1), true, false, 0), 1e-6);
        Tensor single = x.select(0, 0);
        ValuesIndices u = single.maxPool2dWithIndices(a(3), a(2), a(1), a(1), true);
        assertShape(u.values(), 1, 3, 4);
        assertArrayEquals(java.util.Arrays.copyOf(MAX2D_IDX, 12), u.indices().toLongArray());
        assertShape(single.adaptiveAvgPool2d(3, 4), 1, 3, 4);
    }

    @Test
    void stridedInputPoolsLikeItsContiguousCopy() {
        Tensor x = seq(2, 3, 6, 5).permute(0, 1, 3, 2);
        Tensor c = x.contiguous();
        assertArrayEquals(c.maxPool2d(2).toFloatArray(), x.maxPool2d(2).toFloatArray());
        assertArrayEquals(c.avgPool2d(3, 1).toFloatArray(), x.avgPool2d(3, 1).toFloatArray());
    }

    @Test
    void viewsWithAnOffsetReadTheirOwnElements() {
        Tensor x = seq(3, 2, 5, 7).narrow(0, 1, 2);
        assertEquals(true, x.isContiguous());
        Tensor c = x.clone();
        assertArrayEquals(c.maxPool2d(3, 2, 1, 1, true).toFloatArray(), x.maxPool2d(3, 2, 1, 1, true).toFloatArray());
        assertArrayEquals(c.avgPool2d(2).toFloatArray(), x.avgPool2d(2).toFloatArray());
        assertArrayEquals(c.adaptiveAvgPool2d(2, 3).toFloatArray(), x.adaptiveAvgPool2d(2, 3).toFloatArray());
        assertArrayEquals(c.interpolate(new int[] {4, 9}, "bilinear").toFloatArray(),
                x.interpolate(new int[] {4, 9}, "bilinear").toFloatArray());
        assertArrayEquals(c.batchNorm(null, null, null, null, true).toFloatArray(),
                x.batchNorm(null, null, null, null, true).toFloatArray());
        assertArrayEquals(c.groupNorm(2).toFloatArray(), x.groupNorm(2).toFloatArray());
        assertArrayEquals(c.layerNorm(5, 7).toFloatArray(), x.layerNorm(5, 7).toFloatArray());
    }

    @Test
    void indicesAreOnlyKeptWhenNeeded() {
        Tensor x = seq(1, 1, 4, 4);
        assertNull(Pooling.maxPool(x, 2, a(2), null, a(0), a(1), false, false).indices());
        try (NoGrad ng = NoGrad.open()) {
            Tensor y = x.to(DType.FLOAT64).requiresGrad_(true).maxPool2d(2);
            assertFalse(y.requiresGrad());
        }
    }

    @Test
    void nanPropagatesThroughMaxPooling() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, 2}, 1, 1, 4);
        ValuesIndices r = x.maxPool1dWithIndices(2, 2, 0, 1, false);
        assertEquals(Float.NaN, r.values().toFloatArray()[0]);
        assertArrayEquals(new long[] {1, 2}, r.indices().toLongArray());
    }

    // ------------------------------------------------------------------ gradients

    @Test
    void maxPoolGradients() {
        gradCheck(in -> in[0].maxPool1d(3, 2, 1, 2, true), leaf(1, 2, 3, 9));
        gradCheck(in -> in[0].maxPool2d(2), leaf(2, 2, 2, 6, 6));
        gradCheck(in -> in[0].maxPool2d(a(3, 2), a(2, 1), a(1, 0), a(1, 2), true), leaf(3, 1, 2, 7, 6));
        gradCheck(in -> in[0].maxPool2d(3, 2, 1, 1, true), strided(4, 2, 2, 5, 6));
        gradCheck(in -> in[0].maxPool2d(2, 1), leaf(5, 3, 5, 4));
        gradCheck(in -> in[0].maxPool3d(a(2), a(1, 2, 2), a(1, 1, 0), a(1), true), leaf(6, 1, 2, 3, 4, 5));
        gradCheck(in -> in[0].maxPool3d(a(3), a(2), a(1), a(2), false), strided(7, 1, 1, 5, 5, 6));
        // overlapping windows: one input can be the maximum of several outputs
        gradCheck(in -> in[0].maxPool2d(3, 1, 1, 1, false), leaf(8, 1, 1, 4, 4));
    }

    @Test
    void avgPoolGradients() {
        gradCheck(in -> in[0].avgPool1d(3, 2, 1, true, false), leaf(11, 2, 2, 8));
        gradCheck(in -> in[0].avgPool1d(2, 1, 1, false, true, 3), leaf(18, 1, 2, 6));
        gradCheck(in -> in[0].avgPool2d(2), leaf(12, 2, 3, 4, 6));
        gradCheck(in -> in[0].avgPool2d(a(3), a(2), a(1), true, true, 0), strided(13, 2, 2, 5, 7));
        gradCheck(in -> in[0].avgPool2d(a(3, 2), a(2, 1), a(1, 1), true, false, 0), leaf(14, 1, 1, 6, 5));
        gradCheck(in -> in[0].avgPool2d(a(2), a(2), a(0), true, true, 3), leaf(15, 1, 2, 5, 5));
        gradCheck(in -> in[0].avgPool3d(a(2, 3, 2), a(1, 2, 2), a(1, 1, 1), true, false, 0), leaf(16, 1, 2, 3, 4, 5));
        gradCheck(in -> in[0].avgPool3d(2), strided(17, 2, 4, 4, 4));
    }

    @Test
    void adaptivePoolingGradients() {
        gradCheck(in -> in[0].adaptiveAvgPool1d(4), leaf(21, 2, 2, 11));
        gradCheck(in -> in[0].adaptiveAvgPool2d(3, 4), strided(22, 2, 2, 5, 7));
        gradCheck(in -> in[0].adaptiveAvgPool3d(2, 3, 2), leaf(23, 1, 2, 3, 4, 5));
        gradCheck(in -> in[0].adaptiveAvgPool2d(7, 9), leaf(24, 1, 1, 5, 4));
        gradCheck(in -> in[0].adaptiveMaxPool1d(3), leaf(25, 2, 2, 7));
        gradCheck(in -> in[0].adaptiveMaxPool2d(2, 3), strided(26, 2, 1, 5, 7));
        gradCheck(in -> in[0].adaptiveMaxPool3d(2), leaf(27, 1, 2, 3, 5, 4));
    }

    @Test
    void secondOrderGradientsGoThroughTheBackwardOps() {
        gradGradCheck(in -> in[0].maxPool2d(2).square(), leaf(31, 1, 2, 4, 4));
        gradGradCheck(in -> in[0].avgPool2d(a(3), a(2), a(1), true, false, 0).square(), leaf(32, 1, 1, 5, 5));
        gradGradCheck(in -> in[0].adaptiveAvgPool2d(2, 3).square(), leaf(33, 1, 2, 5, 4));
        gradGradCheck(in -> in[0].adaptiveMaxPool1d(2).square(), leaf(34, 2, 1, 5));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void errorsNameTheOpAndTheShapes() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        assertError("maxPool2d: kernel 5 is larger than the padded input 4x4 of shape [1, 1, 4, 4]", () -> x.maxPool2d(5));
        assertError("maxPool2d: kernel 3 (dilated to 5) is larger than the padded input 4x4 of shape [1, 1, 4, 4]",
                () -> x.maxPool2d(3, 1, 0, 2, false));
        assertError("avgPool2d: padding must be between 0 and half the kernel size, got padding [2, 2] for kernel [3, 3]",
                () -> x.avgPool2d(a(3), a(1), a(2), false, true, 0));
        assertError("maxPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape [4, 4]",
                () -> Tensor.zeros(4, 4).maxPool2d(2));
        assertError("maxPool3d: kernel needs 1 or 3 values, got [2, 2]", () -> Tensor.zeros(1, 1, 4, 4, 4)
                .maxPool3d(a(2, 2), null, a(0), a(1), false));
        assertErrorContains(() -> Tensor.zeros(DType.INT64, 1, 1, 4).maxPool1d(2), "maxPool1d", "int64",
                "floating point");
        assertError("adaptiveAvgPool2d: outputSize must be positive, got [0, 2]", () -> x.adaptiveAvgPool2d(0, 2));
        assertError("maxPool2d: kernel, stride and dilation must be positive, got kernel [2, 2], stride [0, 0], "
                + "dilation [1, 1]", () -> x.maxPool2d(2, 0));
    }
}
