package org.vesalius.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real text the text tests read (src/test/resources/text, see its README for the sources). */
final class TextSamples {
    private TextSamples() {
    }

    /** The 60 IMDB reviews of imdb-sample.json, negatives first. */
    static List<String> reviews() {
        try (InputStream in = TextSamples.class.getResourceAsStream("/text/imdb-sample.json")) {
            List<String> out = new ArrayList<>();
            for (JsonElement e : JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonArray()) {
                out.add(e.getAsJsonObject().get("t").getAsString());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(TextSamples.class.getResource("/text/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
