package org.vesalius.cnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.vesalius.io.Safetensors;
import org.vesalius.nn.F;
import org.vesalius.nn.Module;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The architectures against networks written in PyTorch ({@code tools/golden/generate_cnn_models.py}):
 * each PyTorch state dict, saved as safetensors, loads strictly into the Vesalius model (so every key
 * and shape matches) and gives the same outputs in training and eval mode, the same loss, and the same
 * gradients for the input and for parameters across the network, in float32.
 */
class ModelParityTest {
    /** Relative to the largest expected magnitude: float32 through a dozen layers and batch statistics. */
    private static final double RTOL = 2e-4;

    static Path resource(String name) {
        URL url = ModelParityTest.class.getClassLoader().getResource("golden/models/" + name);
        if (url == null) {
            throw new IllegalStateException("no golden/models/" + name + " on the test class path; run "
                    + "tools/golden/generate_cnn_models.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails unless shapes match and every element is within RTOL of the largest expected magnitude. */
    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        float[] want = expected.toFloatArray();
        float[] got = actual.toFloatArray();
        double scale = 0;
        for (float w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= RTOL * scale)) {
                throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %.9g, PyTorch gives %.9g (tolerance "
                        + "%.2g = %.0e of the largest magnitude %.4g)", what, i, got[i], want[i], RTOL * scale, RTOL, scale));
            }
        }
    }

    /**
     * Loads {@code <name>.safetensors} into the model, runs the training forward, the loss and backward,
     * then the eval forward, comparing each with {@code <name>_io.safetensors}.
     */
    private static void check(String name, Module model, BinaryOperator<Tensor> loss) throws IOException {
        Safetensors.loadStateDict(model, resource(name + ".safetensors"), true);
        Map<String, Tensor> io = Safetensors.load(resource(name + "_io.safetensors"));
        model.train();
        Tensor x = io.get("input").requiresGrad_(true);
        Tensor out = model.forward(x);
        assertClose(name + " train/output", io.get("train/output"), out);
        check(name, model, io, x, loss.apply(out, io.get("target")));
    }

    /** Compares the loss, backpropagates, compares the gradients, then the eval-mode output. */
    private static void check(String name, Module model, Map<String, Tensor> io, Tensor x, Tensor l) {
        assertClose(name + " loss", io.get("train/loss"), l.reshape(1));
        l.backward();
        assertClose(name + " grad/input", io.get("grad/input"), x.grad());
        Map<String, Tensor> params = model.namedParameters();
        int checked = 0;
        for (String k : io.keySet()) {
            if (k.startsWith("grad/") && !k.equals("grad/input")) {
                Tensor p = params.get(k.substring(5));
                assertClose(name + " " + k, io.get(k), p.grad());
                checked++;
            }
        }
        assertTrue(checked >= 5, name + ": parameter gradients checked");
        model.eval();
        assertClose(name + " eval/output", io.get("eval/output"), model.forward(io.get("input").detach()));
    }

    private static Tensor crossEntropy(Tensor logits, Tensor target) {
        return F.crossEntropy(logits, target.to(DType.INT64));
    }

    @Test
    void w3UNetFromPyTorch() throws IOException {
        try (Scope s = Scope.open(); UNet net = new UNet(2, 1, 1, new int[] {4, 8, 16, 32}, Norm.BATCH, false, false,
                new Generator(1))) {
            check("unet_w3", net, F::binaryCrossEntropyWithLogits);
        }
    }

    @Test
    void residualGroupNormDeepSupervision3dUNetFromPyTorch() throws IOException {
        try (Scope s = Scope.open(); UNet net = new UNet(3, 2, 3, new int[] {4, 8, 16}, Norm.group(2), true, true,
                new Generator(1))) {
            Safetensors.loadStateDict(net, resource("unet3d_res.safetensors"), true);
            Map<String, Tensor> io = Safetensors.load(resource("unet3d_res_io.safetensors"));
            net.train();
            Tensor x = io.get("input").requiresGrad_(true);
            List<Tensor> outs = net.forwardWithDeepSupervision(x);
            assertEquals(2, outs.size(), "main output and one auxiliary head");
            assertClose("unet3d_res train/output", io.get("train/output"), outs.get(0));
            assertClose("unet3d_res train/output.1", io.get("train/output.1"), outs.get(1));
            Tensor l = UNet.deepSupervisionLoss(outs, io.get("target"), (o, t) -> crossEntropy(o, t.squeeze(1)));
            check("unet3d_res", net, io, x, l);
        }
    }

    @Test
    void resNet18FromPyTorch() throws IOException {
        try (Scope s = Scope.open(); ResNet net = new ResNet(2, ResNet.Block.BASIC, new int[] {2, 2, 2, 2}, 3, 5, 4,
                new Generator(1))) {
            check("resnet18", net, ModelParityTest::crossEntropy);
        }
    }

    @Test
    void denseNetFromPyTorch() throws IOException {
        try (Scope s = Scope.open(); DenseNet net = new DenseNet(2, 4, new int[] {2, 3}, 8, 2, 1, 3, new Generator(1))) {
            check("densenet", net, ModelParityTest::crossEntropy);
        }
    }
}
