package org.vesalius.medical.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
