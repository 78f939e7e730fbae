package org.vesalius.medical.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes text of the VRs that follow Specific Character Set (0008,0005) (PS3.3 C.12.1.1.2, PS3.5 6.1):
 * single-byte sets (ISO_IR 100 ... 203), UTF-8 (ISO_IR 192), GB18030/GBK, and ISO 2022 code extensions,
 * where escape sequences switch between ASCII, JIS X 0201/0208/0212, KS X 1001, GB 2312 and the ISO 8859
 * sets. Unknown terms fall back to ISO 8859-1 (logged once per term).
 */
public final class CharacterSet {
    private static final Logger LOG = LoggerFactory.getLogger(CharacterSet.class);

    /** The default repertoire: ASCII (read as ISO 8859-1 so stray high bytes do not vanish). */
    public static final CharacterSet DEFAULT = new CharacterSet(new String[0]);

    private static final byte ESC = 0x1B;

    private final String[] terms;
    private final Charset base;
    private final boolean iso2022;

    private CharacterSet(String[] terms) {
        this.terms = terms;
        String first = terms.length > 0 ? terms[0].trim() : "";
        boolean ext = false;
        for (String t : terms) {
            ext |= t.trim().startsWith("ISO 2022");
        }
        this.iso2022 = ext;
        this.base = first.isEmpty() ? StandardCharsets.ISO_8859_1 : charsetOf(first);
    }

    /** The character set named by the values of Specific Character Set (empty or null: the default). */
    public static CharacterSet of(String[] terms) {
        if (terms == null || terms.length == 0 || terms.length == 1 && terms[0].trim().isEmpty()) {
            return DEFAULT;
        }
        return new CharacterSet(terms.clone());
    }

    /** The defined terms this set was made from. */
    public String[] terms() {
        return terms.clone();
    }

    private static Charset charsetOf(String term) {
        String t = term.trim().toUpperCase(Locale.ROOT);
        if (t.equals("GB18030") || t.equals("GBK")) {
            return Charset.forName(t);
        }
        String ir = t.startsWith("ISO_IR ") ? t.substring(7).trim() : t.startsWith("ISO 2022 IR ") ? t.substring(12).trim() : "";
        switch (ir) {
            case "6": case "100": return StandardCharsets.ISO_8859_1;
            case "101": return Charset.forName("ISO-8859-2");
            case "109": return Charset.forName("ISO-8859-3");
            case "110": return Charset.forName("ISO-8859-4");
            case "144": return Charset.forName("ISO-8859-5");
            case "127": return Charset.forName("ISO-8859-6");
            case "126": return Charset.forName("ISO-8859-7");
            case "138": return Charset.forName("ISO-8859-8");
            case "148": return Charset.forName("ISO-8859-9");
            case "203": return Charset.forName("ISO-8859-15");
            case "166": return Charset.forName("TIS-620");
            case "13": return Charset.forName("JIS_X0201");
            case "192": return StandardCharsets.UTF_8;
            case "87": case "159": case "149": case "58": return StandardCharsets.ISO_8859_1; // G0 ASCII until an escape
            default:
                LOG.warn("unknown Specific Character Set term '{}': decoding as ISO 8859-1", term);
                return StandardCharsets.ISO_8859_1;
        }
    }

    /** Decodes {@code len} bytes from {@code off}. */
    public String decode(byte[] b, int off, int len) {
        if (!iso2022) {
            return new String(b, off, len, base);
        }
        return decode2022(b, off, len);
    }

    // Splits the text at escape sequences and decodes each run in the set the escape designates.
    private String decode2022(byte[] b, int off, int len) {
        StringBuilder out = new StringBuilder(len);
        int end = off + len;
        int p = off;
        Charset g0 = StandardCharsets.ISO_8859_1;
        Charset g1 = base;
        boolean jis0208 = false;
        List<Byte> run = new ArrayList<>();
        while (p < end) {
            if (b[p] == ESC) {
                flush(out, run, g0, g1, jis0208);
                int n = escapeLength(b, p, end);
                String seq = new String(b, p + 1, n - 1, StandardCharsets.ISO_8859_1);
                p += n;
                switch (seq) {
                    case "(B": g0 = StandardCharsets.ISO_8859_1; jis0208 = false; break;
                    case "(J": g0 = Charset.forName("JIS_X0201"); jis0208 = false; break;
                    case ")I": g1 = Charset.forName("JIS_X0201"); break;
                    case "$B": case "$@": jis0208 = true; g0 = Charset.forName("ISO-2022-JP"); break;
                    case "$(D": jis0208 = true; g0 = Charset.forName("x-JIS0212"); break;
                    case "$)C": g1 = Charset.forName("EUC-KR"); break;
                    case "$)A": g1 = Charset.forName("GB2312"); break;
                    case "-A": g1 = StandardCharsets.ISO_8859_1; break;
                    case "-B": g1 = Charset.forName("ISO-8859-2"); break;
                    case "-C": g1 = Charset.forName("ISO-8859-3"); break;
                    case "-D": g1 = Charset.forName("ISO-8859-4"); break;
                    case "-L": g1 = Charset.forName("ISO-8859-5"); break;
                    case "-G": g1 = Charset.forName("ISO-8859-6"); break;
                    case "-F": g1 = Charset.forName("ISO-8859-7"); break;
                    case "-H": g1 = Charset.forName("ISO-8859-8"); break;
                    case "-M": g1 = Charset.forName("ISO-8859-9"); break;
                    case "-T": g1 = Charset.forName("TIS-620"); break;
                    default: LOG.debug("unknown ISO 2022 escape sequence ESC {}", seq);
                }
            } else {
                run.add(b[p++]);
            }
        }
        flush(out, run, g0, g1, jis0208);
        return out.toString();
    }

    private static int escapeLength(byte[] b, int p, int end) {
        // ESC, then intermediate bytes 0x20-0x2F, then one final byte 0x30-0x7E
        int q = p + 1;
        while (q < end && b[q] >= 0x20 && b[q] <= 0x2F) {
            q++;
        }
        return Math.min(q + 1, end) - p;
    }

    private static void flush(StringBuilder out, List<Byte> run, Charset g0, Charset g1, boolean jis0208) {
        if (run.isEmpty()) {
            return;
        }
        byte[] bytes = new byte[run.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = run.get(i);
        }
        run.clear();
        if (jis0208 && g0.name().equals("ISO-2022-JP")) {
            // Let the JDK's ISO-2022-JP decoder see the designation it needs.
            byte[] wrapped = new byte[bytes.length + 6];
            wrapped[0] = ESC;
            wrapped[1] = '$';
            wrapped[2] = 'B';
            System.arraycopy(bytes, 0, wrapped, 3, bytes.length);
            wrapped[bytes.length + 3] = ESC;
            wrapped[bytes.length + 4] = '(';
            wrapped[bytes.length + 5] = 'B';
            out.append(new String(wrapped, Charset.forName("ISO-2022-JP")));
            return;
        }
        // Bytes below 0x80 are G0, above are G1 (GR): decode each maximal run with its set.
        int i = 0;
        while (i < bytes.length) {
            boolean high = (bytes[i] & 0x80) != 0;
            int j = i;
            while (j < bytes.length && ((bytes[j] & 0x80) != 0) == high) {
                j++;
            }
            out.append(new String(bytes, i, j - i, high ? g1 : g0));
            i = j;
        }
    }
}
