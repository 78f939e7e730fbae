package org.vesalius.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.nn.BatchNorm1d;
import org.vesalius.nn.Embedding;
import org.vesalius.nn.Flatten;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Files PyTorch wrote ({@code tools/golden/generate_safetensors.py}): a trained PyTorch model's state
 * dict loads into the same structure built from {@code org.vesalius.nn} and gives PyTorch's outputs;
 * every dtype decodes bit for bit; Vesalius writes both files back byte for byte; and loading into a
 * model of another shape or dtype fails clearly or converts.
 */
class TorchInteropTest {
    @TempDir
    Path dir;

    /** The PyTorch model of the fixture, with linear2 of {@code hidden2} outputs (8 as in PyTorch). */
    private static Sequential model(int hidden2) {
        return new Sequential(
                new Embedding(10, 4),  // [N, 3] -> [N, 3, 4]
                new Flatten(),         // -> [N, 12]
                new Linear(12, hidden2),
                new LayerNorm(8),
                new BatchNorm1d(8),
                new ReLU(),
                new Linear(8, 3));
    }

    private static int[] shape(JsonObject o) {
        JsonArray a = o.getAsJsonArray("shape");
        int[] s = new int[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsInt();
        }
        return s;
    }

    @Test
    void aPyTorchModelGivesPyTorchsOutputs() throws IOException {
        JsonObject fx = IoFixtures.json("torch_model.json");
        try (Scope s = Scope.open(); Sequential m = model(8)) {
            List<String> keys = new ArrayList<>();
            fx.getAsJsonArray("keys").forEach(k -> keys.add(k.getAsString()));
            assertEquals(keys, new ArrayList<>(m.stateDict().keySet()));

            Module.LoadResult r = Safetensors.loadStateDict(m, IoFixtures.resource("torch_model.safetensors"), true);
            assertEquals(List.of(), r.missingKeys());
            assertEquals(List.of(), r.unexpectedKeys());
            assertEquals(3, m.getBuffer("4.num_batches_tracked").item());
            float[] runningMean = m.getBuffer("4.running_mean").toFloatArray();
            JsonArray expectedMean = fx.getAsJsonArray("runningMean");
            for (int i = 0; i < runningMean.length; i++) {
                assertEquals(expectedMean.get(i).getAsFloat(), runningMean[i]);
            }

            m.eval();
            JsonObject in = fx.getAsJsonObject("input");
            long[] idx = new long[in.getAsJsonArray("data").size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = in.getAsJsonArray("data").get(i).getAsLong();
            }
            Tensor y = m.forward(Tensor.of(idx, shape(in)));
            JsonObject out = fx.getAsJsonObject("output");
            assertArrayEquals(shape(out), y.shape());
            float[] got = y.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(out.getAsJsonArray("data").get(i).getAsDouble(), got[i], 1e-5, "output " + i);
            }

            Path back = dir.resolve("back.safetensors");
            Safetensors.saveStateDict(m, Map.of("format", "pt"), back);
            assertArrayEquals(Files.readAllBytes(IoFixtures.resource("torch_model.safetensors")), Files.readAllBytes(back),
                    "Vesalius writes the state dict back byte for byte as the PyTorch-side writer did");
        }
    }

    @Test
    void everyDtypePyTorchWroteDecodesBitForBit() throws IOException {
        JsonObject fx = IoFixtures.json("all_dtypes.json").getAsJsonObject("tensors");
        Path file = IoFixtures.resource("all_dtypes.safetensors");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> t = Safetensors.load(file);
            assertEquals(fx.keySet(), t.keySet());
            for (Map.Entry<String, JsonElement> e : fx.entrySet()) {
                JsonObject o = e.getValue().getAsJsonObject();
                Tensor x = t.get(e.getKey());
                assertEquals(o.get("dtype").getAsString(), x.dtype().pytorchName(), e.getKey());
                assertArrayEquals(shape(o), x.shape(), e.getKey());
                JsonArray bits = o.getAsJsonArray("bits");
                long[] got = bits(x);
                assertEquals(bits.size(), got.length, e.getKey());
                for (int i = 0; i < got.length; i++) {
                    assertEquals(bits.get(i).getAsLong(), got[i], e.getKey() + "[" + i + "]");
                }
            }
            assertTrue(Float.isNaN(t.get("f16").toFloatArray()[7]));
            assertEquals(65504f, t.get("f16").toFloatArray()[2]);
            assertEquals(0.0999755859375f, t.get("f16").toFloatArray()[4]);
            assertEquals(0.10009765625f, t.get("bf16").toFloatArray()[4]);

            Map<String, String> meta = new LinkedHashMap<>(Safetensors.readMetadata(file));
            assertEquals(List.of("source", "note"), new ArrayList<>(meta.keySet()));
            Path back = dir.resolve("back.safetensors");
            Safetensors.save(t, meta, back);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
        }
    }

    /** The elements as the integers of their bit patterns (floats) or values (integers, bools as 0/1). */
    private static long[] bits(Tensor x) {
        long[] out = new long[x.checkedNumel("bits")];
        switch (x.dtype()) {
            case FLOAT32: {
                float[] f = x.toFloatArray();
                for (int i = 0; i < f.length; i++) {
                    out[i] = Float.floatToRawIntBits(f[i]);
                }
                return out;
            }
            case FLOAT64: {
                double[] d = x.toDoubleArray();
                for (int i = 0; i < d.length; i++) {
                    out[i] = Double.doubleToRawLongBits(d[i]);
                }
                return out;
            }
            case FLOAT16: case BFLOAT16: {
                short[] h = SafetensorsTest.bitsOf16(x);
                for (int i = 0; i < h.length; i++) {
                    out[i] = h[i];
                }
                return out;
            }
            default:
                return x.toLongArray();
        }
    }

    @Test
    void aShapeMismatchNamesTheKeyAndBothShapes() {
        Path file = IoFixtures.resource("torch_model.safetensors");
        try (Scope s = Scope.open(); Sequential m = model(9)) {
            float[] before = m.getParameter("2.weight").toFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Safetensors.loadStateDict(m, file, true));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("shape mismatch for 2.weight: [8, 12] in the state dict, [9, 12] in the model"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("2.bias: [8]"), e.getMessage());
            assertArrayEquals(before, m.getParameter("2.weight").toFloatArray(), "nothing was copied");
        }
    }

    @Test
    void tensorsAreConvertedToTheParametersDtype() throws IOException {
        Path file = IoFixtures.resource("torch_model.safetensors");
        try (Scope s = Scope.open(); Sequential m32 = model(8); Sequential m64 = model(8)) {
            Safetensors.loadStateDict(m32, file, true);
            m64.to(DType.FLOAT64);
            Safetensors.loadStateDict(m64, file, true);
            assertEquals(DType.FLOAT64, m64.getParameter("6.weight").dtype());
            assertArrayEquals(m32.getParameter("6.weight").toDoubleArray(), m64.getParameter("6.weight").toDoubleArray());

            // half-precision weights into a float32 layer, with keys the layer lacks: strict fails, lax reports
            Path half = dir.resolve("half.safetensors");
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("weight", Tensor.of(new float[] {0.5f, -1.25f, 3f, 0.1f}, 2, 2).to(DType.FLOAT16));
            sd.put("extra", Tensor.ones(1));
            Safetensors.save(sd, half);
            try (Linear lin = new Linear(2, 2)) {
                assertThrows(IllegalArgumentException.class, () -> Safetensors.loadStateDict(lin, half, true));
                Module.LoadResult r = Safetensors.loadStateDict(lin, half, false);
                assertEquals(List.of("bias"), r.missingKeys());
                assertEquals(List.of("extra"), r.unexpectedKeys());
                assertEquals(DType.FLOAT32, lin.getParameter("weight").dtype());
                assertArrayEquals(new float[] {0.5f, -1.25f, 3f, 0.099975586f}, lin.getParameter("weight").toFloatArray());
            }
        }
    }
}
