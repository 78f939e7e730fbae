package org.vesalius.medical.dicom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One data element: tag, VR and value. Values are views of the file's bytes (not copied); sequences
 * hold their items, encapsulated Pixel Data its fragments (the first is the Basic Offset Table).
 */
public final class DicomElement {
    private final int tag;
    private final VR vr;
    private final byte[] source;
    private final int offset;
    private final int length;
    private final boolean bigEndian;
    private final List<DicomObject> items;
    private final List<int[]> fragments;

    DicomElement(int tag, VR vr, byte[] source, int offset, int length, boolean bigEndian,
                 List<DicomObject> items, List<int[]> fragments) {
        this.tag = tag;
        this.vr = vr;
        this.source = source;
        this.offset = offset;
        this.length = length;
        this.bigEndian = bigEndian;
        this.items = items;
        this.fragments = fragments;
    }

    public int tag() {
        return tag;
    }

    public VR vr() {
        return vr;
    }

    /** Value length in bytes as stored (for a sequence or encapsulated data: the bytes it spans). */
    public int length() {
        return length;
    }

    /** True when the value was encoded big endian (binary values are decoded accordingly). */
    public boolean bigEndian() {
        return bigEndian;
    }

    public boolean isSequence() {
        return items != null;
    }

    /** Items of a sequence (empty for other elements). */
    public List<DicomObject> items() {
        return items == null ? List.of() : items;
    }

    /** True for encapsulated (compressed) Pixel Data. */
    public boolean isEncapsulated() {
        return fragments != null;
    }

    /** Number of items of encapsulated Pixel Data, Basic Offset Table included. */
    public int fragmentCount() {
        return fragments == null ? 0 : fragments.size();
    }

    /** {@code {offset, length}} of fragment {@code i} within {@link #source()}. */
    int[] fragmentRange(int i) {
        return fragments.get(i);
    }

    /** Copy of fragment {@code i} (0 is the Basic Offset Table). */
    public byte[] fragment(int i) {
        int[] f = fragments.get(i);
        return Arrays.copyOfRange(source, f[0], f[0] + f[1]);
    }

    byte[] source() {
        return source;
    }

    int offset() {
        return offset;
    }

    /** A copy of the raw value bytes. */
    public byte[] bytes() {
        return Arrays.copyOfRange(source, offset, offset + length);
    }

    /** Whole text value, trailing spaces/NULs (and for numbers leading spaces) removed. */
    public String string(CharacterSet cs) {
        String s = trim(decodeText(cs), vr);
        if (vr == VR.PN) {
            // empty trailing component groups (ideographic, phonetic) carry nothing
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '=') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s;
    }

    /** Text values split at backslashes and trimmed; binary values formatted as numbers. */
    public String[] strings(CharacterSet cs) {
        if (!vr.isText() && vr != VR.UN) {
            double[] d = doubles();
            String[] out = new String[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = d[i] == Math.rint(d[i]) && Math.abs(d[i]) < 1e15 ? Long.toString((long) d[i]) : Double.toString(d[i]);
            }
            return out;
        }
        String s = decodeText(cs);
        if (length == 0) {
            return new String[0];
        }
        if (!vr.multiValued()) {
            return new String[] {trim(s, vr)};
        }
        String[] parts = s.split("\\\\", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = trim(parts[i], vr);
        }
        return parts;
    }

    private String decodeText(CharacterSet cs) {
        if (vr.usesCharacterSet()) {
            return cs.decode(source, offset, length);
        }
        return new String(source, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static String trim(String s, VR vr) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (vr == VR.DS || vr == VR.IS || vr == VR.CS || vr == VR.UI || vr == VR.AE || vr == VR.DA || vr == VR.TM
                || vr == VR.DT || vr == VR.AS) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return s.substring(start, end);
    }

    /**
     * Numeric values: binary VRs (US, SS, UL, SL, UV, SV, FL, FD, OF, OD, AT) decoded, DS/IS parsed.
     * A DS/IS value must be a finite decimal number in the standard's characters (digits, sign, point,
     * exponent): {@code 1.0E999999999999}, {@code NaN}, {@code Infinity} and Java's {@code 0x1p3} or
     * {@code 1d} are refused, so no infinity reaches an image's geometry or its rescale.
     * @throws NumberFormatException naming the tag when a DS/IS value is not such a number
     */
    public double[] doubles() {
        if (vr == VR.DS || vr == VR.IS) {
            String[] parts = strings(CharacterSet.DEFAULT);
            List<Double> out = new ArrayList<>();
            for (String p : parts) {
                if (p.isEmpty()) {
                    continue;
                }
                double v;
                try {
                    v = decimal(p) ? Double.parseDouble(p) : Double.NaN;
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException(Tag.describe(tag) + " " + vr + " value '" + p + "' is not a "
                            + (decimal(p) ? "finite number" : "number"));
                }
                out.add(v);
            }
            double[] d = new double[out.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = out.get(i);
            }
            return d;
        }
        int w = binaryWidth();
        if (w == 0) {
            throw new NumberFormatException(Tag.describe(tag) + " has VR " + vr + ", which holds no numbers");
        }
        int n = length / w;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            int p = offset + i * w;
            switch (vr) {
                case US: d[i] = u16(p); break;
                case SS: d[i] = (short) u16(p); break;
                case UL: d[i] = u32(p) & 0xFFFFFFFFL; break;
                case AT: d[i] = ((long) u16(p) << 16 | u16(p + 2)) & 0xFFFFFFFFL; break;
                case SL: d[i] = u32(p); break;
                case FL: case OF: d[i] = Float.intBitsToFloat(u32(p)); break;
                case FD: case OD: d[i] = Double.longBitsToDouble(u64(p)); break;
                case SV: d[i] = u64(p); break;
                case UV: case OV: {
                    long v = u64(p);
                    d[i] = v >= 0 ? v : (double) (v >>> 1) * 2.0;
                    break;
                }
                default: d[i] = u16(p);
            }
        }
        return d;
    }

    /** Whether {@code s} has only the characters of a DS value (PS3.5 6.2): digits, sign, point, exponent. */
    private static boolean decimal(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        return true;
    }

    /** Integer values (IS parsed; binary integers decoded). */
    public long[] longs() {
        if (vr == VR.IS) {
            String[] parts = strings(CharacterSet.DEFAULT);
            List<Long> out = new ArrayList<>();
            for (String p : parts) {
                if (p.isEmpty()) {
                    continue;
                }
                try {
                    out.add(Long.parseLong(p.startsWith("+") ? p.substring(1) : p));
                } catch (NumberFormatException e) {
                    throw new NumberFormatException(Tag.describe(tag) + " IS value '" + p + "' is not an integer");
                }
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
        if (vr == VR.UV || vr == VR.SV || vr == VR.OV) {
            long[] r = new long[length / 8];
            for (int i = 0; i < r.length; i++) {
                r[i] = u64(offset + 8 * i);
            }
            return r;
        }
        double[] d = doubles();
        long[] r = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] != Math.rint(d[i])) {
                throw new NumberFormatException(Tag.describe(tag) + " value " + d[i] + " is not an integer");
            }
            r[i] = (long) d[i];
        }
        return r;
    }

    private int binaryWidth() {
        switch (vr) {
            case US: case SS: case OW: return 2;
            case UL: case SL: case FL: case OF: case AT: case OL: return 4;
            case FD: case OD: case UV: case SV: case OV: return 8;
            case UN: case OB: return 0;
            default: return 0;
        }
    }

    private int u16(int p) {
        return bigEndian ? (source[p] & 0xFF) << 8 | source[p + 1] & 0xFF : source[p] & 0xFF | (source[p + 1] & 0xFF) << 8;
    }

    private int u32(int p) {
        return bigEndian ? u16(p) << 16 | u16(p + 2) : u16(p) | u16(p + 2) << 16;
    }

    private long u64(int p) {
        return bigEndian ? (long) u32(p) << 32 | u32(p + 4) & 0xFFFFFFFFL : u32(p) & 0xFFFFFFFFL | (long) u32(p + 4) << 32;
    }

    @Override
    public String toString() {
        return Tag.describe(tag) + " " + vr + " #" + length + (isSequence() ? " items=" + items.size() : "")
                + (isEncapsulated() ? " fragments=" + fragments.size() : "");
    }
}
