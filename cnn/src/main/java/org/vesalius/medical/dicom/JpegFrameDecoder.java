package org.vesalius.medical.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one JPEG frame. 8-bit DCT (baseline, extended process 2) and lossless (process 14) go through
 * ImageIO: the JDK's libjpeg for DCT (read raw, without colour conversion, when the DICOM photometric is
 * YBR or monochrome; its islow IDCT and fancy upsampling are what the conformance corpus' references
 * were decoded with) and TwelveMonkeys' pure-Java decoder for lossless. 12-bit extended sequential
 * (process 4), which no ImageIO plugin decodes, goes to {@link SequentialJpegDecoder}. The frame's SOF is
 * checked against Rows/Columns/Samples before anything is decoded, so a lying header cannot cause a huge
 * allocation.
 */
final class JpegFrameDecoder {
    private JpegFrameDecoder() {
    }

    /**
     * Parsed start-of-frame: marker (0xC0..0xCF), precision, height, width, components, and the fewest bits
     * of entropy-coded data a valid frame of that size has (0 where there is no such bound).
     */
    record Sof(int marker, int precision, int height, int width, int components, long minBits) {
        boolean lossless() {
            return marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF;
        }

        /** The T.81 process, numbered as DICOM's transfer syntax names do. */
        String process() {
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
    }

    static Sof readSof(byte[] j, int frame) throws DicomFormatException {
        if (j.length < 4 || (j[0] & 0xFF) != 0xFF || (j[1] & 0xFF) != 0xD8) {
            throw new DicomFormatException("JPEG frame " + frame + ": no SOI marker (FFD8) at its start");
        }
        int p = 2;
        while (p + 4 <= j.length) {
            if ((j[p] & 0xFF) != 0xFF) {
                throw new DicomFormatException("JPEG frame " + frame + ": expected a marker at byte " + p);
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
                return new Sof(m, j[p + 4] & 0xFF, height, width, nf, minimumBits(j, p + 10, m, width, height, nf));
            }
            if (m == 0xDA) {
                break;
            }
            p += 2 + len;
        }
        throw new DicomFormatException("JPEG frame " + frame + ": no start-of-frame (SOF) marker before the scan data");
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

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Decodes into {@code out} (little-endian, sample-interleaved, {@code bytesPerSample} per value).
     * @param raw true to keep the codestream's colour space (YBR, monochrome); false to let the decoder
     *            convert YCbCr to RGB
     */
    static void decode(byte[] j, int frame, int rows, int cols, int samples, int bytesPerSample, boolean raw,
                       byte[] out, int outOff) throws IOException {
        Sof sof = readSof(j, frame);
        if (sof.width() != cols || sof.height() != rows && sof.height() != 0 || sof.components() != samples) {
            throw new DicomFormatException("JPEG frame " + frame + " is " + sof.width() + "x" + sof.height() + " with "
                    + sof.components() + " components, but the dataset says Columns " + cols + ", Rows " + rows
                    + ", Samples per Pixel " + samples);
        }
        if (sof.precision() != 8 && !sof.lossless()) {
            if (sof.precision() == 12 && (sof.marker() == 0xC0 || sof.marker() == 0xC1)) {
                String what = "JPEG frame " + frame + " (" + sof.process() + ")";
                try {
                    SequentialJpegDecoder.decode(j, what, rows, cols, samples, bytesPerSample, raw, out, outOff);
                } catch (RuntimeException e) {
                    // every defect the decoder knows of is a DicomFormatException; this is the last line
                    throw new DicomFormatException(what + ": decoder failed: " + e, e);
                }
                return;
            }
            throw new DicomFormatException("JPEG frame " + frame + ": " + sof.process() + " is not supported (DCT"
                    + " frames above 8 bits are decoded for the sequential Huffman process 4 only)");
        }
        if (sof.marker() != 0xC0 && sof.marker() != 0xC1 && sof.marker() != 0xC2 && sof.marker() != 0xC3) {
            throw new DicomFormatException("JPEG frame " + frame + ": " + sof.process() + " is not supported");
        }
        ImageReader reader = pickReader(sof.lossless());
        Raster r;
        // in memory: ImageIO's default stream would cache through a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(j))) {
            reader.setInput(in, true, true);
            if (!sof.lossless() && raw && reader.canReadRaster()) {
                r = reader.readRaster(0, null);
            } else {
                BufferedImage img = reader.read(0);
                r = img.getRaster();
            }
        } catch (IOException | RuntimeException e) {
            throw new DicomFormatException("JPEG frame " + frame + " (" + sof.process() + "): decoder failed: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
        if (r.getWidth() != cols || r.getHeight() != rows || r.getNumBands() != samples) {
            throw new DicomFormatException("JPEG frame " + frame + " decoded to " + r.getWidth() + "x" + r.getHeight() + "x"
                    + r.getNumBands() + ", expected " + cols + "x" + rows + "x" + samples);
        }
        int[] row = new int[cols * samples];
        int p = outOff;
        for (int y = 0; y < rows; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, cols, 1, row);
            for (int v : row) {
                for (int k = 0; k < bytesPerSample; k++) {
                    out[p++] = (byte) (v >>> (8 * k));
                }
            }
        }
    }

    private static ImageReader pickReader(boolean lossless) throws DicomFormatException {
        ImageReader fallback = null;
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        while (it.hasNext()) {
            ImageReader r = it.next();
            if (r.getClass().getName().startsWith("com.twelvemonkeys")) {
                return r;
            }
            if (fallback == null) {
                fallback = r;
            }
        }
        if (lossless || fallback == null) {
            throw new DicomFormatException("no ImageIO JPEG reader for " + (lossless ? "lossless JPEG: add com.twelvemonkeys.imageio:imageio-jpeg" : "JPEG"));
        }
        return fallback;
    }
}
