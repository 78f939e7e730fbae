package org.vesalius.medical.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Write → read round trips, and nibabel's reading of files this writer produced
 * (tools/golden/medical_nifti_nibabel.py; the test checks that the writer still produces those bytes).
 */
class NiftiTest {
    @TempDir
    Path dir;

    /** A 30-degree rotation about z, spacing (0.8, 1.2, 2.5), origin (-10, 20, 5). */
    static double[][] oblique() {
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        return new double[][] {{-c * 0.8, s * 1.2, 0, -10}, {-s * 0.8, -c * 1.2, 0, 20}, {0, 0, 2.5, 5}, {0, 0, 0, 1}};
    }

    /** The images the nibabel fixture was made from: name → image. */
    static MedicalImage sample(String name) {
        switch (name) {
            case "float32_oblique.nii": {
                float[] v = new float[4 * 5 * 6];
                for (int i = 0; i < v.length; i++) {
                    v[i] = i * 0.5f - 7;
                }
                return MedicalImage.fromAffine(Tensor.of(v, 1, 4, 5, 6), oblique(), Map.of());
            }
            case "uint8_mask.nii.gz": {
                byte[] v = new byte[3 * 4 * 5];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (byte) (i % 3 == 0 ? 1 : 0);
                }
                return MedicalImage.fromAffine(Tensor.of(v, 1, 3, 4, 5), oblique(), Map.of("sform_code", 2, "qform_code", 2));
            }
            case "int32_4d.nii": {
                int[] v = new int[3 * 2 * 3 * 4];
                for (int i = 0; i < v.length; i++) {
                    v[i] = i * 1000 - 30000;
                }
                double[][] a = {{2, 0, 0, 1}, {0, 2, 0, 2}, {0, 0, 3, 3}, {0, 0, 0, 1}};
                return MedicalImage.fromAffine(Tensor.of(v, 3, 2, 3, 4), a, Map.of());
            }
            case "float64_v2.nii.gz": {
                double[] v = new double[2 * 3 * 4];
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.sqrt(i) * 1e-3;
                }
                return MedicalImage.fromAffine(Tensor.of(v, 1, 2, 3, 4), oblique(), Map.of());
            }
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static void write(String name, Path p) throws IOException {
        try (MedicalImage img = sample(name)) {
            Nifti.write(img, p, name.contains("_v2") ? 2 : 1);
            // writing must leave the caller's image open, also when no conversion or copy was needed
            assertFalse(img.data().isClosed(), name + ": the image's data was closed by write");
        }
    }

    @Test
    void roundTripKeepsValuesAndGeometry() throws IOException {
        for (String name : new String[] {"float32_oblique.nii", "uint8_mask.nii.gz", "int32_4d.nii", "float64_v2.nii.gz"}) {
            Path p = dir.resolve(name);
            write(name, p);
            try (MedicalImage img = sample(name); MedicalImage back = Nifti.read(p, img.data().dtype())) {
                assertArrayEquals(img.data().shape(), back.data().shape(), name);
                assertArrayEquals(img.data().toDoubleArray(), back.data().toDoubleArray(), 0, name);
                double tol = name.contains("_v2") ? 1e-12 : 1e-5; // NIfTI-1 stores float32
                for (int r = 0; r < 4; r++) {
                    assertArrayEquals(img.affine()[r], back.affine()[r], tol, name + " affine row " + r);
                }
                NiftiHeader h = Nifti.readHeader(p);
                assertEquals(name.contains("_v2") ? 2 : 1, h.version);
                for (int r = 0; r < 4; r++) {
                    assertArrayEquals(h.sformAffine()[r], h.qformAffine()[r], 1e-5, name + " qform = sform for a rigid affine");
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void nibabelReadsWhatThisWriterWrites() throws IOException, Exception {
        Path fixtures = Path.of(NiftiTest.class.getResource("/medical-fixtures/nifti-written/nibabel.json").toURI()).getParent();
        JsonObject all = JsonParser.parseString(Files.readString(fixtures.resolve("nibabel.json"))).getAsJsonObject();
        Path out = Path.of("target", "nifti-written");
        Files.createDirectories(out);
        for (String name : all.keySet()) {
            write(name, out.resolve(name)); // for tools/golden/medical_nifti_nibabel.py
        }
        for (String name : all.keySet()) {
            Path fresh = dir.resolve(name);
            write(name, fresh);
            assertArrayEquals(Files.readAllBytes(fixtures.resolve(name)), Files.readAllBytes(fresh),
                    name + ": the writer's output changed; rerun tools/golden/medical_nifti_nibabel.py");
            JsonObject nb = all.getAsJsonObject(name);
            try (MedicalImage img = sample(name)) {
                int[] size = img.size();
                JsonArray shape = nb.getAsJsonArray("shape");
                for (int a = 0; a < 3; a++) {
                    assertEquals(size[a], shape.get(a).getAsInt(), name + " nibabel shape");
                }
                assertEquals(img.channels() > 1 ? 4 : 3, shape.size(), name + " nibabel ndim");
                JsonArray aff = nb.getAsJsonArray("affine");
                double[][] want = img.affine();
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        assertEquals(want[r][c], aff.get(r).getAsJsonArray().get(c).getAsDouble(), name.contains("_v2") ? 1e-12 : 1e-5,
                                name + " nibabel affine");
                    }
                }
                assertEquals(Nifti.readStored(fresh).stored().sha256(), nb.get("sha256").getAsString(), name + " nibabel voxels");
                double sum = 0;
                for (double v : img.data().toDoubleArray()) {
                    sum += v;
                }
                assertEquals(sum, nb.get("fdata_sum").getAsDouble(), 1e-6 * Math.max(1, Math.abs(sum)), name + " nibabel get_fdata");
                assertEquals(nb.get("qform_code").getAsInt(), Nifti.readHeader(fresh).qformCode, name);
                assertEquals(nb.get("sform_code").getAsInt(), Nifti.readHeader(fresh).sformCode, name);
            }
        }
    }

    @Test
    void rejectsBadHeadersWithAReason() throws IOException {
        Path p = dir.resolve("a.nii");
        write("float32_oblique.nii", p);
        byte[] b = Files.readAllBytes(p);
        byte[] bad = b.clone();
        bad[70] = 32; // datatype complex64
        IOException e = assertThrows(IOException.class, () -> Nifti.readStored(bad, "complex"));
        assertTrue(e.getMessage().contains("complex"), e.getMessage());
        byte[] dims = b.clone();
        dims[42] = (byte) 0xFF; // dim[1] = 32767
        dims[43] = 0x7F;
        e = assertThrows(IOException.class, () -> Nifti.readStored(dims, "huge"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> {
            try (MedicalImage img = sample("float32_oblique.nii")) {
                Nifti.write(img, dir.resolve("x.nii"), 3);
            }
        });
    }
}
