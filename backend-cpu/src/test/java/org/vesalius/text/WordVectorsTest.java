package org.vesalius.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.nn.Embedding;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

class WordVectorsTest {
    @TempDir
    Path dir;

    @Test
    void gloveAndWord2vecText() throws IOException {
        Path glove = dir.resolve("g.txt");
        Files.writeString(glove, "the 0.5 -1 2\ncat 1e-1 0 3\n\n", StandardCharsets.UTF_8);
        WordVectors g = WordVectors.readText(glove);
        assertEquals(2, g.size());
        assertEquals(3, g.dim());
        assertArrayEquals(new float[] {0.1f, 0, 3}, g.vector("cat"));
        assertNull(g.vector("dog"));

        Path w2v = dir.resolve("w.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(w2v))) {
            out.write("2 2\nα 1 2\nβ 3 4\n".getBytes(StandardCharsets.UTF_8));
        }
        WordVectors w = WordVectors.readText(w2v);
        assertEquals(List.of("α", "β"), w.words());
        assertArrayEquals(new float[] {3, 4}, w.vector("β"));
    }

    @Test
    void malformedTextIsAnIOExceptionWithTheLine() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "a 1 2\nb 1\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(f)).getMessage().contains("line 2"));
        Files.writeString(f, "a 1 x\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(f)).getMessage().contains("'x'"));
        Files.writeString(f, "3 2\na 1 2\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(f)).getMessage().contains("declares 3"));
        Files.writeString(f, "1 999999999\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(f)).getMessage().contains("dimension"));
        Files.writeString(f, "");
        assertThrows(IOException.class, () -> WordVectors.readText(f));
    }

    @Test
    void winkJsonDropsItsBookkeepingColumns() throws IOException {
        WordVectors w = WordVectors.readWink(TextSamples.resource("wink-sample.json"));
        assertEquals(150, w.size());
        assertEquals(100, w.dim());
        assertEquals("the", w.words().get(0));
        float[] the = w.vector("the");
        assertEquals(-0.038194f, the[0]);
        assertEquals(0.27062f, the[99]);
        Path f = dir.resolve("notwink.json");
        Files.writeString(f, "{\"vectors\":{}}");
        assertThrows(IOException.class, () -> WordVectors.readWink(f));
        Files.writeString(f, "[1, 2]");
        assertThrows(IOException.class, () -> WordVectors.readWink(f));
    }

    @Test
    void nearestNeighboursOfRealVectors() throws IOException {
        WordVectors w = WordVectors.readWink(TextSamples.resource("wink-sample.json"));
        List<WordVectors.Neighbour> n = w.nearest("he", 3);
        assertEquals(3, n.size());
        assertTrue(List.of("she", "his", "him", "it").contains(n.get(0).word()), "nearest to 'he': " + n);
        assertTrue(n.get(0).similarity() >= n.get(1).similarity());
        assertThrows(IllegalArgumentException.class, () -> w.nearest("zzzz", 3));
    }

    @Test
    void embeddingRowsFollowTheVocabulary() {
        WordVectors w = WordVectors.of(List.of("good", "bad"), new float[][] {{1, 2}, {3, 4}});
        Vocabulary v = Vocabulary.of(List.of(Vocabulary.PAD, Vocabulary.UNK, "bad", "Good", "novel"));
        Embedding frozen = w.toEmbedding(v, true, new Generator(3));
        float[] rows = frozen.weight().toFloatArray();
        assertArrayEquals(new float[] {0, 0}, new float[] {rows[0], rows[1]}, "padding row");
        assertArrayEquals(new float[] {3, 4}, new float[] {rows[4], rows[5]});
        assertArrayEquals(new float[] {1, 2}, new float[] {rows[6], rows[7]}, "looked up lower-cased");
        assertFalse(rows[8] == 0 && rows[9] == 0, "an unknown word gets a random row");
        assertFalse(frozen.weight().requiresGrad());
        assertTrue(w.toEmbedding(v, false, new Generator(3)).weight().requiresGrad());
        Tensor ids = Tensor.of(new long[] {2, 3}, 2);
        assertArrayEquals(new float[] {3, 4, 1, 2}, frozen.forward(ids).toFloatArray());
    }
}
