package org.vesalius.medical.raster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.medical.FuzzImages;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.dicom.DicomFile;
import org.vesalius.medical.dicom.DicomImages;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;
import org.vesalius.testing.ReaderFuzz.Field;
import org.vesalius.testing.ReaderFuzz.Seed;

/**
 * Damaged PNG, JPEG, GIF and BMP files read as an image or an IOException with a message (never one of
 * the unchecked exceptions ImageIO's decoders throw), within the per-case time limit and a heap bound
 * of {@code 4 x decoded + 64 x input + 8 MiB} allocated per case: ImageIO's raster and our copy of it,
 * plus what a decoder allocates for the size a file may declare before its data runs out (a PNG row
 * buffer, a JPEG's grey fill) — which {@link RasterImages} caps by the bytes present.
 *
 * <p>Seeds: the project has no PNG or JPEG files, so they are made from real images in the test
 * resources: the JPEG frames DCMTK encoded inside two DICOM fixtures, and the MR_small slice written as
 * 16-bit grey, RGB, RGBA and indexed PNG, grey JPEG, GIF and BMP.
 */
class RasterFuzzTest {
    static final String BOUND = "4 x decoded + 64 x input + 8 MiB";

    @TempDir
    Path dir;

    /** The first JPEG frame inside an encapsulated DICOM file: from its SOI to its EOI. */
    static byte[] jpegFrame(String dicom) throws IOException {
        byte[] b = FuzzImages.resource(dicom);
        for (int i = 0; i + 3 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD8 && (b[i + 2] & 0xFF) == 0xFF) {
                for (int j = i + 2; j + 1 < b.length; j++) {
                    if ((b[j] & 0xFF) == 0xFF && (b[j + 1] & 0xFF) == 0xD9) {
                        return Arrays.copyOfRange(b, i, j + 2);
                    }
                }
            }
        }
        throw new IllegalStateException(dicom + " holds no JPEG frame");
    }

    private List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String f : new String[] {"medical/python3-pydicom/SC_rgb_jpeg_dcmtk.dcm",
            "medical-fixtures/SC_rgb_2frame_jpeg_baseline.dcm"}) {
            byte[] j = jpegFrame(f);
            seeds.add(new Seed(f.substring(f.lastIndexOf('/') + 1) + " frame 0", j, jpegFields(j)));
        }
        int[] grey;
        int w;
        int h;
        try (MedicalImage mr = DicomImages.toImage(DicomFile.read(FuzzImages.corpus("python3-pydicom/MR_small.dcm"),
                "MR_small.dcm"), DType.INT32)) {
            grey = mr.data().toIntArray();
            w = mr.size()[0];
            h = mr.size()[1];
        }
        int max = Arrays.stream(grey).max().orElse(1);
        byte[] grey8 = new byte[grey.length];
        for (int i = 0; i < grey.length; i++) {
            grey8[i] = (byte) (grey[i] * 255 / max);
        }
        seeds.add(png("MR_small 16-bit grey.png", Tensor.of(grey, 1, h, w)));
        byte[] rgb = new byte[3 * grey8.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < grey8.length; i++) {
                rgb[c * grey8.length + i] = (byte) ((grey8[i] & 0xFF) * (c + 1) / 3);
            }
        }
        seeds.add(png("MR_small RGB.png", Tensor.of(rgb, 3, h, w)));
        byte[] rgba = Arrays.copyOf(rgb, 4 * grey8.length);
        Arrays.fill(rgba, 3 * grey8.length, rgba.length, (byte) 200);
        seeds.add(png("MR_small RGBA.png", Tensor.of(rgba, 4, h, w)));
        Path jpg = dir.resolve("grey.jpg");
        try (MedicalImage img = MedicalImage.of(Tensor.of(grey8, 1, h, w))) {
            RasterImages.write(img, jpg);
        }
        byte[] j = Files.readAllBytes(jpg);
        seeds.add(new Seed("MR_small grey.jpg", j, jpegFields(j)));
        BufferedImage indexed = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, ramp(), ramp(), ramp()));
        indexed.getRaster().setDataElements(0, 0, w, h, grey8);
        for (String format : new String[] {"png", "gif", "bmp"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(indexed, format, out), format);
            byte[] b = out.toByteArray();
            seeds.add(new Seed("MR_small indexed." + format, b, format.equals("png") ? pngFields(b) : headerFields(b, format)));
        }
        return seeds;
    }

    private static byte[] ramp() {
        byte[] r = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) i;
        }
        return r;
    }

    private Seed png(String name, Tensor data) throws IOException {
        Path p = dir.resolve("seed.png");
        try (MedicalImage img = MedicalImage.of(data)) {
            RasterImages.write(img, p);
        }
        byte[] b = Files.readAllBytes(p);
        return new Seed(name, b, pngFields(b));
    }

    /** IHDR's width, height, bit depth, colour type and interlace, and every chunk's length. */
    static List<Field> pngFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.integer("IHDR width", 16, 4, true));
        f.add(Field.integer("IHDR height", 20, 4, true));
        f.add(Field.integer("IHDR bit depth", 24, 1, true));
        f.add(Field.integer("IHDR colour type", 25, 1, true));
        f.add(Field.integer("IHDR interlace", 28, 1, true));
        for (int p = 8; p + 8 <= b.length; ) {
            int len = ByteBuffer.wrap(b).getInt(p);
            String type = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            f.add(Field.integer(type + " length", p, 4, true));
            p += 12 + len;
        }
        return f;
    }

    /** Every segment's length, and the frame's precision, height, width and component count. */
    static List<Field> jpegFields(byte[] b) {
        List<Field> f = new ArrayList<>();
        for (int p = 2; p + 4 <= b.length && (b[p] & 0xFF) == 0xFF; ) {
            int m = b[p + 1] & 0xFF;
            f.add(Field.integer(String.format("%02X length", m), p + 2, 2, true));
            if (m >= 0xC0 && m <= 0xC3 && p + 10 <= b.length) {
                f.add(Field.integer("SOF precision", p + 4, 1, true));
                f.add(Field.integer("SOF height", p + 5, 2, true));
                f.add(Field.integer("SOF width", p + 7, 2, true));
                f.add(Field.integer("SOF components", p + 9, 1, true));
            }
            if (m == 0xDA) {
                break;
            }
            p += 2 + ((b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF);
        }
        return f;
    }

    /** GIF's logical screen and first image sizes; BMP's header sizes and dimensions. */
    static List<Field> headerFields(byte[] b, String format) {
        List<Field> f = new ArrayList<>();
        if (format.equals("gif")) {
            f.add(Field.integer("screen width", 6, 2, false));
            f.add(Field.integer("screen height", 8, 2, false));
            f.add(Field.integer("flags", 10, 1, false));
            for (int p = 13 + 3 * 256; p + 10 <= b.length; p++) {
                if (b[p] == 0x2C) { // the image descriptor
                    f.add(Field.integer("image width", p + 5, 2, false));
                    f.add(Field.integer("image height", p + 7, 2, false));
                    f.add(Field.integer("LZW minimum code size", p + 10, 1, false));
                    break;
                }
            }
        } else {
            f.add(Field.integer("file size", 2, 4, false));
            f.add(Field.integer("data offset", 10, 4, false));
            f.add(Field.integer("header size", 14, 4, false));
            f.add(Field.integer("width", 18, 4, false));
            f.add(Field.integer("height", 22, 4, false));
            f.add(Field.integer("bits per pixel", 28, 2, false));
            f.add(Field.integer("compression", 30, 4, false));
            f.add(Field.integer("colours used", 46, 4, false));
        }
        return f;
    }

    private ReaderFuzz<MedicalImage> fuzz(long seed) throws IOException {
        ReaderFuzz<MedicalImage> fuzz = ReaderFuzz.of("PNG/JPEG", seed, RasterImages::read, FuzzImages::describe)
                .heapBound(BOUND, (input, plain, decoded) -> 4 * decoded + 64 * input + (8 << 20)).headerBytes(256);
        seeds().forEach(fuzz::seed);
        return fuzz;
    }

    @Test
    void damagedImagesReadOrFailCleanly() throws IOException {
        fuzz(314L).run(1500);
    }

    @Test
    void everyTruncationFails() throws IOException {
        fuzz(3L).truncations(100);
    }
}
