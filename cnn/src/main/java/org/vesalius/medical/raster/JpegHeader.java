package org.vesalius.medical.raster;

import java.io.IOException;

/**
 * A JPEG codestream's start-of-frame, parsed without decoding: marker (0xC0..0xCF), precision, height,
 * width, components, and the fewest bits of entropy-coded data a valid frame of that size has (0 where
 * there is no such bound). Readers compare {@link #minBits()} with the bytes they hold before they
 * allocate the image, so a header that lies about its size cannot force a large allocation.
 */
public record JpegHeader(int marker, int precision, int height, int width, int components, long minBits) {
    /** Whether the frame is lossless (process 14 or 15, or their hierarchical forms). */
    public boolean lossless() {
        return marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF;
    }

    /** The T.81 process, numbered as DICOM's transfer syntax names do. */
    public String process() {
        boolean twelve = precision > 8;
        switch (marker) {
            case 0xC0: return "baseline (process 1)";
            case 0xC1: return "extended sequential " + precision + "-bit, Huffman (process " + (twelve ? 4 : 2) + ")";
            case 0xC2: return "progressive " + precision + "-bit, Huffman (process " + (twelve ? "8 or 12" : "6 or 10") + ")";
            case 0xC3: return "lossless, Huffman (process 14)";
            case 0xC9: return "extended sequential " + precision + "-bit, arithmetic (process " + (twelve ? 5 : 3) + ")";
            case 0xCA: return "progressive " + precision + "-bit, arithmetic (process " + (twelve ? "9 or 13" : "7 or 11") + ")";
            case 0xCB: return "lossless, arithmetic (process 15)";
            default: return String.format("hierarchical (SOF 0x%02X)", marker);
        }
    }

    /**
     * The SOF of the codestream {@code j}, found by walking its markers from the SOI.
     * @param what how messages name the codestream (e.g. {@code "JPEG frame 0"} or a file name)
     * @throws IOException when there is no SOI, a marker is missing, or no SOF comes before the scan data
     */
    public static JpegHeader read(byte[] j, String what) throws IOException {
        if (j.length < 4 || (j[0] & 0xFF) != 0xFF || (j[1] & 0xFF) != 0xD8) {
            throw new IOException(what + ": no SOI marker (FFD8) at its start");
        }
        int p = 2;
        while (p + 4 <= j.length) {
            if ((j[p] & 0xFF) != 0xFF) {
                throw new IOException(what + ": expected a marker at byte " + p);
            }
            int m = j[p + 1] & 0xFF;
            if (m == 0xFF) {
                p++;
                continue;
            }
            int len = (j[p + 2] & 0xFF) << 8 | j[p + 3] & 0xFF;
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (p + 10 > j.length) {
                    break;
                }
                int height = (j[p + 5] & 0xFF) << 8 | j[p + 6] & 0xFF;
                int width = (j[p + 7] & 0xFF) << 8 | j[p + 8] & 0xFF;
                int nf = j[p + 9] & 0xFF;
                return new JpegHeader(m, j[p + 4] & 0xFF, height, width, nf, minimumBits(j, p + 10, m, width, height, nf));
            }
            if (m == 0xDA) {
                break;
            }
            p += 2 + len;
        }
        throw new IOException(what + ": no start-of-frame (SOF) marker before the scan data");
    }

    /**
     * A lower bound on the entropy-coded bits of a frame, from its size and the sampling factors at
     * {@code at}: every Huffman code is at least one bit, so a sequential DCT block takes at least two (its
     * DC difference and an end of block), a progressive one at least one (in its first DC scan), a lossless
     * sample at least one (subsampled components count their own samples). Arithmetic coding can take less
     * than a bit: no bound.
     */
    private static long minimumBits(byte[] j, int at, int marker, int width, int height, int nf) {
        boolean lossless = marker == 0xC3;
        if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2 && !lossless || at + 3L * nf > j.length) {
            return 0;
        }
        int hmax = 0;
        int vmax = 0;
        for (int i = 0; i < nf; i++) {
            hmax = Math.max(hmax, (j[at + 3 * i + 1] & 0xFF) >> 4);
            vmax = Math.max(vmax, j[at + 3 * i + 1] & 15);
        }
        long units = 0;
        for (int i = 0; i < nf; i++) {
            int h = (j[at + 3 * i + 1] & 0xFF) >> 4;
            int v = j[at + 3 * i + 1] & 15;
            if (h == 0 || v == 0) {
                return 0; // invalid; the decoder names it
            }
            long w = ceilDiv((long) width * h, hmax);
            long ht = ceilDiv((long) height * v, vmax);
            units += lossless ? w * ht : ceilDiv(w, 8) * ceilDiv(ht, 8);
        }
        return units * (marker == 0xC1 || marker == 0xC0 ? 2 : 1);
    }

    /** {@code ceil(a / b)} for positive values. */
    public static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
