package org.vesalius.transformer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.vesalius.parity.FixtureTensors;
import org.vesalius.tensor.Tensor;

/** The fixtures {@code tools/golden/generate_transformer.py} writes, as JSON and tensors. */
final class Golden {
    private Golden() {
    }

    static JsonObject load(String name) {
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream("golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("golden/" + name + " is missing: run tools/golden/generate_transformer.py");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One {@code (id, case)} argument per element of the array {@code key}. */
    static Stream<Arguments> cases(JsonObject root, String key) {
        List<Arguments> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray(key)) {
            JsonObject c = e.getAsJsonObject();
            out.add(Arguments.of(c.get("id").getAsString(), c));
        }
        return out.stream();
    }

    /** The tensor under {@code name}, or null when the case has none. */
    static Tensor tensor(JsonObject c, String name) {
        return c.has(name) && !c.get(name).isJsonNull() ? FixtureTensors.build(c.getAsJsonObject(name)) : null;
    }
}
