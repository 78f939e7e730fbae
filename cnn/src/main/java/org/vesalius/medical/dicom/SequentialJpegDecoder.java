package org.vesalius.medical.dicom;

import static org.vesalius.medical.raster.JpegHeader.ceilDiv;

import org.vesalius.medical.raster.JpegHeader;

/**
 * Pure-Java decoder for sequential, Huffman-coded DCT JPEG (ITU T.81 processes 1, 2 and 4: SOF0/SOF1,
 * 8- or 12-bit samples), which DICOM uses for JPEG Extended (1.2.840.10008.1.2.4.51) and which the JDK's
 * libjpeg cannot decode at 12 bits. One to four components with any sampling factors, interleaved and
 * non-interleaved scans, 8- and 16-bit quantization tables, restart intervals. Subsampled components are
 * upsampled by replication; YCbCr is converted to RGB (JFIF's equations, centred at 2^(P-1)) only when
 * asked to and only when the stream says or implies YCbCr (Adobe APP14 transform, JFIF APP0, component
 * ids other than 'R', 'G', 'B'), as libjpeg decides.
 *
 * <p>Every defect (truncation, an invalid Huffman code, a missing table, an unknown component, sizes that
 * disagree with the dataset) is a {@link DicomFormatException} naming it. The frame's size is checked
 * against the compressed length before its sample planes are allocated: each block needs at least two
 * bits (a DC and an end-of-block code).
 */
final class SequentialJpegDecoder {
    /** Natural (row-major) index of the k-th coefficient in zig-zag order (T.81 Figure A.6). */
    static final int[] ZIGZAG = zigzag();

    private final byte[] j;
    private final String what;
    private final int[][] quant = new int[4][];
    private final JpegHuffmanTable[] dcTables = new JpegHuffmanTable[4];
    private final JpegHuffmanTable[] acTables = new JpegHuffmanTable[4];
    private int restartInterval;
    private boolean jfif;
    private int adobeTransform = -1;
    private int precision;
    private int width;
    private int height;
    private int hmax;
    private int vmax;
    private Component[] comps;
    private JpegIdct idct;
    private final int[] coef = new int[64];

    private static final class Component {
        int id;
        int h;
        int v;
        int tq;
        /** Quantization table latched when the component's scan starts (zig-zag order). */
        int[] q;
        JpegHuffmanTable dc;
        JpegHuffmanTable ac;
        /** Blocks per line and per column of the plane, padded to whole MCUs of an interleaved scan. */
        int blocksWide;
        int blocksHigh;
        /** Blocks the component really has (ceil(ceil(X * h / hmax) / 8) etc.): a non-interleaved scan's grid. */
        int ownWide;
        int ownHigh;
        short[] plane;
        boolean coded;
        int pred;
    }

    private SequentialJpegDecoder(byte[] j, String what) {
        this.j = j;
        this.what = what;
    }

    /**
     * Decodes one JPEG frame into {@code out}: little-endian, sample-interleaved, {@code bytesPerSample} bytes
     * per value, {@code rows * cols * samples} values.
     * @param raw true to keep the codestream's components as they are (YBR, monochrome); false to convert
     *            YCbCr to RGB (and Adobe YCCK to CMYK) where the stream is in YCbCr
     */
    static void decode(byte[] j, String what, int rows, int cols, int samples, int bytesPerSample, boolean raw,
                       byte[] out, int outOff) throws DicomFormatException {
        SequentialJpegDecoder d = new SequentialJpegDecoder(j, what);
        d.parse(rows, cols, samples, bytesPerSample);
        d.write(raw, bytesPerSample, out, outOff);
    }

    private DicomFormatException error(String defect) {
        return new DicomFormatException(what + ": " + defect);
    }

    private int u8(int p) {
        return j[p] & 0xFF;
    }

    private int u16(int p) {
        return (j[p] & 0xFF) << 8 | j[p + 1] & 0xFF;
    }

    private void parse(int rows, int cols, int samples, int bytesPerSample) throws DicomFormatException {
        if (j.length < 4 || u8(0) != 0xFF || u8(1) != 0xD8) {
            throw error("no SOI marker (FFD8) at its start");
        }
        int p = 2;
        while (true) {
            if (p >= j.length || u8(p) != 0xFF) {
                throw error(p >= j.length ? "the data ends before the EOI marker (FFD9): truncated"
                        : String.format("expected a marker at byte %d, found 0x%02X", p, u8(p)));
            }
            while (p + 1 < j.length && u8(p + 1) == 0xFF) { // fill bytes
                p++;
            }
            if (p + 1 >= j.length) {
                throw error("the data ends inside a marker at byte " + p + ": truncated");
            }
            int m = u8(p + 1);
            p += 2;
            if (m == 0xD9) {
                finishFrame();
                return;
            }
            if (m == 0xD8 || m >= 0xD0 && m <= 0xD7 || m == 0x01) {
                throw error(String.format("unexpected marker 0x%02X at byte %d", m, p - 2));
            }
            if (p + 2 > j.length) {
                throw error(String.format("the data ends in the length of marker 0x%02X: truncated", m));
            }
            int len = u16(p);
            if (len < 2 || p + len > j.length) {
                throw error(String.format("segment 0x%02X at byte %d has length %d but %d bytes remain%s", m, p - 2, len,
                        j.length - p, len < 2 ? "" : ": truncated"));
            }
            int a = p + 2;
            int end = p + len;
            switch (m) {
                case 0xC0:
                case 0xC1:
                    readFrameHeader(m, a, end, rows, cols, samples, bytesPerSample);
                    break;
                case 0xC4:
                    readHuffmanTables(a, end);
                    break;
                case 0xDB:
                    readQuantTables(a, end);
                    break;
                case 0xDD:
                    if (len != 4) {
                        throw error("DRI segment length " + len + ", expected 4");
                    }
                    restartInterval = u16(a);
                    break;
                case 0xDA:
                    end = scan(a, end);
                    break;
                case 0xDC:
                    throw error("DNL marker (frame height defined after the first scan) is not supported");
                case 0xE0:
                    jfif |= len >= 7 && u8(a) == 'J' && u8(a + 1) == 'F' && u8(a + 2) == 'I' && u8(a + 3) == 'F' && u8(a + 4) == 0;
                    break;
                case 0xEE:
                    if (len >= 14 && u8(a) == 'A' && u8(a + 1) == 'd' && u8(a + 2) == 'o' && u8(a + 3) == 'b' && u8(a + 4) == 'e') {
                        adobeTransform = u8(a + 11);
                    }
                    break;
                default:
                    if (m >= 0xC2 && m <= 0xCF && m != 0xC8 && m != 0xCC) {
                        throw error(String.format("SOF 0x%02X, %s, is not a sequential Huffman DCT process", m,
                                new JpegHeader(m, end > a ? u8(a) : 8, 0, 0, 0, 0).process()));
                    }
                    if (!(m >= 0xE0 && m <= 0xEF || m == 0xFE)) {
                        throw error(String.format("unexpected marker 0x%02X at byte %d", m, p - 2));
                    }
            }
            p = end;
        }
    }

    private void readFrameHeader(int m, int a, int end, int rows, int cols, int samples, int bytesPerSample)
            throws DicomFormatException {
        if (comps != null) {
            throw error("a second frame header (SOF); one frame is supported");
        }
        if (end - a < 6) {
            throw error("SOF segment too short");
        }
        precision = u8(a);
        height = u16(a + 1);
        width = u16(a + 3);
        int nf = u8(a + 5);
        if (precision != 8 && precision != 12) {
            throw error("sample precision " + precision + " in a DCT frame; accepted are 8 and 12");
        }
        if (m == 0xC0 && precision != 8) {
            throw error("baseline (SOF0) frame with precision " + precision + "; baseline is 8-bit");
        }
        if (precision > 8 * bytesPerSample) {
            throw error(precision + "-bit samples do not fit in " + bytesPerSample + " byte(s) per sample (Bits Allocated "
                    + 8 * bytesPerSample + ")");
        }
        if (nf < 1 || nf > 4 || end - a != 6 + 3 * nf) {
            throw error("SOF segment declares " + nf + " components in " + (end - a + 2) + " bytes; accepted are 1 to 4 components of 3 bytes each");
        }
        if (height == 0) {
            throw error("frame height 0 (to be defined by a DNL marker) is not supported");
        }
        if (width != cols || height != rows || nf != samples) {
            throw error("frame is " + width + "x" + height + " with " + nf + " components, but the dataset says Columns " + cols
                    + ", Rows " + rows + ", Samples per Pixel " + samples);
        }
        comps = new Component[nf];
        for (int i = 0; i < nf; i++) {
            Component c = new Component();
            c.id = u8(a + 6 + 3 * i);
            c.h = u8(a + 7 + 3 * i) >> 4;
            c.v = u8(a + 7 + 3 * i) & 15;
            c.tq = u8(a + 8 + 3 * i);
            if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3) {
                throw error("component " + c.id + " has sampling factors " + c.h + "x" + c.v + " and quantization table " + c.tq
                        + "; accepted are factors 1..4 and tables 0..3");
            }
            for (int k = 0; k < i; k++) {
                if (comps[k].id == c.id) {
                    throw error("component id " + c.id + " appears twice in the frame header");
                }
            }
            comps[i] = c;
            hmax = Math.max(hmax, c.h);
            vmax = Math.max(vmax, c.v);
        }
        long mcusWide = ceilDiv(width, 8L * hmax);
        long mcusHigh = ceilDiv(height, 8L * vmax);
        long blocks = 0;
        long samplesInPlanes = 0;
        for (Component c : comps) {
            c.blocksWide = (int) (mcusWide * c.h);
            c.blocksHigh = (int) (mcusHigh * c.v);
            c.ownWide = (int) ceilDiv(ceilDiv((long) width * c.h, hmax), 8);
            c.ownHigh = (int) ceilDiv(ceilDiv((long) height * c.v, vmax), 8);
            blocks += (long) c.ownWide * c.ownHigh;
            samplesInPlanes += 64L * c.blocksWide * c.blocksHigh;
        }
        if (blocks * 2 > 8L * j.length) {
            throw error(j.length + " bytes cannot hold a " + width + "x" + height + " frame of " + blocks
                    + " blocks (at least 2 bits each): truncated, or the header is wrong");
        }
        if (samplesInPlanes > Integer.MAX_VALUE - 64) {
            throw error("frame of " + width + "x" + height + " is too large to decode");
        }
        for (Component c : comps) {
            c.plane = new short[64 * c.blocksWide * c.blocksHigh];
        }
        idct = new JpegIdct(precision);
    }

    private void readHuffmanTables(int a, int end) throws DicomFormatException {
        int p = a;
        while (p < end) {
            if (p + 17 > end) {
                throw error("DHT segment ends inside a table header");
            }
            int tc = u8(p) >> 4;
            int th = u8(p) & 15;
            if (tc > 1 || th > 3) {
                throw error("DHT table class " + tc + " id " + th + "; accepted are class 0 (DC) or 1 (AC), ids 0..3");
            }
            int[] counts = new int[16];
            int total = 0;
            for (int i = 0; i < 16; i++) {
                counts[i] = u8(p + 1 + i);
                total += counts[i];
            }
            if (total > 256 || p + 17 + total > end) {
                throw error("DHT table " + (tc == 0 ? "DC " : "AC ") + th + " declares " + total + " codes, more than "
                        + (total > 256 ? "256" : "its segment holds"));
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = u8(p + 17 + i);
            }
            (tc == 0 ? dcTables : acTables)[th] = new JpegHuffmanTable(counts, symbols, what);
            p += 17 + total;
        }
    }

    private void readQuantTables(int a, int end) throws DicomFormatException {
        int p = a;
        while (p < end) {
            int pq = u8(p) >> 4;
            int tq = u8(p) & 15;
            if (pq > 1 || tq > 3) {
                throw error("DQT precision " + pq + " id " + tq + "; accepted are precision 0 (8-bit) or 1 (16-bit), ids 0..3");
            }
            int size = pq == 0 ? 64 : 128;
            if (p + 1 + size > end) {
                throw error("DQT segment ends inside table " + tq);
            }
            int[] q = new int[64];
            for (int k = 0; k < 64; k++) {
                q[k] = pq == 0 ? u8(p + 1 + k) : u16(p + 1 + 2 * k);
                if (q[k] == 0) {
                    throw error("quantization table " + tq + " has a zero at position " + k);
                }
            }
            quant[tq] = q;
            p += 1 + size;
        }
    }

    /** Reads a scan header at {@code a..end} and decodes the scan that follows; returns where the next marker starts. */
    private int scan(int a, int end) throws DicomFormatException {
        if (comps == null) {
            throw error("scan (SOS) before the frame header (SOF)");
        }
        int ns = end > a ? u8(a) : 0;
        if (ns < 1 || ns > 4 || end - a != 4 + 2 * ns) {
            throw error("SOS segment declares " + ns + " components in " + (end - a + 2) + " bytes");
        }
        Component[] sc = new Component[ns];
        int blocksPerMcu = 0;
        for (int i = 0; i < ns; i++) {
            int id = u8(a + 1 + 2 * i);
            Component c = null;
            for (Component f : comps) {
                if (f.id == id) {
                    c = f;
                }
            }
            if (c == null) {
                throw error("scan names component id " + id + ", which the frame header does not define");
            }
            if (c.coded) {
                throw error("component " + id + " is coded in more than one scan");
            }
            c.coded = true;
            int td = u8(a + 2 + 2 * i) >> 4;
            int ta = u8(a + 2 + 2 * i) & 15;
            c.dc = td < 4 ? dcTables[td] : null;
            c.ac = ta < 4 ? acTables[ta] : null;
            if (c.dc == null || c.ac == null) {
                throw error("scan uses Huffman table " + (c.dc == null ? "DC " + td : "AC " + ta) + ", which is not defined");
            }
            if (quant[c.tq] == null) {
                throw error("component " + id + " uses quantization table " + c.tq + ", which is not defined");
            }
            c.q = quant[c.tq].clone();
            c.pred = 0;
            blocksPerMcu += c.h * c.v;
            sc[i] = c;
        }
        int ss = u8(end - 3);
        int se = u8(end - 2);
        int ahal = u8(end - 1);
        if (ss != 0 || se != 63 || ahal != 0) {
            throw error("scan has spectral selection " + ss + ".." + se + " and successive approximation " + ahal
                    + ": a progressive scan in a sequential frame");
        }
        if (ns > 1 && blocksPerMcu > 10) {
            throw error("interleaved scan has " + blocksPerMcu + " blocks per MCU; at most 10 are allowed");
        }
        JpegBitReader r = new JpegBitReader(j, end, what);
        int mcusWide = ns == 1 ? sc[0].ownWide : (int) ceilDiv(width, 8L * hmax);
        int mcusHigh = ns == 1 ? sc[0].ownHigh : (int) ceilDiv(height, 8L * vmax);
        long total = (long) mcusWide * mcusHigh;
        int restarts = 0;
        for (long m = 0; m < total; m++) {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0) {
                r.restart(restarts & 7);
                restarts++;
                for (Component c : sc) {
                    c.pred = 0;
                }
            }
            int mx = (int) (m % mcusWide);
            int my = (int) (m / mcusWide);
            if (ns == 1) {
                block(r, sc[0], mx, my);
            } else {
                for (Component c : sc) {
                    for (int by = 0; by < c.v; by++) {
                        for (int bx = 0; bx < c.h; bx++) {
                            block(r, c, mx * c.h + bx, my * c.v + by);
                        }
                    }
                }
            }
        }
        return r.finish();
    }

    /** Decodes, dequantizes and inverse-transforms one block into the component's plane (F.2.2.1, F.2.2.2). */
    private void block(JpegBitReader r, Component c, int bx, int by) throws DicomFormatException {
        java.util.Arrays.fill(coef, 0);
        int t = c.dc.decode(r, what);
        if (t > precision + 3) {
            throw error("DC difference category " + t + " exceeds " + (precision + 3) + " for " + precision + "-bit samples: corrupt");
        }
        c.pred += extend(r.receive(t), t);
        coef[0] = c.pred * c.q[0];
        int maxAc = precision + 2;
        for (int k = 1; k < 64; k++) {
            int rs = c.ac.decode(r, what);
            int run = rs >> 4;
            int s = rs & 15;
            if (s == 0) {
                if (run != 15) {
                    break; // end of block
                }
                if (k + 16 > 64) {
                    throw error("run of zeros past the end of a block in component " + c.id + ": corrupt");
                }
                k += 15;
                continue;
            }
            k += run;
            if (k > 63 || s > maxAc) {
                throw error((k > 63 ? "AC coefficients past the end of a block" : "AC coefficient category " + s + " exceeds " + maxAc)
                        + " in component " + c.id + ": corrupt");
            }
            coef[ZIGZAG[k]] = extend(r.receive(s), s) * c.q[k];
        }
        int stride = c.blocksWide * 8;
        idct.inverse(coef, c.plane, by * 8 * stride + bx * 8, stride);
    }

    private static int extend(int v, int t) {
        return t == 0 || v >= 1 << (t - 1) ? v : v - (1 << t) + 1;
    }

    private void finishFrame() throws DicomFormatException {
        if (comps == null) {
            throw error("EOI before any frame header (SOF)");
        }
        for (Component c : comps) {
            if (!c.coded) {
                throw error("component " + c.id + " is never coded: the image ends before its scan");
            }
        }
    }

    private void write(boolean raw, int bytesPerSample, byte[] out, int outOff) {
        int nf = comps.length;
        int[] px = new int[nf];
        int max = (1 << precision) - 1;
        int center = 1 << (precision - 1);
        boolean ycc = !raw && (nf == 3 && (jfif || (adobeTransform >= 0 ? adobeTransform != 0 : !rgbIds()))
                || nf == 4 && adobeTransform == 2);
        int p = outOff;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int i = 0; i < nf; i++) {
                    Component c = comps[i];
                    px[i] = c.plane[(y * c.v / vmax) * c.blocksWide * 8 + x * c.h / hmax];
                }
                if (ycc) {
                    double yy = px[0];
                    double cb = px[1] - center;
                    double cr = px[2] - center;
                    px[0] = round(yy + 1.402 * cr, max);
                    px[1] = round(yy - 0.344136 * cb - 0.714136 * cr, max);
                    px[2] = round(yy + 1.772 * cb, max);
                    if (nf == 4) { // Adobe YCCK: the YCC part gives inverted CMY, K is as stored
                        px[0] = max - px[0];
                        px[1] = max - px[1];
                        px[2] = max - px[2];
                    }
                }
                for (int i = 0; i < nf; i++) {
                    for (int k = 0; k < bytesPerSample; k++) {
                        out[p++] = (byte) (px[i] >>> (8 * k));
                    }
                }
            }
        }
    }

    private boolean rgbIds() {
        return comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B';
    }

    private static int round(double v, int max) {
        double r = Math.floor(v + 0.5);
        return r < 0 ? 0 : r > max ? max : (int) r;
    }

    private static int[] zigzag() {
        int[] z = new int[64];
        int k = 0;
        for (int d = 0; d < 15; d++) { // anti-diagonals x + y = d, walked alternately up and down
            for (int i = 0; i <= d; i++) {
                int y = d % 2 == 0 ? d - i : i;
                int x = d - y;
                if (x < 8 && y < 8) {
                    z[k++] = y * 8 + x;
                }
            }
        }
        return z;
    }
}
