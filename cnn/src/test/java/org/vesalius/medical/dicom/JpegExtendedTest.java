package org.vesalius.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.medical.raster.JpegHeader;

/**
 * JPEG extended sequential (DICOM 1.2.840.10008.1.2.4.51) decoded by {@link SequentialJpegDecoder}, on
 * fixtures made by DCMTK from corpus files (tools/golden/make_jpeg12.py): DCMTK's own decoding (libjpeg's
 * integer islow IDCT) is the reference, which our double-precision IDCT may differ from by one level in
 * rounding; 8-bit streams are compared with the JDK's libjpeg through ImageIO. Hand-made streams cover
 * the defects, every truncation of a 12-bit stream and seeded byte flips cover the rest.
 */
class JpegExtendedTest {
    /** Where MR_jpeg_extended12's 120 x 123 crop lies in heudiconv/axasc35.dcm (row, column). */
    private static final int CROP_ROW = 190;
    private static final int CROP_COL = 130;

    private static int[] values(PixelData px) {
        int[] v = new int[px.stored().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (int) px.stored().getLong(i);
        }
        return v;
    }

    private static int[] pixels(String fixture) throws IOException {
        return values(DicomPixels.decode(DicomFile.read(DicomReaderTest.fixture(fixture))));
    }

    private static List<byte[]> frames(String fixture) throws IOException {
        DicomFile f = DicomFile.read(DicomReaderTest.fixture(fixture));
        return DicomPixels.frameData(f.dataset().get(Tag.PixelData), f.dataset(), DicomPixels.frames(f.dataset(), fixture),
                f.transferSyntax(), fixture);
    }

    /** Our decoding of one frame, 16-bit little endian values read back as ints. */
    private static int[] decode(byte[] j, int rows, int cols, int samples, boolean raw) throws IOException {
        byte[] out = new byte[rows * cols * samples * 2];
        SequentialJpegDecoder.decode(j, "test", rows, cols, samples, 2, raw, out, 0);
        return le16(out);
    }

    /** ImageIO's (the JDK's libjpeg) decoding of an 8-bit frame. */
    private static int[] imageIo(byte[] j, int rows, int cols, int samples, boolean raw) throws IOException {
        byte[] out = new byte[rows * cols * samples * 2];
        JpegFrameDecoder.decode(j, 0, rows, cols, samples, 2, raw, out, 0);
        return le16(out);
    }

    private static int[] le16(byte[] b) {
        int[] v = new int[b.length / 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = b[2 * i] & 0xFF | (b[2 * i + 1] & 0xFF) << 8;
        }
        return v;
    }

    /** {max |a - b|, number of values that differ} over the values of one channel. */
    private static int[] difference(int[] a, int[] b, int channel, int channels) {
        assertEquals(a.length, b.length);
        int max = 0;
        int n = 0;
        for (int i = channel; i < a.length; i += channels) {
            int d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            n += d > 0 ? 1 : 0;
        }
        return new int[] {max, n};
    }

    private static double psnr(int[] a, int[] b, double peak) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            se += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return 10 * Math.log10(peak * peak / (se / a.length));
    }

    @Test
    void mr12BitAgreesWithDcmtkAndWithTheOriginal() throws IOException {
        DicomFile f = DicomFile.read(DicomReaderTest.fixture("MR_jpeg_extended12.dcm"));
        assertEquals("1.2.840.10008.1.2.4.51", f.transferSyntax().uid());
        JpegHeader sof = JpegFrameDecoder.readSof(frames("MR_jpeg_extended12.dcm").get(0), 0);
        assertEquals(0xC1, sof.marker());
        assertEquals(12, sof.precision());
        int[] ours = pixels("MR_jpeg_extended12.dcm");
        int[] dcmtk = pixels("MR_jpeg_extended12.dcmtk-decoded.dcm");
        assertEquals(120 * 123, ours.length);
        int[] d = difference(ours, dcmtk, 0, 1);
        // measured: 578 of 14760 values differ, by one (islow's fixed-point rounding)
        assertTrue(d[0] <= 1 && d[1] < ours.length / 10, "max difference to DCMTK " + d[0] + ", " + d[1] + " values differ");

        int[] full = values(DicomPixels.decode(DicomFile.read(DicomReaderTest.corpus("heudiconv/axasc35.dcm"))));
        int[] original = new int[ours.length];
        for (int y = 0; y < 120; y++) {
            System.arraycopy(full, (CROP_ROW + y) * 384 + CROP_COL, original, y * 123, 123);
        }
        double ourPsnr = psnr(ours, original, 4095);
        double dcmtkPsnr = psnr(dcmtk, original, 4095);
        // measured: 60.68 dB for DCMTK at quality 90
        assertTrue(ourPsnr > 58 && Math.abs(ourPsnr - dcmtkPsnr) < 0.05, "PSNR " + ourPsnr + " dB, DCMTK's " + dcmtkPsnr + " dB");
    }

    @Test
    void cr12BitAgreesWithDcmtk() throws IOException {
        int[] d = difference(pixels("CR_jpeg_extended12.dcm"), pixels("CR_jpeg_extended12.dcmtk-decoded.dcm"), 0, 1);
        assertTrue(d[0] <= 1, "max difference to DCMTK " + d[0]);
    }

    @Test
    void restartIntervalsGiveTheSamePixels() throws IOException {
        byte[] j = frames("MR_jpeg_extended12_restart.dcm").get(0);
        int dri = indexOf(j, (byte) 0xFF, (byte) 0xDD);
        assertEquals(5, (j[dri + 4] & 0xFF) << 8 | j[dri + 5] & 0xFF);
        int rst = 0;
        for (int i = 0; i + 1 < j.length; i++) {
            rst += (j[i] & 0xFF) == 0xFF && (j[i + 1] & 0xF8) == 0xD0 ? 1 : 0;
        }
        assertEquals((15 * 16 + 4) / 5 - 1, rst, "RST markers between 240 MCUs in intervals of 5");
        assertArrayEquals(pixels("MR_jpeg_extended12.dcm"), pixels("MR_jpeg_extended12_restart.dcm"));
    }

    @Test
    void colour12BitSubsampledInterleavedAndNot() throws IOException {
        byte[] interleaved = frames("SC_rgb_jpeg_extended12_restart.dcm").get(0);
        byte[] separate = frames("SC_rgb_jpeg_extended12_scans.dcm").get(0);
        assertEquals(1, countScans(interleaved));
        assertEquals(3, countScans(separate));
        PixelData px = DicomPixels.decode(DicomFile.read(DicomReaderTest.fixture("SC_rgb_jpeg_extended12_restart.dcm")));
        assertEquals("YBR_FULL", px.photometric()); // YBR_FULL_422 comes out upsampled
        int[] ybr = values(px);
        int[] dcmtk = pixels("SC_rgb_jpeg_extended12.dcmtk-decoded.dcm");
        for (int c = 0; c < 3; c++) {
            int[] d = difference(ybr, dcmtk, c, 3);
            assertTrue(d[0] <= 1, "YBR channel " + c + ": max difference to DCMTK " + d[0]);
        }
        assertArrayEquals(ybr, pixels("SC_rgb_jpeg_extended12_scans.dcm"));
        // asked for RGB (a dataset that says RGB over YCbCr JPEG), as DCMTK converts with +ca
        int[] rgb = decode(interleaved, 100, 100, 3, false);
        int[] dcmtkRgb = pixels("SC_rgb_jpeg_extended12.dcmtk-rgb.dcm");
        for (int c = 0; c < 3; c++) {
            int[] d = difference(rgb, dcmtkRgb, c, 3);
            // measured: at most 2 (B), 300 values differ
            assertTrue(d[0] <= 2, "RGB channel " + c + ": max difference to DCMTK " + d[0]);
        }
        // the image reader converts the YBR_FULL values with 12-bit centring and range
        try (MedicalImage img = DicomImages.read(DicomReaderTest.fixture("SC_rgb_jpeg_extended12_restart.dcm"), DType.FLOAT64)) {
            assertArrayEquals(new int[] {3, 1, 100, 100}, img.data().shape());
            double[] v = img.data().toDoubleArray();
            double worst = 0;
            for (int i = 0; i < 10000; i++) {
                for (int c = 0; c < 3; c++) {
                    worst = Math.max(worst, Math.abs(v[c * 10000 + i] - dcmtkRgb[3 * i + c]));
                }
            }
            assertTrue(worst <= 3, "RGB image: max difference to DCMTK " + worst);
        }
    }

    @Test
    void eightBitAgreesWithImageIo() throws IOException {
        for (String name : new String[] {"MR_jpeg_extended8.dcm", "MR_jpeg_extended8_restart.dcm"}) {
            byte[] j = frames(name).get(0);
            assertEquals(8, JpegFrameDecoder.readSof(j, 0).precision());
            int[] d = difference(decode(j, 120, 123, 1, true), imageIo(j, 120, 123, 1, true), 0, 1);
            // measured: 214 of 14760 values differ, by one
            assertTrue(d[0] <= 1 && d[1] < 120 * 123 / 10, name + ": max difference to ImageIO " + d[0] + ", " + d[1] + " differ");
        }
        // baseline 4:2:2 colour, raw YCbCr and converted to RGB. libjpeg upsamples chroma with a triangle filter
        // ("fancy upsampling"), we replicate; on this test pattern's bars of constant colour the two agree
        for (byte[] j : frames("SC_rgb_2frame_jpeg_baseline.dcm")) {
            for (boolean raw : new boolean[] {true, false}) {
                int[] ours = decode(j, 100, 100, 3, raw);
                int[] libjpeg = imageIo(j, 100, 100, 3, raw);
                for (int c = 0; c < 3; c++) {
                    int[] d = difference(ours, libjpeg, c, 3);
                    // measured: at most 300 of 10000 values differ, by one
                    assertTrue(d[0] <= 1 && d[1] <= 500, (raw ? "YCbCr" : "RGB") + " channel " + c + ": max difference to ImageIO "
                            + d[0] + ", " + d[1] + " differ");
                }
            }
        }
    }

    @Test
    void sixteenBitQuantizationTablesDecodeAlike() throws IOException {
        byte[] j = frames("MR_jpeg_extended12.dcm").get(0);
        int dqt = indexOf(j, (byte) 0xFF, (byte) 0xDB);
        int len = (j[dqt + 2] & 0xFF) << 8 | j[dqt + 3] & 0xFF;
        assertEquals(67, len, "one 8-bit table");
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(j, 0, dqt);
        w.write(new byte[] {(byte) 0xFF, (byte) 0xDB, 0, (byte) 131, (byte) (0x10 | j[dqt + 4] & 15)}, 0, 5);
        for (int k = 0; k < 64; k++) {
            w.write(0);
            w.write(j[dqt + 5 + k]);
        }
        w.write(j, dqt + 2 + len, j.length - dqt - 2 - len);
        assertArrayEquals(decode(j, 120, 123, 1, true), decode(w.toByteArray(), 120, 123, 1, true));
    }

    @Test
    void otherProcessesAreClearErrors() throws IOException {
        byte[] file = Files.readAllBytes(DicomReaderTest.fixture("CR_jpeg_extended12.dcm"));
        int sof = indexOf(file, (byte) 0xFF, (byte) 0xC1);
        for (int[] c : new int[][] {{0xC2, 0}, {0xC9, 1}}) {
            byte[] m = file.clone();
            m[sof + 1] = (byte) c[0];
            IOException e = assertThrows(IOException.class, () -> DicomPixels.decode(DicomFile.read(m, "patched")));
            String want = c[1] == 0 ? "progressive 12-bit, Huffman (process 8 or 12)" : "extended sequential 12-bit, arithmetic (process 5)";
            assertTrue(e.getMessage().contains(want), e.getMessage());
        }
    }

    @Test
    void dimensionsTheDataCannotHoldAreRejectedBeforeAllocating() throws IOException {
        // Rows, Columns and the SOF all say 30000 x 30000 (1.8 GB decoded): 2.6 kB cannot hold its 14 million blocks
        byte[] file = Files.readAllBytes(DicomReaderTest.fixture("CR_jpeg_extended12.dcm"));
        for (int tag : new int[] {0x10, 0x11}) { // (0028,0010) Rows, (0028,0011) Columns, US
            int at = indexOf(file, new byte[] {0x28, 0, (byte) tag, 0, 'U', 'S', 2, 0});
            file[at + 8] = (byte) (30000 & 0xFF);
            file[at + 9] = (byte) (30000 >> 8);
        }
        int sof = indexOf(file, new byte[] {(byte) 0xFF, (byte) 0xC1});
        file[sof + 5] = file[sof + 7] = (byte) (30000 >> 8);
        file[sof + 6] = file[sof + 8] = (byte) (30000 & 0xFF);
        DicomFile f = DicomFile.read(file, "30000x30000");
        IOException e = assertThrows(IOException.class, () -> DicomPixels.decode(f));
        assertTrue(e.getMessage().contains("too few for 30000x30000x1 samples"), e.getMessage());
    }

    // ---- hand-made streams: one 8 x 8 block (or more), tables of one-bit codes ----------------------------

    /** SOI, DQT (all ones), SOF1 12-bit, DHT DC and AC with the given symbols of length 1, DRI, SOS, data, EOI. */
    private static byte[] stream(int sof, int width, int height, int[] dcSymbols, int restart, int... data) {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        int[] head = {0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0};
        for (int b : head) {
            w.write(b);
        }
        for (int k = 0; k < 64; k++) {
            w.write(1);
        }
        int[] frame = {0xFF, sof, 0, 11, 12, height >> 8, height & 0xFF, width >> 8, width & 0xFF, 1, 1, 0x11, 0};
        for (int b : frame) {
            w.write(b);
        }
        for (int tc = 0; tc < 2; tc++) { // DC: the given symbols at lengths 1, 2, ...; AC: EOB only, code 0
            int[] symbols = tc == 0 ? dcSymbols : new int[] {0};
            w.write(0xFF);
            w.write(0xC4);
            w.write(0);
            w.write(19 + symbols.length);
            w.write(tc << 4);
            for (int len = 1; len <= 16; len++) {
                w.write(len <= symbols.length ? 1 : 0);
            }
            for (int s : symbols) {
                w.write(s);
            }
        }
        if (restart > 0) {
            for (int b : new int[] {0xFF, 0xDD, 0, 4, 0, restart}) {
                w.write(b);
            }
        }
        for (int b : new int[] {0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0}) {
            w.write(b);
        }
        for (int b : data) {
            w.write(b);
        }
        w.write(0xFF);
        w.write(0xD9);
        return w.toByteArray();
    }

    private static String failure(byte[] j, int width, int height) {
        return assertThrows(DicomFormatException.class, () -> decode(j, height, width, 1, true)).getMessage();
    }

    @Test
    void handMadeStreamsAndTheirDefects() throws IOException {
        // DC code "0" = category 0, AC code "0" = EOB: a block of zero difference is "00", padded with ones
        int[] flat = decode(stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F), 8, 8, 1, true);
        int[] mid = new int[64];
        Arrays.fill(mid, 2048);
        assertArrayEquals(mid, flat, "level shift 2^(12-1)");
        // DC category 15 (code "10", then 15 bits) +32767 (x quantizer 1) / 8 over the block: clamped to 4095
        int[] bright = decode(stream(0xC1, 8, 8, new int[] {0, 15}, 0, 0b1011_1111, 0xFF, 0x00, 0b1011_1111), 8, 8, 1, true);
        Arrays.fill(mid, 4095);
        assertArrayEquals(mid, bright);

        assertTrue(failure(stream(0xC1, 8, 8, new int[] {0}, 0, 0xBF), 8, 8).contains("invalid Huffman code"));
        assertTrue(failure(stream(0xC1, 8, 8, new int[] {16}, 0, 0x3F), 8, 8).contains("DC difference category 16"));
        assertTrue(failure(stream(0xC1, 8, 8, new int[] {0}, 0), 8, 8).contains("ends before the scan is complete"));
        assertTrue(failure(stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F, 0x3F), 8, 8).contains("data continues"));
        // two blocks with a restart interval of 1: the marker between them must be RST0
        int[] two = new int[128];
        Arrays.fill(two, 2048);
        assertArrayEquals(two, decode(stream(0xC1, 16, 8, new int[] {0}, 1, 0x3F, 0xFF, 0xD0, 0x3F), 8, 16, 1, true));
        assertTrue(failure(stream(0xC1, 16, 8, new int[] {0}, 1, 0x3F, 0xFF, 0xD3, 0x3F), 16, 8).contains("expected restart marker RST0"));
        assertTrue(failure(stream(0xC1, 16, 8, new int[] {0}, 1, 0x3F, 0x3F), 16, 8).contains("data continues"));
        // headers
        assertTrue(failure(stream(0xC1, 8, 0, new int[] {0}, 0, 0x3F), 8, 0).contains("DNL"));
        assertTrue(failure(stream(0xC0, 8, 8, new int[] {0}, 0, 0x3F), 8, 8).contains("baseline is 8-bit"));
        assertTrue(failure(stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F), 16, 8).contains("the dataset says Columns 16"));
        byte[] valid = stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F);
        String narrow = assertThrows(DicomFormatException.class,
                () -> SequentialJpegDecoder.decode(valid, "test", 8, 8, 1, 1, true, new byte[64], 0)).getMessage();
        assertTrue(narrow.contains("12-bit samples do not fit in 1 byte(s) per sample"), narrow);
        byte[] huge = stream(0xC1, 65535, 65535, new int[] {0}, 0, 0x3F);
        String absurd = assertThrows(DicomFormatException.class,
                () -> SequentialJpegDecoder.decode(huge, "test", 65535, 65535, 1, 2, true, new byte[0], 0)).getMessage();
        assertTrue(absurd.contains("cannot hold a 65535x65535 frame"), absurd);
        byte[] noTable = stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F);
        noTable[indexOf(noTable, (byte) 0xFF, (byte) 0xC4) + 1] = (byte) 0xFE; // the DC table becomes a comment
        assertTrue(failure(noTable, 8, 8).contains("Huffman table DC 0, which is not defined"));
        byte[] noQuant = stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F);
        noQuant[3] = (byte) 0xFE;
        assertTrue(failure(noQuant, 8, 8).contains("quantization table 0, which is not defined"));
        byte[] unknown = stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F);
        unknown[indexOf(unknown, (byte) 0xFF, (byte) 0xDA) + 5] = 7;
        assertTrue(failure(unknown, 8, 8).contains("component id 7, which the frame header does not define"));
        byte[] noEoi = stream(0xC1, 8, 8, new int[] {0}, 0, 0x3F);
        assertTrue(failure(Arrays.copyOf(noEoi, noEoi.length - 2), 8, 8).contains("truncated"));
    }

    @Test
    void everyTruncationIsAnIOException() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String name : new String[] {"MR_jpeg_extended12_restart.dcm", "SC_rgb_jpeg_extended12_scans.dcm"}) {
                byte[] j = frames(name).get(0);
                int samples = name.startsWith("SC") ? 3 : 1;
                int rows = samples == 3 ? 100 : 120;
                int cols = samples == 3 ? 100 : 123;
                int eoi = j.length - 2;
                while ((j[eoi] & 0xFF) != 0xFF || (j[eoi + 1] & 0xFF) != 0xD9) {
                    eoi--;
                }
                for (int n = 0; n < eoi + 2; n++) {
                    byte[] cut = Arrays.copyOf(j, n);
                    IOException e = assertThrows(IOException.class, () -> JpegFrameDecoder.decode(cut, 0, rows, cols, samples, 2, true,
                            new byte[rows * cols * samples * 2], 0), name + " cut to " + n + " bytes");
                    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                }
            }
        });
    }

    @Test
    void flippedBytesGiveAnImageOrAnIOException() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SplittableRandom rnd = new SplittableRandom(12);
            int images = 0;
            int errors = 0;
            for (String name : new String[] {"MR_jpeg_extended12.dcm", "MR_jpeg_extended12_restart.dcm", "SC_rgb_jpeg_extended12_restart.dcm"}) {
                byte[] j = frames(name).get(0);
                int samples = name.startsWith("SC") ? 3 : 1;
                int rows = samples == 3 ? 100 : 120;
                int cols = samples == 3 ? 100 : 123;
                for (int t = 0; t < 150; t++) {
                    byte[] m = j.clone();
                    int flips = 1 + rnd.nextInt(3);
                    for (int k = 0; k < flips; k++) {
                        // half in the headers (tables, frame and scan headers), half in the entropy-coded data
                        int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(j.length, 700)) : rnd.nextInt(j.length);
                        m[at] = (byte) rnd.nextInt(256);
                    }
                    try {
                        JpegFrameDecoder.decode(m, 0, rows, cols, samples, 2, true, new byte[rows * cols * samples * 2], 0);
                        images++;
                    } catch (IOException e) {
                        assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                        errors++;
                    } catch (RuntimeException e) {
                        throw new AssertionError(name + " mutation " + t + ": expected an image or an IOException, got " + e, e);
                    }
                }
            }
            assertTrue(images > 0 && errors > 0, images + " images, " + errors + " errors");
        });
    }

    private static int indexOf(byte[] a, byte b0, byte b1) {
        return indexOf(a, new byte[] {b0, b1});
    }

    private static int indexOf(byte[] a, byte[] what) {
        for (int i = 0; i + what.length <= a.length; i++) {
            if (Arrays.equals(a, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found: " + Arrays.toString(what));
    }

    private static int countScans(byte[] j) {
        int n = 0;
        for (int i = 0; i + 1 < j.length; i++) {
            n += (j[i] & 0xFF) == 0xFF && (j[i + 1] & 0xFF) == 0xDA ? 1 : 0;
        }
        return n;
    }
}
