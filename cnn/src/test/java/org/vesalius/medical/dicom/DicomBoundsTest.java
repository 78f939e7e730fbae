package org.vesalius.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vesalius.medical.FuzzImages;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;

/**
 * Regression tests for what the DICOM fuzz test found: non-finite numbers in the geometry and the
 * rescale are {@link DicomFormatException}s naming the tag, not IllegalArgumentExceptions from
 * MedicalImage, and they are found before the pixels are decoded.
 */
class DicomBoundsTest {
    @TempDir
    Path dir;

    /** MR_small.dcm with the DS value of {@code tag} replaced by {@code text} (padded to its length). */
    private static byte[] withValue(int tag, String text) throws IOException {
        return withValue("python3-pydicom/MR_small.dcm", tag, text);
    }

    private static byte[] withValue(String file, int tag, String text) throws IOException {
        byte[] b = FuzzImages.corpus(file);
        DicomElement e = DicomFile.read(b, "MR_small.dcm").dataset().get(tag);
        assertTrue(e.length() >= text.length(), "the value has room for '" + text + "'");
        byte[] v = Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), e.length());
        Arrays.fill(v, text.length(), v.length, (byte) ' ');
        System.arraycopy(v, 0, b, e.offset(), v.length);
        return b;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0x00200037; (0020,0037) ImageOrientationPatient; 1.0E999999999999\\0\\0\\0\\1\\0",
        "0x00200032; (0020,0032) ImagePositionPatient; -1.0E999999999999\\0\\0",
        "0x00280030; (0028,0030) PixelSpacing; 1e999\\1",
        "0x00180050; (0018,0050) SliceThickness; 1e999",
        "0x00200037; (0020,0037) ImageOrientationPatient; NaN\\0\\0\\0\\1\\0",
        "0x00200032; (0020,0032) ImagePositionPatient; Infinity\\0\\0",
    })
    void aNonFiniteGeometryValueIsADicomFormatExceptionNamingTheTag(String tag, String described, String text)
            throws IOException {
        byte[] b = withValue(Integer.decode(tag), text);
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> DicomImages.toImage(DicomFile.read(b, "bad.dcm"), DType.FLOAT32));
        DicomFormatException e = assertInstanceOf(DicomFormatException.class, m.thrown());
        assertTrue(e.getMessage().contains(described + " DS value '" + text.split("\\\\")[0] + "' is not a"),
                e.getMessage());
        // the header is checked before the pixels are decoded: less than half what decoding the valid file takes
        byte[] valid = FuzzImages.corpus("python3-pydicom/MR_small.dcm");
        DicomImages.toImage(DicomFile.read(valid, "warm-up"), DType.FLOAT32).close();
        long decoding = ReaderFuzz.measure(() -> DicomImages.toImage(DicomFile.read(valid, "ok.dcm"), DType.FLOAT32).close()).bytes();
        m = ReaderFuzz.measure(() -> DicomImages.toImage(DicomFile.read(b, "bad.dcm"), DType.FLOAT32));
        assertTrue(m.bytes() < decoding / 2, m.bytes() + " bytes allocated, " + decoding + " to decode the valid file");
        // and a series of such slices fails the same way
        Path slice = dir.resolve("slice.dcm");
        Files.write(slice, b);
        IOException s = assertThrows(IOException.class, () -> DicomSeries.read(List.of(slice), DType.FLOAT32));
        assertTrue(s.getMessage().contains(described), s.getMessage());
    }

    @Test
    void theIssuesOrientationCaseNamesTheTagAndTheValue() throws IOException {
        byte[] b = withValue(Tag.ImageOrientationPatient, "1.0E999999999999\\0\\0\\0\\1\\0");
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomImages.toImage(DicomFile.read(b, "bad.dcm"), DType.FLOAT32));
        assertEquals("bad.dcm: invalid geometry attribute: (0020,0037) ImageOrientationPatient DS value "
                + "'1.0E999999999999' is not a finite number", e.getMessage());
    }

    @Test
    void aNonFiniteRescaleIsRefused() throws IOException {
        byte[] b = withValue("python3-pydicom/CT_small.dcm", Tag.RescaleIntercept, "1e999");
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomImages.toImage(DicomFile.read(b, "bad.dcm"), DType.FLOAT32));
        assertTrue(e.getMessage().contains("(0028,1052) RescaleIntercept DS value '1e999' is not a finite number"),
                e.getMessage());
    }

    @Test
    void javaOnlyNumberSyntaxIsNotADecimalString() throws IOException {
        byte[] b = withValue(Tag.SliceThickness, "0x1p3");
        DicomFormatException e = assertThrows(DicomFormatException.class,
                () -> DicomImages.toImage(DicomFile.read(b, "bad.dcm"), DType.FLOAT32));
        assertTrue(e.getMessage().contains("'0x1p3' is not a number"), e.getMessage());
    }

    /** Finite values whose products overflow still reach MedicalImage's checks: those become the file's error. */
    @Test
    void aGeometryMedicalImageRefusesIsADicomFormatException() {
        double[][] geo = {{1, 1, Double.POSITIVE_INFINITY}, {0, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}};
        Tensor data = Tensor.zeros(1, 1, 2, 2);
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomImages.image(data, geo, Map.of(), "x.dcm"));
        assertTrue(e.getMessage().startsWith("x.dcm: Image Position (Patient), Image Orientation (Patient), Pixel Spacing"),
                e.getMessage());
    }

    /**
     * Regression: Number of Frames x Rows x Columns x samples x bytes was multiplied in 64 bits unchecked,
     * and 2147483646 frames of 65535 x 65535 wrapped to a negative size that passed every check.
     */
    @Test
    void aFrameCountWhoseSizeOverflowsSixtyFourBitsIsRefused() throws IOException {
        byte[] mr = FuzzImages.corpus("python3-pydicom/MR_small.dcm");
        DicomObject ds = DicomFile.read(mr, "MR_small.dcm").dataset();
        for (int tag : new int[] {Tag.Rows, Tag.Columns}) {
            int at = ds.get(tag).offset();
            mr[at] = (byte) 0xFF;
            mr[at + 1] = (byte) 0xFF;
        }
        byte[] frames = {0x28, 0, 0x08, 0, 'I', 'S', 10, 0, '2', '1', '4', '7', '4', '8', '3', '6', '4', '6'};
        byte[] b = Arrays.copyOf(mr, mr.length + frames.length); // (0028,0008) after Pixel Data: read all the same
        System.arraycopy(frames, 0, b, mr.length, frames.length);
        DicomFile f = DicomFile.read(b, "frames.dcm");
        assertEquals(2147483646, DicomPixels.frames(f.dataset(), "frames.dcm"));
        DicomFormatException e = assertThrows(DicomFormatException.class, () -> DicomPixels.decode(f));
        assertTrue(e.getMessage().contains("2147483646 frames of 65535x65535x1 samples of 2 bytes would be more than"),
                e.getMessage());
    }
}
