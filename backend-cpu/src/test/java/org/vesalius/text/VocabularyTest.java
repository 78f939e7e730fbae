package org.vesalius.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {
    @TempDir
    Path dir;

    private static final List<List<String>> DOCS = List.of(List.of("b", "a", "c", "a"), List.of("a", "b", "d"),
            List.of("e"));

    @Test
    void specialsFirstThenByFrequencyTiesInCodePointOrder() {
        Vocabulary v = Vocabulary.build(DOCS, 1, 0, Vocabulary.PAD, Vocabulary.UNK);
        assertEquals(List.of("<pad>", "<unk>", "a", "b", "c", "d", "e"), v.tokens());
        assertArrayEquals(new int[] {2, 3, 1}, v.encode(List.of("a", "b", "zebra")));
        assertEquals(List.of("a", "<unk>"), v.decode(new int[] {2, 1}));
    }

    @Test
    void minimumFrequencyAndMaximumSize() {
        assertEquals(List.of("<unk>", "a", "b"), Vocabulary.build(DOCS, 2, 0, Vocabulary.UNK).tokens());
        assertEquals(List.of("<unk>", "a", "b", "c"), Vocabulary.build(DOCS, 1, 4, Vocabulary.UNK).tokens());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(DOCS, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(DOCS, 1, 1, "<a>", "<b>"));
    }

    @Test
    void unknownTokensNeedAnUnkEntry() {
        Vocabulary v = Vocabulary.build(DOCS, 1, 0);
        String m = assertThrows(IllegalArgumentException.class, () -> v.index("zebra")).getMessage();
        assertTrue(m.contains("'zebra' is unknown") && m.contains("<unk>"), m);
        assertThrows(IllegalArgumentException.class, () -> v.token(99));
    }

    @Test
    void saveAndLoadKeepEveryToken() throws IOException {
        Vocabulary v = Vocabulary.of(List.of("<pad>", "new\nline", "back\\slash", "tab\t", "ünï", "\\n"));
        Path f = dir.resolve("vocab.txt");
        v.save(f);
        assertEquals(v.tokens(), Vocabulary.load(f).tokens());
        Files.writeString(f, "a\nb\na\n", StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> Vocabulary.load(f));
    }

    @Test
    void realReviews() {
        WordTokenizer tok = new WordTokenizer();
        List<List<String>> docs = TextSamples.reviews().stream().map(tok::tokenize).collect(Collectors.toList());
        Vocabulary v = Vocabulary.build(docs, 2, 1000, Vocabulary.PAD, Vocabulary.UNK);
        assertEquals("the", v.token(2), "the most frequent English word comes right after the specials");
        assertTrue(v.size() <= 1000 && v.size() > 500, "size " + v.size());
    }
}
