package org.vesalius.rnn.embeddings;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.vesalius.text.WordVectors;

/** The real data and scikit-learn references the embedding tests read (see the resources' README). */
final class Fixtures {
    private Fixtures() {
    }

    static InputStream open(String resource) {
        InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("test resource " + resource + " is missing");
        }
        return in;
    }

    /** tools/golden/generate_tsne.py's output. */
    static JsonObject tsneGolden() {
        try (InputStream in = open("golden/tsne.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference case named {@code name} ("wink" or "digits"). */
    static JsonObject tsneCase(String name) {
        for (var c : tsneGolden().getAsJsonArray("cases")) {
            if (c.getAsJsonObject().get("name").getAsString().equals(name)) {
                return c.getAsJsonObject();
            }
        }
        throw new IllegalStateException("no t-SNE reference case " + name);
    }

    static float[][] matrix(JsonArray rows) {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray r = rows.get(i).getAsJsonArray();
            out[i] = new float[r.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = r.get(j).getAsFloat();
            }
        }
        return out;
    }

    /** The 150 wink vectors of backend-cpu's text sample, read with the library's own reader. */
    static WordVectors wink(Path tmp) {
        try (InputStream in = open("text/wink-sample.json")) {
            Path f = tmp.resolve("wink-sample.json");
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            return WordVectors.readWink(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[][] rows(WordVectors v) {
        float[][] x = new float[v.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.vector(v.words().get(i));
        }
        return x;
    }

    /** The digits: 1,797 rows of 64 pixels; labels in {@code labels[0]}. */
    static float[][] digits(int[][] labels) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> lab = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(open("embeddings/digits.csv.gz")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                float[] x = new float[f.length - 1];
                for (int j = 1; j < f.length; j++) {
                    x[j - 1] = Float.parseFloat(f[j]);
                }
                rows.add(x);
                lab.add(Integer.parseInt(f[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (labels != null) {
            labels[0] = lab.stream().mapToInt(Integer::intValue).toArray();
        }
        return rows.toArray(new float[0][]);
    }
}
