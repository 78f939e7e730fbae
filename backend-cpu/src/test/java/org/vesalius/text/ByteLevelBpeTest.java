package org.vesalius.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTest {
    private static List<String> reviews;
    private static ByteLevelBpe bpe;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        reviews = TextSamples.reviews();
        bpe = ByteLevelBpe.train(reviews, 1000, 2, "<pad>", "<|endoftext|>");
    }

    @Test
    void everyReviewRoundTripsAndCompresses() {
        long tokens = 0;
        long bytes = 0;
        for (String r : reviews) {
            int[] ids = bpe.encode(r);
            assertEquals(r, bpe.decode(ids));
            tokens += ids.length;
            bytes += r.getBytes(StandardCharsets.UTF_8).length;
        }
        assertEquals(1000, bpe.vocabSize());
        assertTrue(tokens < bytes / 2.5, "1,000 tokens should compress English reviews well: " + tokens + " tokens for "
                + bytes + " bytes");
    }

    @Test
    void anyTextRoundTripsIncludingWhatTrainingNeverSaw() {
        for (String s : List.of("", " ", "   leading and trailing   ", "tabs\tand\nnewlines\r\n",
                "Zürich — naïve café", "日本語のテキスト", "emoji \uD83D\uDE00\uD83E\uDDE0 and \u0301 combining",
                "don't won't they're I'll", "x<|endoftext|>y<pad><pad>", "<|endoftext")) {
            assertEquals(s, bpe.decode(bpe.encode(s)), s);
        }
    }

    @Test
    void specialsEncodeAsTheirIds() {
        int[] ids = bpe.encode("a<|endoftext|>b");
        assertEquals(1, bpe.specialId("<|endoftext|>"));
        assertEquals(3, ids.length);
        assertEquals(1, ids[1]);
        assertEquals(List.of("a", "<|endoftext|>", "b"), bpe.tokenize("a<|endoftext|>b"));
        assertEquals(List.of("Ġthe"), bpe.tokenize(" the"));
    }

    @Test
    void incrementalTrainingLearnsTheMergesOfAPlainRecount() {
        List<String> corpus = reviews.subList(0, 12);
        ByteLevelBpe fast = ByteLevelBpe.train(corpus, 256 + 150, 2);
        List<int[]> reference = referenceMerges(corpus, 150, 2);
        int[][] merges = fast.merges();
        assertEquals(reference.size(), merges.length);
        for (int r = 0; r < merges.length; r++) {
            assertArrayEquals(reference.get(r), merges[r], "merge " + r);
        }
    }

    @Test
    void trainingIsDeterministicAndSavesAndLoads() throws IOException {
        ByteLevelBpe again = ByteLevelBpe.train(reviews, 1000, 2, "<pad>", "<|endoftext|>");
        Path f = dir.resolve("bpe.json");
        bpe.save(f);
        ByteLevelBpe loaded = ByteLevelBpe.load(f);
        for (String r : reviews.subList(0, 10)) {
            assertArrayEquals(bpe.encode(r), again.encode(r));
            assertArrayEquals(bpe.encode(r), loaded.encode(r));
        }
        Files.writeString(f, "{\"type\":\"byte-level-bpe\",\"specials\":[],\"merges\":[[300,5]]}");
        assertTrue(assertThrows(IOException.class, () -> ByteLevelBpe.load(f)).getMessage().contains("merge 0"));
        Files.writeString(f, "{\"merges\":[]}");
        assertThrows(IOException.class, () -> ByteLevelBpe.load(f));
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(reviews, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {1000}));
        assertThrows(IllegalArgumentException.class, () -> bpe.specialId("<unk>"));
    }

    // ---------------------------------------------------------------- reference trainer

    private static final Pattern PIECES = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /** Recounts every pair of every word after each merge: slow, obviously right. */
    private static List<int[]> referenceMerges(List<String> corpus, int merges, int minFrequency) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : corpus) {
            Matcher m = PIECES.matcher(t);
            while (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        List<List<Integer>> words = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        counts.forEach((w, c) -> {
            List<Integer> ids = new ArrayList<>();
            for (byte b : w.getBytes(StandardCharsets.UTF_8)) {
                ids.add(b & 0xff);
            }
            words.add(ids);
            freq.add(c);
        });
        List<int[]> out = new ArrayList<>();
        for (int r = 0; r < merges; r++) {
            Map<Long, Long> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<Integer> ids = words.get(w);
                for (int i = 0; i + 1 < ids.size(); i++) {
                    pairs.merge(((long) ids.get(i) << 32) | ids.get(i + 1), (long) freq.get(w), Long::sum);
                }
            }
            long bestKey = -1;
            long bestCount = 0;
            for (Map.Entry<Long, Long> e : pairs.entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < bestKey)) {
                    bestCount = e.getValue();
                    bestKey = e.getKey();
                }
            }
            if (bestCount < minFrequency) {
                break;
            }
            int a = (int) (bestKey >>> 32);
            int b = (int) bestKey;
            int id = 256 + r;
            out.add(new int[] {a, b});
            for (List<Integer> ids : words) {
                for (int i = 0; i + 1 < ids.size(); i++) {
                    if (ids.get(i) == a && ids.get(i + 1) == b) {
                        ids.set(i, id);
                        ids.remove(i + 1);
                    }
                }
            }
        }
        return out;
    }

}
