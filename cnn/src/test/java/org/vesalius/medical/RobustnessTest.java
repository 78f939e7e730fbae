package org.vesalius.medical;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.dicom.DicomFile;
import org.vesalius.medical.dicom.DicomImages;
import org.vesalius.medical.dicom.DicomPixels;
import org.vesalius.medical.nifti.Nifti;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;

/**
 * Truncated, garbage and bit-flipped files: every failure is an IOException with a message, within bounded
 * time, and nothing allocates more than the (2 GiB) test heap — a length field that lies is checked
 * against the bytes present first.
 */
class RobustnessTest {
    private static final String[] DICOM = {
        "python3-pydicom/MR_small.dcm", "python3-pydicom/MR_small_bigendian.dcm", "python3-pydicom/MR_small_implicit.dcm",
        "python3-pydicom/MR_small_RLE.dcm", "python3-pydicom/SC_rgb_jpeg_dcmtk.dcm", "python3-pydicom/SC_rgb_rle_2frame.dcm",
        "python3-pydicom/liver_1frame.dcm", "python3-pydicom/rtdose_rle.dcm", "python3-pydicom/ExplVR_BigEnd.dcm",
        "python3-pydicom/charset_files/chrH31.dcm", "heudiconv/axasc35.dcm"};
    private static final String[] NIFTI = {
        "python3-nibabel/functional.nii", "python3-nibabel/resampled_anat_moved.nii", "python3-nibabel/example_nifti2.nii.gz",
        "python3-nibabel/standard.nii.gz", "python3-dipy/small_25.nii.gz"};

    /** Every prefix of small files (every 7th byte of large ones) fails cleanly. */
    @Test
    void everyTruncationIsAnIOException() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int tried = 0;
            for (String f : DICOM) {
                byte[] full = Files.readAllBytes(ConformanceTest.corpus().resolve(f));
                String sha = DicomPixels.decode(DicomFile.read(full, f)).stored().sha256();
                int stride = full.length > 40_000 ? 97 : 1;
                for (int n = 0; n < full.length; n += stride) {
                    expect(DICOM_READ, Arrays.copyOf(full, n), f + "[:" + n + "]", false, sha);
                    tried++;
                }
            }
            for (String f : NIFTI) {
                byte[] full = Files.readAllBytes(ConformanceTest.corpus().resolve(f));
                int stride = full.length > 20_000 ? 13 : 1;
                for (int n = 0; n < full.length; n += stride) {
                    expect(NIFTI_READ, Arrays.copyOf(full, n), f + "[:" + n + "]", false, null);
                    tried++;
                }
            }
            assertTrue(tried > 50_000, "tried " + tried + " truncations");
        });
    }

    /** Random bytes, with and without a valid DICOM preamble or NIfTI size field in front. */
    @Test
    void garbageIsAnIOException() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SplittableRandom rnd = new SplittableRandom(4);
            for (int t = 0; t < 3000; t++) {
                byte[] g = new byte[rnd.nextInt(0, 4096)];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (byte) rnd.nextInt(256);
                }
                expect(DICOM_READ, g, "garbage " + t, false, null);
                expect(NIFTI_READ, g, "garbage " + t, false, null);
                if (g.length > 150) {
                    byte[] d = g.clone();
                    d[128] = 'D';
                    d[129] = 'I';
                    d[130] = 'C';
                    d[131] = 'M';
                    if (t % 2 == 0) { // a plausible first meta element: (0002,0000) UL 4
                        byte[] meta = {2, 0, 0, 0, 'U', 'L', 4, 0, 0, 0, 0, 0};
                        System.arraycopy(meta, 0, d, 132, meta.length);
                    }
                    expect(DICOM_READ, d, "DICM + garbage " + t, true, null);
                    byte[] n = g.clone();
                    n[0] = 0x5C;
                    n[1] = 0x01;
                    n[2] = 0;
                    n[3] = 0;
                    expect(NIFTI_READ, n, "sizeof_hdr 348 + garbage " + t, true, null);
                }
            }
        });
    }

    /** Single flipped bytes anywhere in valid files: the result is an image or an IOException, never another exception. */
    @Test
    void bitFlipsNeverCrash() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom rnd = new SplittableRandom(11);
            for (String f : DICOM) {
                byte[] full = Files.readAllBytes(ConformanceTest.corpus().resolve(f));
                for (int t = 0; t < 150; t++) {
                    byte[] m = full.clone();
                    int flips = 1 + rnd.nextInt(3);
                    for (int k = 0; k < flips; k++) {
                        // mostly in the header, where a flip changes structure rather than a pixel
                        int at = rnd.nextInt(100) < 80 ? rnd.nextInt(Math.min(full.length, 2000)) : rnd.nextInt(full.length);
                        m[at] = (byte) rnd.nextInt(256);
                    }
                    expect(DICOM_READ, m, f + " mutation " + t, true, null);
                }
            }
            for (String f : NIFTI) {
                byte[] full = Files.readAllBytes(ConformanceTest.corpus().resolve(f));
                boolean gz = (full[0] & 0xFF) == 0x1F;
                for (int t = 0; t < 100; t++) {
                    byte[] m = full.clone();
                    int at = gz ? rnd.nextInt(full.length) : rnd.nextInt(Math.min(full.length, 400));
                    m[at] = (byte) rnd.nextInt(256);
                    expect(NIFTI_READ, m, f + " mutation " + t, true, null);
                }
            }
        });
    }

    private interface Read {
        /** Reads the bytes; returns the SHA-256 of the stored pixels it decoded. */
        String run(byte[] data, String what) throws IOException;
    }

    private static final Read DICOM_READ = (data, what) -> {
        DicomFile f = DicomFile.read(data, what);
        DicomImages.toImage(f, DType.FLOAT32);
        return DicomPixels.decode(f).stored().sha256();
    };

    private static final Read NIFTI_READ = (data, what) -> {
        Nifti.NiftiData nd = Nifti.readStored(data, what);
        Nifti.toImage(nd, DType.FLOAT32, what);
        return nd.stored().sha256();
    };

    /**
     * Reading must end in an IOException with a message, or, when {@code imageOk}, in an image — which
     * must have the pixels {@code sha} when that is given (a DICOM cut exactly between elements after
     * Pixel Data, e.g. before Data Set Trailing Padding, loses nothing). Any other exception fails.
     */
    private static void expect(Read read, byte[] data, String what, boolean imageOk, String sha) {
        try (Scope s = Scope.open()) {
            String got = read.run(data, what);
            if (!imageOk && (sha == null || !sha.equals(got))) {
                fail(what + ": expected an IOException, got an image" + (sha == null ? "" : " that differs from the whole file's"));
            }
        } catch (IOException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), what + ": IOException without a message");
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": expected " + (imageOk ? "an image or " : "") + "an IOException, got " + e, e);
        }
    }
}
