package org.vesalius.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.nn.Module;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * Every case of {@code golden/cnn_layers.json}: the layer built from the same arguments as the PyTorch
 * module, loaded with its state dict (same keys), gives PyTorch's output and, for
 * {@code loss = sum(output * gradWeight)}, the same input and parameter gradients and running statistics.
 * Everything runs in float64, so the tolerances only absorb summation order.
 */
class LayerParityTest {
    private static final double RTOL = 1e-10;
    private static final double ATOL = 1e-11;

    @TestFactory
    Stream<DynamicTest> layersMatchPyTorch() {
        JsonObject root = Golden.json("cnn_layers.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            tests.add(DynamicTest.dynamicTest(c.get("id").getAsString(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonObject c) {
        String id = c.get("id").getAsString();
        try (Scope s = Scope.open(); Module m = build(c.get("module").getAsString(), c.getAsJsonObject("ctor"))) {
            m.to(DType.FLOAT64);
            List<String> keys = new ArrayList<>();
            c.getAsJsonArray("stateKeys").forEach(k -> keys.add(k.getAsString()));
            assertEquals(keys, new ArrayList<>(m.stateDict().keySet()), id + ": state-dict keys");
            m.loadStateDict(Golden.tensors(c.getAsJsonObject("state")));
            m.train(c.get("mode").getAsString().equals("train"));

            Tensor x = Golden.tensor(c.getAsJsonObject("input")).requiresGrad_(true);
            JsonObject fwd = c.getAsJsonObject("forward");
            Tensor y;
            if (fwd.has("indices")) {
                ValuesIndices vi = m instanceof MaxPoolNd ? ((MaxPoolNd) m).forwardWithIndices(x)
                        : ((AdaptiveMaxPoolNd) m).forwardWithIndices(x);
                y = vi.values();
                JsonObject want = c.getAsJsonObject("indices");
                Golden.assertClose(id + ": indices", want, vi.indices(), 0, 0);
                assertEquals(DType.INT64, vi.indices().dtype(), id + ": indices dtype");
            } else if (fwd.has("outputSize")) {
                y = ((ConvTranspose2d) m).forward(x, Golden.ints(fwd.getAsJsonArray("outputSize")));
            } else {
                y = m.forward(x);
            }
            Golden.assertClose(id + ": output", c.getAsJsonObject("output"), y, RTOL, ATOL);

            y.mul(Golden.tensor(c.getAsJsonObject("gradWeight"))).sum().backward();
            Golden.assertClose(id + ": input gradient", c.getAsJsonObject("inputGrad"), x.grad(), RTOL, ATOL);
            Map<String, Tensor> params = m.namedParameters();
            JsonObject grads = c.getAsJsonObject("paramGrads");
            assertEquals(grads.keySet(), params.keySet(), id + ": parameters");
            for (String k : grads.keySet()) {
                Golden.assertClose(id + ": gradient of " + k, grads.getAsJsonObject(k), params.get(k).grad(), RTOL, ATOL);
            }
            if (c.has("buffersAfter")) {
                Map<String, Tensor> buffers = m.namedBuffers();
                JsonObject after = c.getAsJsonObject("buffersAfter");
                for (String k : after.keySet()) {
                    Golden.assertClose(id + ": buffer " + k + " after the forward", after.getAsJsonObject(k), buffers.get(k),
                            RTOL, ATOL);
                }
            }
        }
    }

    /** The Java layer for a case: PyTorch's arguments by their Java names, through the fullest constructor. */
    static Module build(String module, JsonObject k) {
        Generator g = new Generator(7);
        String kind = module.replaceAll("[123]d$", "");
        int sd = module.endsWith("d") && Character.isDigit(module.charAt(module.length() - 2))
                ? module.charAt(module.length() - 2) - '0' : 0;
        switch (kind) {
            case "Conv": {
                int in = k.get("inChannels").getAsInt();
                int out = k.get("outChannels").getAsInt();
                int[] ks = arr(k.get("kernelSize"));
                int[] st = arr(k.get("stride"));
                int[] dil = arr(k.get("dilation"));
                int groups = k.get("groups").getAsInt();
                boolean bias = k.get("bias").getAsBoolean();
                String mode = k.get("paddingMode").getAsString();
                JsonElement p = k.get("padding");
                if (p.isJsonPrimitive() && p.getAsJsonPrimitive().isString()) {
                    String ps = p.getAsString();
                    switch (sd) {
                        case 1: return new Conv1d(in, out, ks, st, ps, dil, groups, bias, mode, g);
                        case 2: return new Conv2d(in, out, ks, st, ps, dil, groups, bias, mode, g);
                        default: return new Conv3d(in, out, ks, st, ps, dil, groups, bias, mode, g);
                    }
                }
                int[] pad = arr(p);
                switch (sd) {
                    case 1: return new Conv1d(in, out, ks, st, pad, dil, groups, bias, mode, g);
                    case 2: return new Conv2d(in, out, ks, st, pad, dil, groups, bias, mode, g);
                    default: return new Conv3d(in, out, ks, st, pad, dil, groups, bias, mode, g);
                }
            }
            case "ConvTranspose": {
                int in = k.get("inChannels").getAsInt();
                int out = k.get("outChannels").getAsInt();
                int[] ks = arr(k.get("kernelSize"));
                int[] st = arr(k.get("stride"));
                int[] pad = arr(k.get("padding"));
                int[] op = arr(k.get("outputPadding"));
                int groups = k.get("groups").getAsInt();
                boolean bias = k.get("bias").getAsBoolean();
                int[] dil = arr(k.get("dilation"));
                switch (sd) {
                    case 1: return new ConvTranspose1d(in, out, ks, st, pad, op, groups, bias, dil, g);
                    case 2: return new ConvTranspose2d(in, out, ks, st, pad, op, groups, bias, dil, g);
                    default: return new ConvTranspose3d(in, out, ks, st, pad, op, groups, bias, dil, g);
                }
            }
            case "MaxPool": {
                int[] ks = arr(k.get("kernelSize"));
                int[] st = k.get("stride").isJsonNull() ? null : arr(k.get("stride"));
                int[] pad = arr(k.get("padding"));
                int[] dil = arr(k.get("dilation"));
                boolean ceil = k.get("ceilMode").getAsBoolean();
                switch (sd) {
                    case 1: return new MaxPool1d(ks[0], st == null ? ks[0] : st[0], pad[0], dil[0], ceil);
                    case 2: return new MaxPool2d(ks, st, pad, dil, ceil);
                    default: return new MaxPool3d(ks, st, pad, dil, ceil);
                }
            }
            case "AvgPool": {
                int[] ks = arr(k.get("kernelSize"));
                int[] st = k.get("stride").isJsonNull() ? null : arr(k.get("stride"));
                int[] pad = arr(k.get("padding"));
                boolean ceil = k.get("ceilMode").getAsBoolean();
                boolean include = k.get("countIncludePad").getAsBoolean();
                int div = k.get("divisorOverride").getAsInt();
                switch (sd) {
                    case 1: return new AvgPool1d(ks[0], st == null ? ks[0] : st[0], pad[0], ceil, include);
                    case 2: return new AvgPool2d(ks, st, pad, ceil, include, div);
                    default: return new AvgPool3d(ks, st, pad, ceil, include, div);
                }
            }
            case "AdaptiveAvgPool": {
                int[] out = arr(k.get("outputSize"));
                return sd == 1 ? new AdaptiveAvgPool1d(out[0]) : sd == 2 ? new AdaptiveAvgPool2d(out) : new AdaptiveAvgPool3d(out);
            }
            case "AdaptiveMaxPool": {
                int[] out = arr(k.get("outputSize"));
                return sd == 1 ? new AdaptiveMaxPool1d(out[0]) : sd == 2 ? new AdaptiveMaxPool2d(out) : new AdaptiveMaxPool3d(out);
            }
            case "Upsample": {
                String mode = k.get("mode").getAsString();
                boolean align = k.get("alignCorners").getAsBoolean();
                if (k.has("size")) {
                    return new Upsample(arr(k.get("size")), mode, align);
                }
                JsonArray a = k.getAsJsonArray("scaleFactor");
                double[] sf = new double[a.size()];
                for (int i = 0; i < sf.length; i++) {
                    sf[i] = a.get(i).getAsDouble();
                }
                return new Upsample(sf, mode, align);
            }
            case "InstanceNorm": {
                int c = k.get("numFeatures").getAsInt();
                double eps = k.get("eps").getAsDouble();
                double momentum = k.get("momentum").getAsDouble();
                boolean affine = k.get("affine").getAsBoolean();
                boolean track = k.get("trackRunningStats").getAsBoolean();
                switch (sd) {
                    case 1: return new InstanceNorm1d(c, eps, momentum, affine, track);
                    case 2: return new InstanceNorm2d(c, eps, momentum, affine, track);
                    default: return new InstanceNorm3d(c, eps, momentum, affine, track);
                }
            }
            default:
                throw new IllegalArgumentException("no Java layer for fixture module " + module);
        }
    }

    /** A JSON number or list of numbers as an int array. */
    private static int[] arr(JsonElement e) {
        return e.isJsonArray() ? Golden.ints(e.getAsJsonArray()) : new int[] {e.getAsInt()};
    }
}
