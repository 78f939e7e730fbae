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
 * Decodes one JPEG frame (baseline, extended 8-bit, lossless process 14) through ImageIO: the JDK's
 * libjpeg for DCT processes (read raw, without colour conversion, when the DICOM photometric is YBR or
 * monochrome) and TwelveMonkeys' pure-Java decoder for lossless. The frame's SOF is checked against
 * Rows/Columns/Samples before anything is decoded, so a lying header cannot cause a huge allocation.
 */
final class JpegFrameDecoder {
    private JpegFrameDecoder() {
    }

    /** Parsed start-of-frame: marker (0xC0..0xCF), precision, height, width, components. */
    record Sof(int marker, int precision, int height, int width, int components) {
        boolean lossless() {
            return marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF;
        }

        String process() {
            switch (marker) {
                case 0xC0: return "baseline (process 1)";
                case 0xC1: return "extended sequential " + precision + "-bit (process 2/4)";
                case 0xC2: return "progressive";
                case 0xC3: return "lossless (process 14)";
                default: return String.format("SOF 0x%02X", marker);
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
                return new Sof(m, j[p + 4] & 0xFF, (j[p + 5] & 0xFF) << 8 | j[p + 6] & 0xFF,
                        (j[p + 7] & 0xFF) << 8 | j[p + 8] & 0xFF, j[p + 9] & 0xFF);
            }
            if (m == 0xDA) {
                break;
            }
            p += 2 + len;
        }
        throw new DicomFormatException("JPEG frame " + frame + ": no start-of-frame (SOF) marker before the scan data");
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
        if (sof.precision() > 8 && !sof.lossless()) {
            throw new DicomFormatException("JPEG frame " + frame + ": " + sof.process()
                    + " is not supported (the JDK's libjpeg decodes 8-bit DCT only)");
        }
        if (sof.marker() != 0xC0 && sof.marker() != 0xC1 && sof.marker() != 0xC2 && sof.marker() != 0xC3) {
            throw new DicomFormatException("JPEG frame " + frame + ": " + sof.process() + " (arithmetic or hierarchical coding) is not supported");
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
