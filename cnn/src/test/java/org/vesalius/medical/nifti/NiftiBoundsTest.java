package org.vesalius.medical.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;

/**
 * Headers that lie about sizes, and the memory a read takes: regression tests for what the fuzz tests
 * look for, each with its specific malicious input.
 */
class NiftiBoundsTest {
    @TempDir
    Path dir;

    /** A valid little-endian NIfTI-1 file (uint8 or float32 voxels x*y*z) as bytes. */
    private byte[] nifti(DType dtype, int x, int y, int z) throws IOException {
        int n = x * y * z;
        Tensor data;
        if (dtype == DType.UINT8) {
            byte[] v = new byte[n];
            for (int i = 0; i < n; i++) {
                v[i] = (byte) (i % 251);
            }
            data = Tensor.of(v, 1, z, y, x);
        } else {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = i * 0.25f;
            }
            data = Tensor.of(v, 1, z, y, x);
        }
        Path p = dir.resolve("v.nii");
        try (MedicalImage img = MedicalImage.of(data)) {
            Nifti.write(img, p, 1);
        }
        return Files.readAllBytes(p);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void aNifti2HeaderClaimingTwoToTheFortyVoxelsIsRefusedBeforeAnyAllocation() throws IOException {
        Path p = dir.resolve("v2.nii");
        try (MedicalImage img = MedicalImage.of(Tensor.ones(1, 2, 2, 2))) {
            Nifti.write(img, p, 2);
        }
        byte[] b = Files.readAllBytes(p);
        le(b).putLong(16 + 8, 1L << 20).putLong(16 + 16, 1L << 20); // dim[1] = dim[2] = 2^20: 2^41 voxels with dim[3] = 2
        assertTrue(b.length < 600, "a " + b.length + "-byte file");
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> Nifti.read(new ByteArrayInputStream(b), "2^41", DType.FLOAT32));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("more voxels than one array can hold"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
    }

    @Test
    void aHeaderClaimingAQuarterGigabyteInAFourHundredByteFileFailsWithoutAllocatingIt() throws Exception {
        byte[] b = nifti(DType.UINT8, 4, 4, 3);
        assertEquals(352 + 48, b.length);
        le(b).putShort(42, (short) 1024).putShort(44, (short) 1024).putShort(46, (short) 256); // 256 MiB of uint8
        Path p = dir.resolve("lying.nii");
        Files.write(p, b);
        // from a file, the size is known: refused before the voxels are read
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> Nifti.read(p, DType.FLOAT32));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("vox_offset 352 + 268435456 bytes") && e.getMessage().contains("the file has 400"),
                e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
        // from a stream, the voxels are decoded as they arrive and the stream ends after 48 of them
        m = ReaderFuzz.measure(() -> Nifti.read(new ByteArrayInputStream(b), "stream", DType.FLOAT32));
        e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("48 of 268435456 bytes present"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
        m = ReaderFuzz.measure(() -> Nifti.readStored(b, "stored"));
        assertInstanceOf(IOException.class, m.thrown());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
    }

    @Test
    void aGzipBombIsStoppedJustPastTheDeclaredSize() throws Exception {
        byte[] plain = nifti(DType.UINT8, 4, 4, 4); // 352 + 64 bytes declared
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) { // 64 MiB of zeros after the voxels, about 64 KiB compressed
                gz.write(zeros);
            }
        }
        byte[] bomb = bytes.toByteArray();
        assertTrue(bomb.length < 1 << 17, bomb.length + " bytes");
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> Nifti.read(new ByteArrayInputStream(bomb), "bomb.nii.gz",
                DType.FLOAT32));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("inflates to more than the 416 bytes its header declares")
                && e.getMessage().contains("gzip bomb"), e.getMessage());
        assertTrue(m.bytes() < 2 << 20, m.bytes() + " bytes allocated");
        Path p = dir.resolve("bomb.nii.gz");
        Files.write(p, bomb);
        assertInstanceOf(IOException.class, ReaderFuzz.measure(() -> Nifti.readStored(p)).thrown());
        // the same file without the zeros reads
        try (MedicalImage img = Nifti.read(new ByteArrayInputStream(ReaderFuzz.gzip(plain)), "ok.nii.gz", DType.FLOAT32)) {
            assertArrayEquals(new int[] {1, 4, 4, 4}, img.data().shape());
        }
    }

    @Test
    void anExtensionLongerThanTheFileIsRefusedByItsSize() throws Exception {
        byte[] b = nifti(DType.UINT8, 2, 2, 2);
        le(b).put(348, (byte) 1).putFloat(108, 1 << 30); // an extension, and the voxels 1 GiB in
        byte[] ext = new byte[b.length + 16];
        System.arraycopy(b, 0, ext, 0, b.length);
        le(ext).putInt(352, (1 << 30) - 1024).putInt(356, 6); // esize within vox_offset, far beyond the file
        Path p = dir.resolve("ext.nii");
        Files.write(p, ext);
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> Nifti.read(p, DType.FLOAT32));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("vox_offset 1073741824 lies beyond the end of the file"), e.getMessage());
        // a stream has no size to compare with: the extension is read as it arrives and ends early
        m = ReaderFuzz.measure(() -> Nifti.read(new ByteArrayInputStream(ext), "ext", DType.FLOAT32));
        e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("truncated header extension at byte 352"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
    }

    /**
     * A 2.25 MiB float32 volume: decoding allocates the image once on the heap (its chunks) besides the
     * tensor, not the file, a double copy and a float copy as before (about 5x).
     */
    @Test
    void decodingAllocatesAboutTheImageOnce() throws Exception {
        byte[] b = nifti(DType.FLOAT32, 96, 96, 64);
        long decoded = 4L * 96 * 96 * 64;
        MedicalImage[] img = new MedicalImage[1];
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> img[0] = Nifti.read(new ByteArrayInputStream(b), "v", DType.FLOAT32));
        assertNull(m.thrown());
        try (MedicalImage i = img[0]) {
            assertEquals(96 * 96 * 64 - 1, i.data().max().item() * 4, 1e-3);
        }
        assertTrue(m.bytes() < decoded + (1 << 20), m.bytes() + " bytes allocated for a " + decoded + "-byte image");
        Path p = dir.resolve("v.nii.gz");
        Files.write(p, ReaderFuzz.gzip(b));
        m = ReaderFuzz.measure(() -> Nifti.read(p, DType.FLOAT32).close());
        assertNull(m.thrown());
        assertTrue(m.bytes() < decoded + (1 << 20), m.bytes() + " bytes allocated for a " + decoded + "-byte image");
    }
}
