package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * State-dict keys, order, shapes and dtypes of a nested model equal PyTorch's for the same structure,
 * and {@link Module#loadStateDict} reports every missing key, unexpected key and shape mismatch by
 * name without copying anything.
 */
class StateDictTest {

    /** PyTorch: {@code Block}, see {@link Net}. */
    static final class Block extends Module {
        final Linear conv = registerModule("conv", new Linear(4, 4));
        final BatchNorm1d bn = registerModule("bn", new BatchNorm1d(4));
        final Dropout drop = registerModule("drop", new Dropout(0.1));

        @Override
        public Tensor forward(Tensor x) {
            return drop.forward(bn.forward(conv.forward(x)));
        }
    }

    /**
     * The Java twin of this PyTorch model (tools/golden/generate_training.py builds it and records its
     * state-dict keys in modules.json):
     * <pre>
     * class Block(nn.Module):
     *     def __init__(self):
     *         super().__init__()
     *         self.conv = nn.Linear(4, 4)
     *         self.bn = nn.BatchNorm1d(4)
     *         self.drop = nn.Dropout(0.1)
     *
     * class Net(nn.Module):
     *     def __init__(self):
     *         super().__init__()
     *         self.encoder = nn.Sequential(Block(), nn.ReLU(), Block())
     *         self.heads = nn.ModuleDict({"age": nn.Linear(4, 1), "sex": nn.Linear(4, 2, bias=False)})
     *         self.blocks = nn.ModuleList([nn.LayerNorm(4), nn.GroupNorm(2, 4), nn.Embedding(10, 4)])
     *         self.bil = nn.Bilinear(4, 4, 2)
     *         self.loss = nn.CrossEntropyLoss(weight=torch.ones(2))
     *         self.logits_loss = nn.BCEWithLogitsLoss(pos_weight=torch.ones(2))
     *
     * list(Net().state_dict()) == PYTORCH_KEYS
     * </pre>
     */
    static final class Net extends Module {
        final Sequential encoder = registerModule("encoder", new Sequential(new Block(), new ReLU(), new Block()));
        final ModuleDict heads = registerModule("heads", new ModuleDict());
        final ModuleList blocks = registerModule("blocks",
                new ModuleList(new LayerNorm(4), new GroupNorm(2, 4), new Embedding(10, 4)));
        final Bilinear bil = registerModule("bil", new Bilinear(4, 4, 2));
        final CrossEntropyLoss loss = registerModule("loss",
                new CrossEntropyLoss(Tensor.ones(2), F.DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0));
        final BCEWithLogitsLoss logitsLoss = registerModule("logits_loss",
                new BCEWithLogitsLoss(null, Reduction.MEAN, Tensor.ones(2)));

        Net() {
            heads.put("age", new Linear(4, 1));
            heads.put("sex", new Linear(4, 2, false));
        }
    }

    /** What PyTorch 1.13 prints for {@code list(Net().state_dict())}. */
    static final List<String> PYTORCH_KEYS = List.of(
            "encoder.0.conv.weight", "encoder.0.conv.bias", "encoder.0.bn.weight", "encoder.0.bn.bias",
            "encoder.0.bn.running_mean", "encoder.0.bn.running_var", "encoder.0.bn.num_batches_tracked",
            "encoder.2.conv.weight", "encoder.2.conv.bias", "encoder.2.bn.weight", "encoder.2.bn.bias",
            "encoder.2.bn.running_mean", "encoder.2.bn.running_var", "encoder.2.bn.num_batches_tracked",
            "heads.age.weight", "heads.age.bias", "heads.sex.weight",
            "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "blocks.2.weight",
            "bil.weight", "bil.bias", "loss.weight", "logits_loss.pos_weight");

    @Test
    void keysShapesAndDtypesEqualPyTorchs() {
        try (Net net = new Net(); Scope s = Scope.open()) {
            Map<String, Tensor> sd = net.stateDict();
            assertEquals(PYTORCH_KEYS, new ArrayList<>(sd.keySet()));
            List<JsonObject> fixture = TrainingFixtures.objects(
                    TrainingFixtures.load("modules.json").getAsJsonArray("stateDictKeys"));
            assertEquals(fixture.size(), sd.size());
            for (JsonObject k : fixture) {
                Tensor t = sd.get(k.get("key").getAsString());
                int[] shape = k.getAsJsonArray("shape").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
                assertArrayEquals(shape, t.shape(), k.get("key").getAsString());
                assertEquals(k.get("dtype").getAsString(), t.dtype().pytorchName(), k.get("key").getAsString());
            }
        }
    }

    @Test
    void parametersAreTheStateDictsParametersAndBuffersTheRest() {
        try (Net net = new Net()) {
            Map<String, Tensor> params = net.namedParameters();
            assertEquals(List.of("encoder.0.conv.weight", "encoder.0.conv.bias", "encoder.0.bn.weight", "encoder.0.bn.bias",
                    "encoder.2.conv.weight", "encoder.2.conv.bias", "encoder.2.bn.weight", "encoder.2.bn.bias",
                    "heads.age.weight", "heads.age.bias", "heads.sex.weight", "blocks.0.weight", "blocks.0.bias",
                    "blocks.1.weight", "blocks.1.bias", "blocks.2.weight", "bil.weight", "bil.bias"),
                    new ArrayList<>(params.keySet()));
            assertEquals(List.of("encoder.0.bn.running_mean", "encoder.0.bn.running_var", "encoder.0.bn.num_batches_tracked",
                    "encoder.2.bn.running_mean", "encoder.2.bn.running_var", "encoder.2.bn.num_batches_tracked",
                    "loss.weight", "logits_loss.pos_weight"), new ArrayList<>(net.namedBuffers().keySet()));
            for (Tensor p : net.parameters()) {
                assertTrue(p.isLeaf() && p.requiresGrad(), "parameters are leaves that require grad");
            }
            assertEquals(4 * 4 + 4 + 4 + 4, net.encoder.get(0).numParameters());
            assertTrue(net.getSubmodule("encoder.2.bn") instanceof BatchNorm1d);
            assertTrue(net.getParameter("heads.sex.bias") == null, "a layer without bias has a null bias");
        }
    }

    @Test
    void aSharedParameterIsListedOnceButSavedUnderEveryName() {
        try (Sequential m = new Sequential(new Linear(3, 3), new Linear(3, 3))) {
            Linear a = (Linear) m.get(0);
            Linear b = (Linear) m.get(1);
            b.registerParameter("weight", a.weight()); // weight tying
            assertEquals(List.of("0.weight", "0.bias", "1.bias"), new ArrayList<>(m.namedParameters().keySet()));
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), new ArrayList<>(m.stateDict().keySet()));
        }
    }

    @Test
    void aSharedSubmoduleIsSavedUnderEveryNameAndCyclesAreRefused() {
        try (Scope s = Scope.open()) {
            Linear shared = new Linear(2, 2);
            Sequential m = new Sequential(shared, new ReLU(), shared);
            // PyTorch: list(nn.Sequential(lin, nn.ReLU(), lin).state_dict()) == ['0.weight', '0.bias', '2.weight', '2.bias']
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(m.stateDict().keySet()));
            assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(m.namedParameters().keySet()));
            Sequential outer = new Sequential(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.append(outer));
            assertEquals("registerModule: a module cannot contain itself ('3' of Sequential would close a cycle)",
                    e.getMessage());
            outer.close();
        }
    }

    @Test
    void roundTripCopiesValuesAndConvertsDtypes() {
        try (Net a = new Net(); Net b = new Net(); Scope s = Scope.open()) {
            a.encoder.forward(Tensor.randn(8, 4)); // moves the running statistics and counts a batch
            Map<String, Tensor> sd = a.stateDict();
            // a float64 copy loads into the float32 model (copy_ casts), as in PyTorch
            Map<String, Tensor> asDouble = new LinkedHashMap<>();
            sd.forEach((k, v) -> asDouble.put(k, v.dtype() == DType.FLOAT32 ? v.toDouble() : v));
            Module.LoadResult r = b.loadStateDict(asDouble);
            assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
            Map<String, Tensor> back = b.stateDict();
            for (String k : sd.keySet()) {
                assertArrayEquals(sd.get(k).toDoubleArray(), back.get(k).toDoubleArray(), 0, k);
                assertEquals(sd.get(k).dtype(), back.get(k).dtype(), k);
                assertNotSame(sd.get(k).storage(), back.get(k).storage(), k);
            }
            assertEquals(1, ((BatchNorm) b.getSubmodule("encoder.0.bn")).numBatchesTracked());
        }
    }

    @Test
    void strictLoadNamesMissingUnexpectedAndMismatchedKeysAndCopiesNothing() {
        try (Sequential m = new Sequential(new Linear(4, 3), new ReLU(), new BatchNorm1d(3)); Scope s = Scope.open()) {
            Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
            double[] before = m.getParameter("0.bias").toDoubleArray();
            sd.remove("2.running_var");
            sd.put("0.bias", Tensor.ones(3));
            sd.put("0.weight", Tensor.zeros(3, 5));
            sd.put("3.weight", Tensor.zeros(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd));
            assertEquals("loadStateDict: cannot load the state dict into Sequential (nothing was copied):\n"
                    + "  missing keys: 2.running_var\n"
                    + "  unexpected keys: 3.weight\n"
                    + "  shape mismatch for 0.weight: [3, 5] in the state dict, [3, 4] in the model", e.getMessage());
            assertArrayEquals(before, m.getParameter("0.bias").toDoubleArray(), 0, "nothing was copied");

            // non-strict: shape mismatches are still errors, missing and unexpected keys are reported
            e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, false));
            assertEquals("loadStateDict: cannot load the state dict into Sequential (nothing was copied):\n"
                    + "  shape mismatch for 0.weight: [3, 5] in the state dict, [3, 4] in the model", e.getMessage());
            sd.remove("0.weight");
            Module.LoadResult r = m.loadStateDict(sd, false);
            assertEquals(List.of("0.weight", "2.running_var"), r.missingKeys());
            assertEquals(List.of("3.weight"), r.unexpectedKeys());
            assertArrayEquals(new double[] {1, 1, 1}, m.getParameter("0.bias").toDoubleArray(), 0, "the rest was copied");
        }
    }
}
