package org.vesalius.medical.dicom;

/**
 * One Huffman table of a DHT segment: canonical codes from the counts per code length (ITU T.81 Annex C),
 * decoded through a 9-bit look-up for the short codes and the MAXCODE/VALPTR search of F.2.2.3 for the rest.
 */
final class JpegHuffmanTable {
    private static final int LOOKUP_BITS = 9;
    /** For each 9-bit prefix: code length << 8 | symbol, or 0 when the code is longer than 9 bits. */
    private final short[] lookup = new short[1 << LOOKUP_BITS];
    private final int[] maxCode = new int[17];
    private final int[] valPtr = new int[17];
    private final int[] minCode = new int[17];
    private final int[] symbols;

    /**
     * @param counts  number of codes of each length 1..16 ({@code counts[0]} is length 1)
     * @param symbols the symbols in order of increasing code length
     */
    JpegHuffmanTable(int[] counts, int[] symbols, String what) throws DicomFormatException {
        this.symbols = symbols;
        int code = 0;
        int k = 0;
        for (int len = 1; len <= 16; len++) {
            int n = counts[len - 1];
            valPtr[len] = k;
            minCode[len] = code;
            maxCode[len] = n == 0 ? -1 : code + n - 1;
            // codes of one length are consecutive numbers of len bits (C.2)
            if (code + n > 1 << len) {
                throw new DicomFormatException(what + ": " + n + " Huffman codes of length " + len
                        + " do not fit in the code space left by the shorter codes");
            }
            if (len <= LOOKUP_BITS) {
                for (int i = 0; i < n; i++) {
                    int c = code + i;
                    int shift = LOOKUP_BITS - len;
                    for (int fill = 0; fill < 1 << shift; fill++) {
                        lookup[c << shift | fill] = (short) (len << 8 | symbols[k + i]);
                    }
                }
            }
            code = (code + n) << 1;
            k += n;
        }
    }

    /** Decodes one symbol; a bit pattern that is no code of this table is corrupt data. */
    int decode(JpegBitReader r, String what) throws DicomFormatException {
        int e = lookup[r.peek(LOOKUP_BITS)];
        if (e != 0) {
            r.skip(e >>> 8);
            return e & 0xFF;
        }
        int bits = r.peek(16);
        for (int len = LOOKUP_BITS + 1; len <= 16; len++) {
            int c = bits >>> (16 - len);
            if (c <= maxCode[len]) {
                r.skip(len);
                return symbols[valPtr[len] + c - minCode[len]];
            }
        }
        throw new DicomFormatException(what + ": invalid Huffman code " + Integer.toBinaryString(bits | 1 << 16).substring(1)
                + " in the entropy-coded data: corrupt");
    }
}
