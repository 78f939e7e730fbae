package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embeddings-tsne pipeline on 600 real Gene Ontology terms (src/test/resources/text/go-sample.tsv); the full
 * ontology (35,140 terms) is fetched by tools/text/fetch_corpora.py.
 */
class EmbeddingsTsneTest {
    @Test
    void wordsOfOneNamespaceNeighbourEachOtherAndTheMapKeepsNeighbourhoods(@TempDir Path dir) throws IOException {
        EmbeddingsTsne.Config c = new EmbeddingsTsne.Config(Path.of("unused"), 24, 5, 5, 3, 8, 512, 0.025, 400, 30,
                List.of("membrane", "kinase", "notaword"), 0, dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        EmbeddingsTsne.Result r = EmbeddingsTsne.run(c, BiomedicalTextTest.sample(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String log = buf.toString(StandardCharsets.UTF_8);
        System.out.println(log + r.toJson());
        assertEquals(400, r.mapped());
        // Thresholds from the baselines the run computes on the same words: a random layout's trustworthiness (about
        // 0.5) and the share of the largest namespace group (what answering it for every word scores). The first
        // checks t-SNE: it keeps the neighbourhoods even of untrained vectors (0.84 with lr 1e-12). The second checks
        // word2vec: untrained vectors score 0.34 there, below the largest group's 0.42; trained ones 0.75.
        Baselines.assertAbove("trustworthiness", r.trustworthiness(), "random layout", r.randomTrustworthiness(), 0.25);
        Baselines.assertAbove("10-NN group agreement", r.neighbourAgreement(), "largest group", r.largestGroupShare(), 0.1);
        assertEquals(List.of("membrane", "kinase"), List.copyOf(r.neighbours().keySet()), "a word below min count is skipped");
        assertTrue(log.contains("notaword: not in the vocabulary"), log);
        BufferedImage png = ImageIO.read(r.png().toFile());
        assertEquals(1600, png.getWidth());
        assertEquals(401, Files.readAllLines(dir.resolve("words.tsv")).size());
        assertTrue(r.toJson().matches("\\{\"example\":\"embeddings-tsne\",\"trustworthiness\":0\\.\\d{4},.*\"neighbours\":\\{"
                + "\"membrane\":\\[\"\\w+\".*\\}"), r.toJson());
    }
}
