package org.vesalius.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Transfer syntaxes and features beyond the shared corpus, on fixtures made by DCMTK from corpus files
 * (tools/golden/medical_dicom_fixtures.sh), plus series assembly and header access. JPEG extended 12-bit
 * has its own test, {@link JpegExtendedTest}.
 */
class DicomReaderTest {
    static Path corpus(String f) {
        try {
            return Path.of(DicomReaderTest.class.getResource("/medical/" + f).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path fixture(String f) {
        try {
            return Path.of(DicomReaderTest.class.getResource("/medical-fixtures/" + f).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String storedSha(Path p) throws IOException {
        return DicomPixels.decode(DicomFile.read(p)).stored().sha256();
    }

    @Test
    void deflatedExplicitLittleEndian() throws IOException {
        DicomFile f = DicomFile.read(fixture("MR_small_deflated.dcm"));
        assertTrue(f.transferSyntax().deflated());
        assertEquals("CompressedSamples^MR1", f.getString("PatientName"));
        assertEquals(storedSha(corpus("python3-pydicom/MR_small.dcm")), storedSha(fixture("MR_small_deflated.dcm")));
    }

    @Test
    void jpegLosslessMatchesTheUncompressedOriginal() throws IOException {
        // process 14 selection value 1 (.70) and selection value 6 (.57), decoded by TwelveMonkeys
        assertEquals("1.2.840.10008.1.2.4.70", DicomFile.read(fixture("MR_small_jpeg_lossless_sv1.dcm")).transferSyntax().uid());
        assertEquals(storedSha(corpus("python3-pydicom/MR_small.dcm")), storedSha(fixture("MR_small_jpeg_lossless_sv1.dcm")));
        assertEquals("1.2.840.10008.1.2.4.57", DicomFile.read(fixture("CT_small_jpeg_lossless_sv6.dcm")).transferSyntax().uid());
        assertEquals(storedSha(corpus("python3-pydicom/CT_small.dcm")), storedSha(fixture("CT_small_jpeg_lossless_sv6.dcm")));
        assertEquals(storedSha(fixture("CT_small_jpeg_lossless_sv6.dcmtk-decoded.dcm")), storedSha(fixture("CT_small_jpeg_lossless_sv6.dcm")));
    }

    @Test
    void multiFrameJpegBaselineAgreesWithDcmtk() throws IOException {
        try (MedicalImage ours = DicomImages.read(fixture("SC_rgb_2frame_jpeg_baseline.dcm"), DType.FLOAT64);
             MedicalImage dcmtk = DicomImages.read(fixture("SC_rgb_2frame_jpeg_baseline.dcmtk-decoded.dcm"), DType.FLOAT64)) {
            assertArrayEquals(new int[] {3, 2, 100, 100}, ours.data().shape());
            assertEquals("RGB", ours.metadata().get("PhotometricInterpretation"));
            double[] a = ours.data().toDoubleArray();
            double[] b = dcmtk.data().toDoubleArray();
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            // same libjpeg IDCT and upsampling; only the YCbCr->RGB rounding may differ (DCMTK uses libjpeg's tables)
            assertTrue(worst <= 2, "max abs difference to DCMTK " + worst);
        }
    }

    @Test
    void seriesIsSortedAlongTheNormalWithSpacingFromPositions() throws IOException {
        Map<String, List<Path>> series = DicomSeries.list(corpus("python3-pydicom/dicomdirtests/98892001/CT5N"));
        assertEquals(1, series.size());
        List<Path> files = new ArrayList<>(series.values().iterator().next());
        java.util.Collections.reverse(files); // order of the list must not matter
        try (MedicalImage vol = DicomSeries.read(files, DType.FLOAT64)) {
            assertArrayEquals(new int[] {1, 5, 16, 16}, vol.data().shape());
            @SuppressWarnings("unchecked")
            List<String> order = (List<String>) vol.metadata().get("slices");
            double[] normal = {0, 0, 1};
            double prev = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < order.size(); k++) {
                DicomFile f = DicomFile.read(Path.of(order.get(k)));
                double[] ipp = DicomGeometry.of(f.dataset()).position();
                double[] iop = DicomGeometry.of(f.dataset()).orientation();
                normal = DicomImages.cross(new double[] {iop[0], iop[1], iop[2]}, new double[] {iop[3], iop[4], iop[5]});
                double d = DicomImages.dot(ipp, normal);
                assertTrue(d > prev, "slices ascend along the normal");
                prev = d;
                // world position of voxel (0, 0, k) is that slice's Image Position (Patient), in RAS
                double[] w = vol.indexToWorld(0, 0, k);
                assertArrayEquals(new double[] {-ipp[0], -ipp[1], ipp[2]}, w, 1e-6);
                try (MedicalImage one = DicomImages.read(Path.of(order.get(k)), DType.FLOAT64);
                     Tensor slice = vol.data().select(1, k).contiguous()) {
                    assertArrayEquals(one.data().toDoubleArray(), slice.toDoubleArray(), 0, "slice " + k + " values");
                }
            }
            assertTrue(vol.spacing()[2] > 0);
        }
    }

    @Test
    void headerByTagAndKeyword() throws IOException {
        DicomObject ds = DicomFile.read(corpus("python3-pydicom/CT_small.dcm")).dataset();
        assertEquals(128, ds.getInt(Tag.Rows, 0));
        assertEquals(128, ds.getInt("Columns", 0));
        assertEquals(ds.getString(Tag.PatientName), ds.getString("(0010,0010)"));
        assertEquals(-1024.0, ds.getDouble("RescaleIntercept", 0));
        assertThrows(IllegalArgumentException.class, () -> ds.get("NoSuchKeyword"));
        assertEquals("(0028,0010) Rows", Tag.describe(Tag.Rows));
    }

    @Test
    void ctValuesAreHounsfieldAndGeometryIsRas() throws IOException {
        Path p = corpus("python3-pydicom/CT_small.dcm");
        DicomFile f = DicomFile.read(p);
        PixelData px = DicomPixels.decode(f);
        try (MedicalImage img = DicomImages.read(p)) {
            assertEquals(DType.FLOAT32, img.data().dtype());
            assertEquals(px.stored().get(0) - 1024, img.data().toFloatArray()[0], 0);
            double[] ipp = DicomGeometry.of(f.dataset()).position();
            double[] ps = DicomGeometry.of(f.dataset()).pixelSpacing();
            double[] w = img.indexToWorld(1, 0, 0); // one column along the row direction (LPS +x -> RAS -x)
            assertEquals(-ipp[0] - ps[1], w[0], 1e-9);
            assertEquals(-ipp[1], w[1], 1e-9);
            assertArrayEquals(new double[] {1, 0, 0}, img.worldToIndex(w), 1e-9);
        }
    }

    @Test
    void monochrome1IsNotInverted() throws IOException {
        Path p = corpus("python3-pydicom/dicomdirtests/77654033/CR1/6154");
        DicomFile f = DicomFile.read(p);
        PixelData px = DicomPixels.decode(f);
        try (MedicalImage img = DicomImages.read(p, DType.FLOAT64)) {
            assertEquals("MONOCHROME1", img.metadata().get("PhotometricInterpretation"));
            assertEquals(px.stored().get(5) * 0.684 + 200, img.data().toDoubleArray()[5], 1e-9);
        }
    }
}
