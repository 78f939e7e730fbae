package org.vesalius.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PyTorch reference cases written by {@code tools/golden/generate.py} into
 * {@code src/test/resources/golden/*.json}: one file per op family, each case an op key, kwargs,
 * inputs, outputs and (for float64 inputs) gradients.
 */
public final class Fixtures {
    /** Class-path folder of the fixture files. */
    public static final String DIR = "golden";

    /**
     * Files in {@link #DIR} that hold other tests' fixtures, not tensor-op cases, so this reader skips
     * them: losses, modules and optimizer runs ({@code tools/golden/generate_training.py}) and the
     * autograd engine's accumulation cases ({@code tools/golden/generate_autograd.py}).
     */
    public static final java.util.Set<String> TRAINING_FILES = java.util.Set.of("losses.json", "modules.json",
            "optimizers.json", "autograd.json");

    private static List<FixtureCase> cache;

    private Fixtures() {
    }

    /** One case of a fixture file. */
    public static final class FixtureCase {
        public final String file;
        public final String torchVersion;
        public final String id;
        public final String op;
        public final JsonObject kwargs;
        public final List<JsonObject> inputs = new ArrayList<>();
        public final List<JsonObject> outputs = new ArrayList<>();
        /** One per output; null where the output is not floating point or nothing needs a gradient. */
        public final List<JsonObject> gradWeights = new ArrayList<>();
        public final boolean error;

        FixtureCase(String file, String torchVersion, JsonObject c) {
            this.file = file;
            this.torchVersion = torchVersion;
            this.id = c.get("id").getAsString();
            this.op = c.get("op").getAsString();
            this.kwargs = c.getAsJsonObject("kwargs");
            this.error = c.has("error") && c.get("error").getAsBoolean();
            for (JsonElement e : c.getAsJsonArray("inputs")) {
                inputs.add(e.getAsJsonObject());
            }
            if (c.has("outputs")) {
                for (JsonElement e : c.getAsJsonArray("outputs")) {
                    outputs.add(e.getAsJsonObject());
                }
            }
            if (c.has("gradWeights")) {
                for (JsonElement e : c.getAsJsonArray("gradWeights")) {
                    gradWeights.add(e.isJsonNull() ? null : e.getAsJsonObject());
                }
            }
        }

        /** Whether any input carries an expected gradient. */
        public boolean hasGradients() {
            return inputs.stream().anyMatch(i -> i.has("grad"));
        }

        @Override
        public String toString() {
            return file + ":" + id;
        }
    }

    /** Every case of every fixture file, in file order. */
    public static synchronized List<FixtureCase> all() {
        if (cache == null) {
            List<FixtureCase> cases = new ArrayList<>();
            for (Path p : files()) {
                try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    JsonObject root = JsonParser.parseReader(r).getAsJsonObject();
                    String torch = root.get("torch").getAsString();
                    JsonArray arr = root.getAsJsonArray("cases");
                    for (JsonElement e : arr) {
                        cases.add(new FixtureCase(p.getFileName().toString(), torch, e.getAsJsonObject()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read fixture " + p, e);
                }
            }
            cache = Collections.unmodifiableList(cases);
        }
        return cache;
    }

    /** The op keys that have at least one case. */
    public static Set<String> opKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (FixtureCase c : all()) {
            keys.add(c.op);
        }
        return keys;
    }

    private static List<Path> files() {
        URL url = Fixtures.class.getClassLoader().getResource(DIR);
        if (url == null) {
            throw new IllegalStateException("no '" + DIR + "' folder on the test class path; run tools/golden/generate.py");
        }
        try (Stream<Path> s = Files.list(Paths.get(url.toURI()))) {
            List<Path> files = new ArrayList<>();
            s.filter(p -> p.toString().endsWith(".json") && !TRAINING_FILES.contains(p.getFileName().toString()))
                    .sorted().forEach(files::add);
            if (files.isEmpty()) {
                throw new IllegalStateException("no fixture files in " + url);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
