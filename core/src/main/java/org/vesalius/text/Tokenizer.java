package org.vesalius.text;

import java.util.List;

/** Splits text into string tokens (words, punctuation, subwords), the first step of numericalisation. */
@FunctionalInterface
public interface Tokenizer {
    /** The tokens of {@code text}, in order; empty for text without any. */
    List<String> tokenize(String text);
}
