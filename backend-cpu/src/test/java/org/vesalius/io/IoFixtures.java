package org.vesalius.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The fixtures of {@code tools/golden/generate_safetensors.py} and helpers the io tests share. */
final class IoFixtures {
    private IoFixtures() {
    }

    /** The path of {@code io/<name>} on the test class path. */
    static Path resource(String name) {
        URL url = IoFixtures.class.getClassLoader().getResource("io/" + name);
        if (url == null) {
            throw new IllegalStateException("no io/" + name + " on the test class path; run "
                    + "tools/golden/generate_safetensors.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The root object of {@code io/<name>}. */
    static JsonObject json(String name) {
        try {
            return JsonParser.parseString(Files.readString(resource(name), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files in {@code dir}. */
    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Asserts that {@code dir} holds exactly the named files (so no temporary file was left behind). */
    static void assertFiles(Path dir, String... names) throws IOException {
        assertEquals(List.of(names), list(dir));
    }
}
