package org.vesalius.medical.raster;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.vesalius.io.AtomicFile;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * PNG and JPEG (and any other format ImageIO reads) as 2-D {@link MedicalImage}s with unit spacing,
 * origin 0 and identity direction: data {@code [C, H, W]}, C = 1 (grey), 2 (grey + alpha), 3 (RGB) or
 * 4 (RGBA) bands as stored, uint8 for 8-bit images and int32 for 16-bit ones. Index i is the column
 * (x), j the row (y, growing downwards as in the file).
 */
public final class RasterImages {
    /** Larger images are refused before decoding (width × height × bands). */
    public static final long MAX_SAMPLES = 1L << 30;

    private RasterImages() {
    }

    /** Reads a PNG, JPEG, BMP or GIF (first frame). */
    public static MedicalImage read(Path path) throws IOException {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) {
                throw new IOException(path + ": cannot open");
            }
            Iterator<ImageReader> it = ImageIO.getImageReaders(in);
            if (!it.hasNext()) {
                throw new IOException(path + ": not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
            }
            ImageReader r = it.next();
            try {
                r.setInput(in, true, true);
                long samples = (long) r.getWidth(0) * r.getHeight(0) * 4;
                if (samples > MAX_SAMPLES) {
                    throw new IOException(path + ": " + r.getWidth(0) + "x" + r.getHeight(0) + " is larger than supported");
                }
                img = r.read(0);
            } catch (RuntimeException e) {
                throw new IOException(path + ": corrupt image: " + e.getMessage(), e);
            } finally {
                r.dispose();
            }
        }
        return toImage(img, path.toString());
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
