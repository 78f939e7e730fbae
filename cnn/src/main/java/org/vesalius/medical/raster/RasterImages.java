package org.vesalius.medical.raster;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.vesalius.io.AtomicFile;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * PNG and JPEG (and any other format ImageIO reads) as 2-D {@link MedicalImage}s with unit spacing,
 * origin 0 and identity direction: data {@code [C, H, W]}, C = 1 (grey), 2 (grey + alpha), 3 (RGB) or
 * 4 (RGBA) bands as stored, uint8 for 8-bit images and int32 for 16-bit ones. Index i is the column
 * (x), j the row (y, growing downwards as in the file).
 *
 * <p>Reading checks the size a file declares before a decoder allocates anything of that size: at most
 * {@link #MAX_SAMPLES} samples, and no more than its bytes hold: a PNG's image data must inflate to the
 * rows its header declares (counted, without keeping them, when the header claims more than 64 times the
 * file's size); a JPEG's bytes must hold the bits its frame needs ({@link JpegHeader#minBits()}) and end
 * with an EOI; an uncompressed BMP must hold its rows; other formats get at most 4096 pixels per byte.
 * Every failure, including the unchecked exceptions ImageIO's decoders throw on corrupt data, is an
 * {@link IOException} naming the file; a JPEG whose data ends early (which ImageIO would fill with grey)
 * is one too.
 */
public final class RasterImages {
    /** Larger images are refused before decoding (width × height × 4). */
    public static final long MAX_SAMPLES = 1L << 30;
    /** Pixels per file byte allowed for formats without a tighter rule (GIF's LZW, BMP's RLE, TIFF). */
    private static final long OTHER_RATIO = 4096;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private RasterImages() {
    }

    /** Reads a PNG, JPEG, BMP or GIF (first frame). */
    public static MedicalImage read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 64) {
            throw new IOException(path + ": " + size + " bytes is more than this reader accepts (2 GiB)");
        }
        return read(Files.readAllBytes(path), path.toString());
    }

    /** Reads a PNG, JPEG, BMP or GIF (first frame) from its bytes; {@code name} is used in messages. */
    public static MedicalImage read(byte[] bytes, String name) throws IOException {
        // in memory: ImageIO's default stream would cache through a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> it = ImageIO.getImageReaders(in);
            if (!it.hasNext()) {
                throw new IOException(name + ": not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
            }
            ImageReader r = it.next();
            List<String> truncated = new ArrayList<>();
            r.addIIOReadWarningListener((source, warning) -> {
                if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                    truncated.add(warning);
                }
            });
            BufferedImage img;
            try {
                r.setInput(in, true, true);
                checkSize(r.getFormatName().toLowerCase(Locale.ROOT), r.getWidth(0), r.getHeight(0), bytes, name);
                img = r.read(0);
            } finally {
                r.dispose();
            }
            if (!truncated.isEmpty()) {
                throw new IOException(name + ": the image data ends early (" + truncated.get(0) + "): a truncated file");
            }
            return toImage(img, name);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(name) ? e
                    : new IOException(name + ": corrupt image: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // ImageIO's decoders throw ArrayIndexOutOfBounds, IllegalArgument, NegativeArraySize... on corrupt data
            throw new IOException(name + ": corrupt image (the decoder failed with " + e + ")", e);
        }
    }

    /**
     * Refuses a declared size larger than {@link #MAX_SAMPLES} or than the file's bytes can hold (see
     * the class comment), before the decoder allocates the image.
     */
    private static void checkSize(String format, int width, int height, byte[] b, String name) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IOException(name + ": the header declares " + width + "x" + height + " pixels");
        }
        long pixels = (long) width * height;
        if (pixels * 4 > MAX_SAMPLES) {
            throw new IOException(name + ": " + width + "x" + height + " is larger than supported (" + MAX_SAMPLES
                    + " samples)");
        }
        if (format.equals("png") && startsWith(b, PNG_SIGNATURE) && b.length >= 29) {
            checkPng(b, width, height, name);
        } else if ((format.equals("jpeg") || format.equals("jpg")) && b.length >= 2 && (b[0] & 0xFF) == 0xFF) {
            JpegHeader sof = JpegHeader.read(b, name);
            if (sof.width() != width || sof.height() != height && sof.height() != 0) {
                throw new IOException(name + ": the JPEG frame header says " + sof.width() + "x" + sof.height()
                        + ", the decoder " + width + "x" + height);
            }
            if (sof.minBits() > 8L * b.length) {
                throw new IOException(name + ": a " + width + "x" + height + "x" + sof.components() + " " + sof.process()
                        + " JPEG needs at least " + sof.minBits() + " bits of data, but the file has " + b.length
                        + " bytes: truncated, or a corrupt frame header");
            }
            if (!endsWithEoi(b)) {
                throw new IOException(name + ": the JPEG has no end-of-image marker (FFD9): a truncated file");
            }
        } else if (format.equals("bmp") && b.length >= 34 && le32(b, 30) == 0) {
            int bits = b[28] & 0xFF | (b[29] & 0xFF) << 8;
            long rows = (long) height * (((long) width * bits + 31) / 32 * 4);
            if (rows > b.length) {
                throw new IOException(name + ": an uncompressed " + width + "x" + height + " BMP of " + bits + " bits per pixel "
                        + "needs " + rows + " bytes of rows, but the file has " + b.length + ": truncated or corrupt");
            }
        } else if (pixels > OTHER_RATIO * b.length) {
            throw new IOException(name + ": the " + format + " header declares " + width + "x" + height + " pixels, more than "
                    + b.length + " bytes can encode (" + OTHER_RATIO + " pixels per byte): a corrupt or truncated file");
        }
    }

    /**
     * The filtered rows a PNG's header declares ({@code height * (1 + ceil(width * bits per pixel / 8))})
     * must come out of its IDAT chunks. Those are inflated and counted (not kept) only when the header
     * claims more than 64 times the file's size, more than ordinary images compress.
     */
    private static void checkPng(byte[] b, int width, int height, String name) throws IOException {
        int depth = b[24] & 0xFF;
        int channels;
        switch (b[25]) {
            case 0: case 3: channels = 1; break;
            case 2: channels = 3; break;
            case 4: channels = 2; break;
            case 6: channels = 4; break;
            default: return; // the decoder names an invalid colour type
        }
        long raw = height * (1 + ((long) width * depth * channels + 7) / 8);
        if (raw <= 64L * b.length) {
            return;
        }
        Inflater inf = new Inflater();
        long out = 0;
        byte[] sink = new byte[1 << 16];
        try {
            for (int p = 8; p + 8 <= b.length && out < raw && !inf.finished(); ) {
                long len = be32(b, p) & 0xFFFFFFFFL;
                boolean idat = b[p + 4] == 'I' && b[p + 5] == 'D' && b[p + 6] == 'A' && b[p + 7] == 'T';
                int avail = (int) Math.min(len, b.length - p - 8L);
                if (idat) {
                    inf.setInput(b, p + 8, avail);
                    while (out < raw && !inf.finished() && !inf.needsInput() && !inf.needsDictionary()) {
                        out += inf.inflate(sink);
                    }
                }
                p += 12 + (int) Math.min(len, Integer.MAX_VALUE - 12L - p);
            }
        } catch (DataFormatException e) {
            throw new IOException(name + ": corrupt PNG image data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        if (out < raw) {
            throw new IOException(name + ": the PNG header declares " + width + "x" + height + " pixels of " + depth * channels
                    + " bits, " + raw + " bytes of rows, but its image data inflates to " + out + ": truncated or corrupt");
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** An EOI (FFD9) among the last 64 bytes: writers may pad after it, never much. */
    private static boolean endsWithEoi(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(0, b.length - 66); i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static int be32(byte[] b, int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF;
    }

    private static int le32(byte[] b, int p) {
        return b[p] & 0xFF | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    /** A BufferedImage as {@code [bands, H, W]}; indexed-colour images are expanded to RGB(A). */
    public static MedicalImage toImage(BufferedImage img, String name) {
        if (img.getColorModel() instanceof java.awt.image.IndexColorModel) {
            BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(),
                    img.getColorModel().hasAlpha() ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(img, 0, 0, null);
            img = rgb;
        }
        Raster r = img.getRaster();
        int w = r.getWidth();
        int h = r.getHeight();
        int c = r.getNumBands();
        boolean wide = r.getTransferType() != DataBuffer.TYPE_BYTE;
        int[] row = new int[w * c];
        int plane = w * h;
        Tensor data;
        if (wide) {
            int[] v = new int[c * plane];
            for (int y = 0; y < h; y++) {
                r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < c; b++) {
                        v[b * plane + y * w + x] = row[x * c + b];
                    }
                }
            }
            data = Tensor.of(v, c, h, w);
        } else {
            byte[] v = new byte[c * plane];
            for (int y = 0; y < h; y++) {
                r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < c; b++) {
                        v[b * plane + y * w + x] = (byte) row[x * c + b];
                    }
                }
            }
            data = Tensor.of(v, c, h, w);
        }
        MedicalImage base = MedicalImage.of(data);
        return new MedicalImage(data, base.spacing(), base.origin(), base.direction(), Map.of("format", "raster", "source", name));
    }

    /**
     * Writes a 2-D image {@code [C, H, W]} (C = 1, 3 or 4; or a 3-D image with one slice) as PNG or JPEG,
     * chosen by the file extension. uint8 (and bool) data is written as is; other dtypes are rounded and
     * must lie in [0, 255], except single-channel int32/int64 data in [0, 65535], which becomes a 16-bit
     * grey PNG. JPEG takes 1 or 3 channels at quality {@code 0.95}. The file appears atomically.
     * @throws IllegalArgumentException for another shape, channel count, value range or extension
     */
    public static void write(MedicalImage image, Path path) throws IOException {
        String fname = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = fname.endsWith(".png") ? "png" : fname.endsWith(".jpg") || fname.endsWith(".jpeg") ? "jpeg" : null;
        if (format == null) {
            throw new IllegalArgumentException("RasterImages.write: extension of " + path + " must be .png, .jpg or .jpeg");
        }
        Tensor t = image.data();
        int[] s = t.shape();
        if (s.length == 4 && s[1] == 1) {
            s = new int[] {s[0], s[2], s[3]};
        } else if (s.length != 3) {
            throw new IllegalArgumentException("RasterImages.write: needs [C, H, W] (or one slice of [C, 1, H, W]), got "
                    + Arrays.toString(t.shape()));
        }
        int c = s[0];
        int h = s[1];
        int w = s[2];
        if (c != 1 && c != 3 && c != 4 || format.equals("jpeg") && c == 4) {
            throw new IllegalArgumentException("RasterImages.write: " + c + " channels cannot be written as " + format
                    + " (accepted: 1, 3" + (format.equals("png") ? " or 4" : "") + ")");
        }
        double[] v = t.toDoubleArray();
        double max = 0;
        for (double x : v) {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("RasterImages.write: values must be finite and >= 0, found " + x);
            }
            max = Math.max(max, Math.rint(x));
        }
        boolean sixteen = c == 1 && format.equals("png") && (t.dtype() == DType.INT32 || t.dtype() == DType.INT64) && max > 255;
        if (max > (sixteen ? 65535 : 255)) {
            throw new IllegalArgumentException("RasterImages.write: values up to " + max + " exceed " + (sixteen ? 65535 : 255)
                    + (c == 1 && !sixteen ? " (single-channel int32/int64 PNGs may go to 65535)" : ""));
        }
        int type = sixteen ? BufferedImage.TYPE_USHORT_GRAY : c == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : c == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_4BYTE_ABGR;
        BufferedImage img = new BufferedImage(w, h, type);
        WritableRaster r = img.getRaster();
        int plane = w * h;
        int[] row = new int[w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < c; b++) {
                    row[x * c + b] = (int) Math.rint(v[b * plane + y * w + x]);
                }
            }
            r.setPixels(0, y, w, 1, row);
        }
        AtomicFile.write(path, ch -> {
            // closing the image stream flushes it but leaves AtomicFile's channel open, as AtomicFile needs
            try (ImageOutputStream out = ImageIO.createImageOutputStream(Channels.newOutputStream(ch))) {
                ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
                try {
                    writer.setOutput(out);
                    ImageWriteParam p = writer.getDefaultWriteParam();
                    if (format.equals("jpeg")) {
                        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                        p.setCompressionQuality(0.95f);
                    }
                    writer.write(null, new IIOImage(img, null, null), p);
                } finally {
                    writer.dispose();
                }
            }
        });
    }
}
