package org.vesalius.medical.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;

class RasterImagesTest {
    @TempDir
    Path dir;

    private static byte[] pattern(int c, int h, int w) {
        byte[] b = new byte[c * h * w];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 37 % 251);
        }
        return b;
    }

    @Test
    void pngRoundTripIsExact() throws IOException {
        for (int c : new int[] {1, 3, 4}) {
            byte[] v = pattern(c, 7, 9);
            Path p = dir.resolve("img" + c + ".png");
            try (MedicalImage img = MedicalImage.of(Tensor.of(v, c, 7, 9))) {
                RasterImages.write(img, p);
            }
            try (MedicalImage back = RasterImages.read(p)) {
                assertArrayEquals(new int[] {c, 7, 9}, back.data().shape());
                assertEquals(DType.UINT8, back.data().dtype());
                assertArrayEquals(v, back.data().toByteArray(), "channels " + c);
            }
        }
    }

    @Test
    void sixteenBitGreyPng() throws IOException {
        int[] v = {0, 1000, 65535, 42, 300, 7};
        Path p = dir.resolve("g16.png");
        try (MedicalImage img = MedicalImage.of(Tensor.of(v, 1, 2, 3))) {
            RasterImages.write(img, p);
        }
        try (MedicalImage back = RasterImages.read(p)) {
            assertEquals(DType.INT32, back.data().dtype());
            assertArrayEquals(v, back.data().toIntArray());
        }
    }

    @Test
    void jpegRoundTripIsClose() throws IOException {
        float[] v = new float[3 * 16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100 + (i % 16) * 4; // smooth: JPEG keeps it within a few levels
        }
        Path p = dir.resolve("img.jpg");
        try (MedicalImage img = MedicalImage.of(Tensor.of(v, 3, 16, 16))) {
            RasterImages.write(img, p);
        }
        try (MedicalImage back = RasterImages.read(p)) {
            assertArrayEquals(new int[] {3, 16, 16}, back.data().shape());
            float[] b = back.data().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertTrue(Math.abs(b[i] - v[i]) <= 6, "pixel " + i + ": " + b[i] + " vs " + v[i]);
            }
        }
    }

    @Test
    void rejectsWhatItCannotWrite() throws IOException {
        try (MedicalImage img = MedicalImage.of(Tensor.full(1.0, 2, 3, 3));
             MedicalImage big = MedicalImage.of(Tensor.full(300.0, 1, 3, 3))) {
            assertThrows(IllegalArgumentException.class, () -> RasterImages.write(img, dir.resolve("x.png")));
            assertThrows(IllegalArgumentException.class, () -> RasterImages.write(big, dir.resolve("x.png")));
            assertThrows(IllegalArgumentException.class, () -> RasterImages.write(big, dir.resolve("x.tif")));
        }
        Path junk = dir.resolve("junk.png");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        assertThrows(IOException.class, () -> RasterImages.read(junk));
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
    }

    // ------------------------------------------------------------------------------------------------
    // Files that lie about their size (regression tests for what RasterFuzzTest looks for)

    private byte[] written(String name, int c, int h, int w) throws IOException {
        Path p = dir.resolve(name);
        try (MedicalImage img = MedicalImage.of(Tensor.of(pattern(c, h, w), c, h, w))) {
            RasterImages.write(img, p);
        }
        return Files.readAllBytes(p);
    }

    @Test
    void aPngClaiming16000By16000PixelsIsRefusedBeforeTheDecoderAllocatesThem() throws Exception {
        byte[] b = written("small.png", 4, 8, 8);
        java.nio.ByteBuffer.wrap(b).putInt(16, 16000).putInt(20, 16000); // IHDR width and height: 1 GB of RGBA
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> RasterImages.read(b, "lying.png"));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("16000x16000 pixels of 32 bits") && e.getMessage().contains("inflates to"),
                e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
        Path p = dir.resolve("lying.png");
        Files.write(p, b);
        assertThrows(IOException.class, () -> RasterImages.read(p));
    }

    @Test
    void aJpegClaimingMorePixelsThanItsBitsCanHoldIsRefused() throws Exception {
        byte[] b = written("small.jpg", 3, 16, 16);
        int sof = 2;
        while ((b[sof + 1] & 0xFF) != 0xC0) {
            sof += 2 + ((b[sof + 2] & 0xFF) << 8 | b[sof + 3] & 0xFF);
        }
        b[sof + 5] = 0x1F; // height 8000
        b[sof + 6] = 0x40;
        b[sof + 7] = 0x1F; // width 8000
        b[sof + 8] = 0x40;
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> RasterImages.read(b, "lying.jpg"));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("8000x8000x3 baseline (process 1) JPEG needs at least"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
    }

    @Test
    void aTruncatedJpegIsAnErrorNotAGreyFilledImage() throws IOException {
        byte[] b = written("whole.jpg", 3, 64, 64);
        byte[] cut = java.util.Arrays.copyOf(b, b.length * 2 / 3);
        IOException e = assertThrows(IOException.class, () -> RasterImages.read(cut, "cut.jpg"));
        assertTrue(e.getMessage().contains("no end-of-image marker"), e.getMessage());
    }

    @Test
    void anUncheckedExceptionFromImageIoBecomesAnIOException() throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertTrue(javax.imageio.ImageIO.write(img, "bmp", out));
        byte[] b = out.toByteArray();
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(10, -1); // pixel data offset
        IOException e = assertThrows(IOException.class, () -> RasterImages.read(b, "bad.bmp"));
        assertTrue(e.getMessage().startsWith("bad.bmp: corrupt image (the decoder failed with java.lang.NegativeArraySize"),
                e.getMessage());
    }
}
