package org.vesalius.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.autograd.NoGrad;
import org.vesalius.parity.Fixtures.FixtureCase;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * Every PyTorch fixture case against the Vesalius call {@link ParityOps} maps it to: output dtypes,
 * shapes and values, gradients of {@code sum(output * weights)} for float64 inputs, that non-in-place
 * ops leave their inputs alone, and that calls PyTorch rejects throw IllegalArgumentException.
 */
public class ParityTest {

    @BeforeAll
    static void report() {
        System.out.println("[parity] fixtures from PyTorch " + Fixtures.all().get(0).torchVersion + ": "
                + Fixtures.all().size() + " cases, " + Fixtures.opKeys().size() + " op keys");
        System.out.println("[parity] NOT YET IMPLEMENTED in Vesalius (cases skipped): " + ParityOps.NOT_YET_IMPLEMENTED);
        System.out.print("[parity] tolerances: " + ParityOps.toleranceTable());
    }

    @TestFactory
    Stream<DynamicTest> fixtures() {
        return Fixtures.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> named(c.toString(), () -> runCase(c))));
    }

    /** Surefire's reports number dynamic tests instead of naming them: put the name in the failure. */
    public static void named(String name, org.junit.jupiter.api.function.Executable body) throws Throwable {
        try {
            body.execute();
        } catch (org.opentest4j.TestAbortedException e) {
            throw e;
        } catch (AssertionError | RuntimeException e) {
            AssertionError named = new AssertionError(name + ": " + e, e);
            throw named;
        }
    }

    /** A fixture op with neither a mapping nor a not-yet-implemented entry is a hole in the suite. */
    @Test
    void everyFixtureOpIsMappedOrListedAsMissing() {
        Set<String> unmapped = new TreeSet<>();
        for (String key : Fixtures.opKeys()) {
            if (!ParityOps.OPS.containsKey(key) && !ParityOps.notYetImplemented(key)) {
                unmapped.add(key);
            }
        }
        assertTrue(unmapped.isEmpty(), "fixture ops with no Java mapping in ParityOps (add a lambda, or list the "
                + "method in ParityOps.NOT_YET_IMPLEMENTED if Vesalius lacks it): " + unmapped);
    }

    /** The missing-ops list shrinks as ops land: an entry whose method now exists must be mapped instead. */
    @Test
    void notYetImplementedListIsCurrent() {
        Set<String> tensorMethods = Arrays.stream(Tensor.class.getMethods())
                .filter(m -> m.getDeclaringClass() == Tensor.class && Modifier.isPublic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> landed = new TreeSet<>();
        Set<String> mappedToo = new TreeSet<>();
        Set<String> noFixture = new TreeSet<>();
        Set<String> fixtureMethods = Fixtures.opKeys().stream().map(ParityOps::method).collect(Collectors.toSet());
        for (String m : ParityOps.NOT_YET_IMPLEMENTED) {
            boolean variant = !ParityOps.method(m).equals(m);
            if (!variant && tensorMethods.contains(m)) {
                landed.add(m);
            }
            if (variant ? ParityOps.OPS.containsKey(m)
                    : ParityOps.OPS.keySet().stream().anyMatch(k -> ParityOps.method(k).equals(m))) {
                mappedToo.add(m);
            }
            if (variant ? !Fixtures.opKeys().contains(m) : !fixtureMethods.contains(m)) {
                noFixture.add(m);
            }
        }
        assertTrue(landed.isEmpty(), "these ops now exist on Tensor: map them in ParityOps and remove them from "
                + "NOT_YET_IMPLEMENTED: " + landed);
        assertTrue(mappedToo.isEmpty(), "listed as not yet implemented but mapped: " + mappedToo);
        assertTrue(noFixture.isEmpty(), "listed as not yet implemented but no fixture uses them: " + noFixture);
    }

    /** A mapping no fixture exercises tests nothing. */
    @Test
    void everyMappingHasFixtures() {
        Set<String> unused = new TreeSet<>(ParityOps.OPS.keySet());
        unused.removeAll(Fixtures.opKeys());
        assertTrue(unused.isEmpty(), "ParityOps keys with no fixture case (add cases to tools/golden/generate.py): " + unused);
    }

    /** The fixtures must really carry gradients, or the gradient half of this suite checks nothing. */
    @Test
    void fixturesCarryGradients() {
        long withGrads = Fixtures.all().stream().filter(FixtureCase::hasGradients).count();
        assertTrue(withGrads > 300, "only " + withGrads + " fixture cases carry gradients");
    }

    static void runCase(FixtureCase c) {
        if (ParityOps.notYetImplemented(c.op)) {
            Assumptions.abort(c.op + " is not yet implemented in Vesalius (ParityOps.NOT_YET_IMPLEMENTED)");
        }
        ParityOps.Op call = ParityOps.OPS.get(c.op);
        if (call == null) {
            fail("no Java mapping for fixture op '" + c.op + "' in ParityOps");
        }
        try (Scope scope = Scope.open()) {
            List<Tensor> leaves = new ArrayList<>();
            List<Tensor> args = new ArrayList<>();
            List<double[]> before = new ArrayList<>();
            for (JsonObject in : c.inputs) {
                Tensor t = FixtureTensors.withLayout(FixtureTensors.build(in), str(in, "layout"));
                before.add(FixtureTensors.read(t));
                if (in.has("requiresGrad") && in.get("requiresGrad").getAsBoolean()) {
                    t.requiresGrad_(true);
                }
                leaves.add(t);
                args.add(in.has("expand") ? t.expand(ints(in, "expand")) : t);
            }
            Args a = new Args(args, c.kwargs);
            if (c.error) {
                try {
                    Object out = call.apply(a);
                    fail("PyTorch rejects this call, Vesalius returned " + describe(out));
                } catch (IllegalArgumentException expected) {
                    assertFalse(expected.getMessage() == null || expected.getMessage().isBlank(),
                            "the error should say what is wrong");
                }
                return;
            }
            List<Tensor> outs = outputs(call.apply(a));
            assertEquals(c.outputs.size(), outs.size(), "number of outputs");
            for (int i = 0; i < outs.size(); i++) {
                Tensor o = outs.get(i);
                JsonObject want = c.outputs.get(i);
                Tolerance tol = ParityOps.tolerance(c.op, FixtureTensors.dtype(want.get("dtype").getAsString()));
                FixtureTensors.assertMatches("output " + i, want, o, tol);
            }
            if (!ParityOps.method(c.op).endsWith("_")) {
                // an op that writes into its input (aliasing bug) would corrupt its caller's data
                Set<Integer> mutated = ParityOps.MUTATED_INPUTS.getOrDefault(c.op, Set.of());
                for (int i = 0; i < leaves.size(); i++) {
                    if (mutated.contains(i)) {
                        continue;
                    }
                    double[] now = FixtureTensors.read(leaves.get(i));
                    if (!Arrays.equals(before.get(i), now)) {
                        fail("input " + i + " was modified by " + c.op);
                    }
                }
            }
            if (c.hasGradients()) {
                checkGradients(c, leaves, outs);
            }
        }
    }

    private static void checkGradients(FixtureCase c, List<Tensor> leaves, List<Tensor> outs) {
        Tensor loss = null;
        for (int i = 0; i < outs.size(); i++) {
            JsonObject w = c.gradWeights.get(i);
            if (w == null) {
                continue;
            }
            Tensor weights = FixtureTensors.build(w);
            assertTrue(outs.get(i).requiresGrad(), "output " + i + " of a float64 op on inputs that require grad "
                    + "does not require grad (no graph recorded)");
            Tensor term = outs.get(i).to(DType.FLOAT64).mul(weights).sum();
            loss = loss == null ? term : loss.add(term);
        }
        if (loss == null) {
            fail("fixture has gradients but no output weights");
        }
        loss.backward();
        for (int i = 0; i < leaves.size(); i++) {
            JsonObject in = c.inputs.get(i);
            if (!in.has("grad")) {
                continue;
            }
            Tensor g = leaves.get(i).grad();
            if (g == null) {
                try (NoGrad ng = NoGrad.open()) {
                    // no gradient reached this input: that matches PyTorch only if its gradient is zero
                    g = Tensor.zerosLike(leaves.get(i));
                }
            }
            FixtureTensors.assertValues("gradient of input " + i, in.getAsJsonObject("grad"), g,
                    ParityOps.gradTolerance(c.op));
        }
    }

    static List<Tensor> outputs(Object out) {
        if (out instanceof Tensor) {
            return List.of((Tensor) out);
        }
        if (out instanceof Tensor[]) {
            return Arrays.asList((Tensor[]) out);
        }
        if (out instanceof List) {
            List<Tensor> list = new ArrayList<>();
            for (Object o : (List<?>) out) {
                list.add((Tensor) o);
            }
            return list;
        }
        if (out instanceof ValuesIndices) {
            ValuesIndices vi = (ValuesIndices) out;
            return List.of(vi.values(), vi.indices());
        }
        if (out instanceof Boolean) {
            try (NoGrad ng = NoGrad.open()) {
                return List.of(Tensor.of(new boolean[] {(Boolean) out}).reshape());
            }
        }
        throw new AssertionError("op returned " + describe(out) + ", which the parity test cannot compare");
    }

    private static String describe(Object out) {
        if (out instanceof Tensor) {
            Tensor t = (Tensor) out;
            return "a tensor of shape " + Arrays.toString(t.shape()) + " and dtype " + t.dtype();
        }
        return String.valueOf(out);
    }

    private static String str(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsString() : null;
    }

    private static int[] ints(JsonObject o, String name) {
        return FixtureTensors.shape(shapeHolder(o.getAsJsonArray(name)));
    }

    private static JsonObject shapeHolder(com.google.gson.JsonArray a) {
        JsonObject h = new JsonObject();
        h.add("shape", a);
        return h;
    }
}
