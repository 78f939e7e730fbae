package org.vesalius.medical.dicom;

/**
 * Reads the entropy-coded segments of one JPEG scan bit by bit (ITU T.81 F.2.2.5 and B.1.1.5): an 0xFF
 * data byte is followed by a stuffed 0x00; 0xFF followed by anything else starts a marker (any number of
 * 0xFF fill bytes may precede it), which ends the segment. Past the end of a segment the reader supplies
 * zero bits so that Huffman look-ahead needs no special case, and throws as soon as one of those bits is
 * actually consumed: the data is truncated or corrupt.
 */
final class JpegBitReader {
    private final byte[] data;
    private final String what;
    private int pos;
    /** Loaded bits, the next one at bit {@code count - 1}. */
    private long buf;
    private int count;
    /** How many of the {@code count} bits are zeros made up past the end of the segment (always the last loaded). */
    private int phantom;
    /** A marker (or the end of the data) was reached at {@code pos}: the segment has no more bits. */
    private boolean ended;

    JpegBitReader(byte[] data, int start, String what) {
        this.data = data;
        this.pos = start;
        this.what = what;
    }

    /** The next {@code n} (1..16) bits without consuming them. */
    int peek(int n) {
        if (count < n) {
            fill();
        }
        return (int) (buf >>> (count - n)) & ((1 << n) - 1);
    }

    void skip(int n) throws DicomFormatException {
        count -= n;
        if (count < phantom) {
            throw new DicomFormatException(what + ": entropy-coded data ends before the scan is complete (at byte " + pos
                    + (pos + 1 < data.length ? String.format(", marker 0x%02X", data[pos + 1] & 0xFF) : ", end of data")
                    + "): truncated or corrupt");
        }
    }

    /** The next {@code n} (0..16) bits as an unsigned number. */
    int receive(int n) throws DicomFormatException {
        if (n == 0) {
            return 0;
        }
        int v = peek(n);
        skip(n);
        return v;
    }

    private void fill() {
        while (count <= 56) {
            int b = 0;
            boolean real = false;
            if (!ended) {
                if (pos < data.length) {
                    b = data[pos] & 0xFF;
                    if (b != 0xFF) {
                        pos++;
                        real = true;
                    } else if (pos + 1 < data.length && data[pos + 1] == 0) {
                        pos += 2;
                        real = true;
                    } else {
                        b = 0;
                    }
                }
                ended = !real;
            }
            if (!real) {
                phantom += 8;
            }
            buf = buf << 8 | b;
            count += 8;
        }
    }

    /**
     * Ends an entropy-coded segment: fewer than 8 bits (the padding of its last byte) may remain unread.
     * @return the position of the marker that follows (its first 0xFF, fill bytes included)
     */
    int finish() throws DicomFormatException {
        int left = count - phantom;
        if (left >= 8 || !ended && !markerAt(pos)) {
            int extra = left / 8 + (ended ? 0 : 1);
            throw new DicomFormatException(what + ": data continues after the last block of an entropy-coded segment (about "
                    + extra + " byte(s) before byte " + pos + "): corrupt");
        }
        return pos;
    }

    private boolean markerAt(int p) {
        return p + 1 < data.length && (data[p] & 0xFF) == 0xFF && data[p + 1] != 0;
    }

    /**
     * Reads the RSTn marker (n = {@code expected}, 0..7) that must follow the current segment, and starts
     * the next segment after it.
     */
    void restart(int expected) throws DicomFormatException {
        int p = finish();
        while (p + 1 < data.length && (data[p + 1] & 0xFF) == 0xFF) {
            p++;
        }
        int m = p + 1 < data.length ? data[p + 1] & 0xFF : -1;
        if (m != 0xD0 + expected) {
            throw new DicomFormatException(what + ": expected restart marker RST" + expected + " at byte " + p + ", found "
                    + (m < 0 ? "the end of the data" : String.format("marker 0x%02X", m)));
        }
        pos = p + 2;
        buf = 0;
        count = 0;
        phantom = 0;
        ended = false;
    }
}
