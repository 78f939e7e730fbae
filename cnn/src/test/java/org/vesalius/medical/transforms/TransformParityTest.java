package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Tensor;

/**
 * Spacing and Orientation against nibabel and scipy (fixture: tools/golden/medical_transforms_nibabel.py):
 * same output grid (shape and affine), same values.
 */
class TransformParityTest {
    private static JsonObject golden;

    @BeforeAll
    static void load() throws IOException {
        try (Reader r = new InputStreamReader(TransformParityTest.class.getResourceAsStream("/golden/medical_transforms.json"),
                StandardCharsets.UTF_8)) {
            golden = JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    private static int[] ints(JsonArray a) {
        int[] d = new int[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsInt();
        }
        return d;
    }

    private static double[][] matrix(JsonArray a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = doubles(a.get(i).getAsJsonArray());
        }
        return m;
    }

    /** nibabel shape (i, j, k) → tensor [1, k, j, i]. */
    private static MedicalImage image(JsonObject c, String key, int[] shape, double[][] affine) {
        Tensor t = Tensor.of(doubles(c.getAsJsonArray(key)), 1, shape[2], shape[1], shape[0]);
        return MedicalImage.fromAffine(t, affine, Map.of());
    }

    private static void assertAffine(double[][] expected, MedicalImage actual, String what) {
        double[][] a = actual.affine();
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(expected[r], a[r], 1e-9, what + " affine row " + r);
        }
    }

    @Test
    void spacingMatchesNibabelResampleFromTo() {
        JsonObject c = golden.getAsJsonObject("spacing");
        int[] shape = ints(c.getAsJsonArray("shape"));
        double[][] affine = matrix(c.getAsJsonArray("affine"));
        MedicalImage img = image(c, "image", shape, affine);
        MedicalImage lab = image(c, "label", shape, affine);
        Sample out = new Spacing(doubles(c.getAsJsonArray("pixdim"))).apply(Sample.of(img, lab));
        assertArrayEquals(ints(c.getAsJsonArray("out_shape")), out.image().size());
        assertAffine(matrix(c.getAsJsonArray("out_affine")), out.image(), "image");
        assertAffine(matrix(c.getAsJsonArray("out_affine")), out.label(), "label");
        assertArrayEquals(doubles(c.getAsJsonArray("out_image")), out.image().data().toDoubleArray(), 1e-9,
                "linear (order=1, mode='nearest')");
        assertArrayEquals(doubles(c.getAsJsonArray("out_label")), out.label().data().toDoubleArray(), 0, "nearest (order=0)");
    }

    @Test
    void orientationMatchesNibabel() {
        for (String name : new String[] {"orientation_ras", "orientation_lpi"}) {
            JsonObject c = golden.getAsJsonObject(name);
            int[] shape = ints(c.getAsJsonArray("shape"));
            MedicalImage img = image(c, "image", shape, matrix(c.getAsJsonArray("affine")));
            assertEquals(c.get("codes_in").getAsString(), img.orientation(), name);
            String codes = c.get("codes").getAsString();
            MedicalImage out = new Orientation(codes).apply(img);
            assertEquals(codes, out.orientation(), name);
            assertArrayEquals(ints(c.getAsJsonArray("out_shape")), out.size(), name);
            assertAffine(matrix(c.getAsJsonArray("out_affine")), out, name);
            assertArrayEquals(doubles(c.getAsJsonArray("out_image")), out.data().toDoubleArray(), 0, name);
        }
    }
}
