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
import org.vesalius.medical.raster.JpegHeader;

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

    /** The frame's SOF ({@link JpegHeader#read}), its defects as DICOM format errors naming the frame. */
    static JpegHeader readSof(byte[] j, int frame) throws DicomFormatException {
        try {
            return JpegHeader.read(j, "JPEG frame " + frame);
        } catch (IOException e) {
            throw new DicomFormatException(e.getMessage(), e);
        }
    }

    /**
     * Decodes into {@code out} (little-endian, sample-interleaved, {@code bytesPerSample} per value).
     * @param raw true to keep the codestream's colour space (YBR, monochrome); false to let the decoder
     *            convert YCbCr to RGB
     */
    static void decode(byte[] j, int frame, int rows, int cols, int samples, int bytesPerSample, boolean raw,
                       byte[] out, int outOff) throws IOException {
        JpegHeader sof = readSof(j, frame);
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
