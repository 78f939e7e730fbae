package org.vesalius.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    private final WordTokenizer tok = new WordTokenizer();

    @Test
    void wordsNumbersAndPunctuation() {
        assertEquals(List.of("great", "film", "!", "don't", "miss", "it", "—", "x-ray", "scores", "3.5", "/", "10", "."),
                tok.tokenize("Great film!<br /><br />Don\u2019t miss it \u2014 X-ray scores 3.5/10."));
        assertEquals(List.of("1,000", "mg", "q8h", "(", "i", ".", "v", ".", ")"), tok.tokenize("1,000 mg q8h (i.v.)"));
        assertEquals(List.of(), tok.tokenize("   \n\t"));
    }

    @Test
    void markupAndEntities() {
        assertEquals(List.of("a", "&", "b", "<", "c", "é"), tok.tokenize("<p class=\"x\">a &amp; b &lt; c &#233;</p>"));
        // a lone '<' in prose is text, not the start of a tag that would swallow the rest
        assertEquals(List.of("x", "<", "3", "and", "y", ">", "2"), tok.tokenize("x < 3 and y > 2"));
        assertEquals(List.of("&", "bogus", ";"), tok.tokenize("&bogus;"));
    }

    @Test
    void caseAndMarkupCanBeKept() {
        WordTokenizer raw = new WordTokenizer(false, false);
        assertEquals(List.of("Hello", "<", "br", "/", ">", "World"), raw.tokenize("Hello<br/>World"));
        assertThrows(IllegalArgumentException.class, () -> tok.tokenize(null));
    }

    @Test
    void realReviewsTokenizeWithoutMarkup() {
        int tokens = 0;
        for (String review : TextSamples.reviews()) {
            List<String> t = tok.tokenize(review);
            tokens += t.size();
            assertFalse(t.contains("br"), "a <br /> tag leaked into the tokens of: " + review.substring(0, 60));
            for (String s : t) {
                assertEquals(s.toLowerCase(java.util.Locale.ROOT), s);
            }
        }
        assertTrue(tokens > 10_000, "60 reviews hold more than 10,000 tokens, got " + tokens);
    }
}
