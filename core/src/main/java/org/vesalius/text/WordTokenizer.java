package org.vesalius.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regular-expression word tokenizer for English-like text: words (with inner apostrophes and
 * hyphens, {@code don't}, {@code x-ray}), numbers ({@code 3.5}, {@code 1,000}) and single
 * punctuation marks, optionally lower-cased, after stripping markup such as the {@code <br />} tags
 * and HTML entities of scraped reviews and notes.
 * <pre>{@code
 * new WordTokenizer().tokenize("Great film!<br /><br />Don't miss it.")
 *     // [great, film, !, don't, miss, it, .]
 * }</pre>
 */
public final class WordTokenizer implements Tokenizer {
    private static final Pattern TOKEN = Pattern.compile(
            "\\p{L}[\\p{L}\\p{M}\\p{N}]*(?:['\u2019-][\\p{L}\\p{N}]+)*"
            + "|\\p{N}+(?:[.,]\\p{N}+)*"
            + "|[^\\s\\p{L}\\p{N}]");
    // a tag is bounded so that a stray '<' in prose does not swallow the rest of a document
    private static final Pattern TAG = Pattern.compile("<[/!?]?[A-Za-z][^<>]{0,200}>");
    private static final Pattern ENTITY = Pattern.compile("&(#\\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});");

    private final boolean lowerCase;
    private final boolean stripMarkup;

    /** Lower-cases and strips markup. */
    public WordTokenizer() {
        this(true, true);
    }

    public WordTokenizer(boolean lowerCase, boolean stripMarkup) {
        this.lowerCase = lowerCase;
        this.stripMarkup = stripMarkup;
    }

    @Override
    public List<String> tokenize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("WordTokenizer: text is null");
        }
        String s = stripMarkup ? stripMarkup(text) : text;
        if (lowerCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(s.substring(m.start(), m.end()).replace('\u2019', '\''));
        }
        return out;
    }

    /** Text with tags replaced by spaces and the common HTML entities decoded. */
    static String stripMarkup(String text) {
        String noTags = TAG.matcher(text).replaceAll(" ");
        Matcher m = ENTITY.matcher(noTags);
        StringBuilder sb = new StringBuilder(noTags.length());
        int last = 0;
        while (m.find()) {
            sb.append(noTags, last, m.start());
            String decoded = decode(m.group(1));
            sb.append(decoded != null ? decoded : m.group());
            last = m.end();
        }
        return sb.append(noTags, last, noTags.length()).toString();
    }

    private static String decode(String entity) {
        if (entity.charAt(0) == '#') {
            try {
                int cp = entity.length() > 1 && (entity.charAt(1) == 'x' || entity.charAt(1) == 'X')
                        ? Integer.parseInt(entity.substring(2), 16) : Integer.parseInt(entity.substring(1));
                return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        switch (entity) {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
            case "nbsp": return " ";
            default: return null;
        }
    }
}
