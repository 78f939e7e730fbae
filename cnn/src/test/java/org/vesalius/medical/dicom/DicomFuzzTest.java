package org.vesalius.medical.dicom;


import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.FuzzImages;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.testing.ReaderFuzz;
import org.vesalius.testing.ReaderFuzz.Field;
import org.vesalius.testing.ReaderFuzz.Seed;

/**
 * Damaged DICOM files (explicit and implicit VR, both byte orders, deflate, native, RLE, JPEG baseline,
 * 12-bit extended and lossless, single- and multi-frame, enhanced) read as an image or a checked
 * exception with a message, within the per-case time limit and a heap bound of
 * {@code 8 x decoded + 600 x input + 4 MiB} allocated per case. The 8 x decoded covers the modality
 * pipeline (stored values, doubles, channel reordering, float32); 600 x input covers what a decoder may
 * allocate for an image its data can really hold before it finds a defect (RLE expands at most 64x, a
 * DCT JPEG holds at most 256 8-bit samples per byte: 2 bits per 8x8 block, and the decoded image is
 * then turned to doubles).
 */
class DicomFuzzTest {
    static final String BOUND = "8 x decoded + 600 x input + 4 MiB";

    private static final String[] FILES = {
        "medical/python3-pydicom/MR_small.dcm", "medical/python3-pydicom/MR_small_bigendian.dcm",
        "medical/python3-pydicom/MR_small_implicit.dcm", "medical/python3-pydicom/MR_small_RLE.dcm",
        "medical/python3-pydicom/SC_rgb_jpeg_dcmtk.dcm", "medical/python3-pydicom/SC_rgb_rle_2frame.dcm",
        "medical/python3-pydicom/rtdose_rle.dcm", "medical/python3-pydicom/SC_rgb_small_odd.dcm",
        "medical/python3-pydicom/liver_1frame.dcm", "medical/python3-pydicom/charset_files/chrH31.dcm",
        "medical-fixtures/MR_small_deflated.dcm", "medical-fixtures/CR_jpeg_extended12.dcm",
        "medical-fixtures/MR_small_jpeg_lossless_sv1.dcm", "medical-fixtures/SC_rgb_2frame_jpeg_baseline.dcm",
    };

    /** Elements whose values decide sizes and geometry. */
    private static final Set<Integer> VALUES = Set.of(Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.BitsStored,
            Tag.SamplesPerPixel, Tag.PixelRepresentation, Tag.PlanarConfiguration, Tag.NumberOfFrames,
            Tag.ImageOrientationPatient, Tag.ImagePositionPatient, Tag.PixelSpacing, Tag.SliceThickness,
            Tag.SpacingBetweenSlices, Tag.RescaleSlope, Tag.RescaleIntercept, Tag.TransferSyntaxUID,
            Tag.PhotometricInterpretation, Tag.GridFrameOffsetVector);

    static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String f : FILES) {
            byte[] b = FuzzImages.resource(f);
            seeds.add(new Seed(f.substring(f.lastIndexOf('/') + 1), b, fields(b, f)));
        }
        return seeds;
    }

    /**
     * Every element's length field, the values of {@link #VALUES}, the items of encapsulated Pixel Data,
     * and inside each fragment the RLE header or the JPEG segment lengths and frame size.
     */
    static List<Field> fields(byte[] b, String name) throws IOException {
        DicomFile f = DicomFile.read(b, name);
        List<Field> out = new ArrayList<>();
        if (f.transferSyntax().deflated()) {
            collect(f.fileMeta(), b, out); // the dataset's offsets are in the inflated bytes
        } else {
            collect(f.fileMeta(), b, out);
            collect(f.dataset(), b, out);
        }
        return out;
    }

    private static void collect(DicomObject ds, byte[] b, List<Field> out) {
        for (DicomElement e : ds.elements()) {
            int o = e.offset();
            String tag = Tag.describe(e.tag());
            boolean shortForm = o >= 4 && b[o - 4] == e.vr().name().charAt(0) && b[o - 3] == e.vr().name().charAt(1);
            if (shortForm) {
                out.add(Field.integer(tag + " length", o - 2, 2, e.bigEndian()));
            } else if (o >= 4) {
                out.add(Field.integer(tag + " length", o - 4, 4, e.bigEndian()));
            }
            if (VALUES.contains(e.tag()) && e.length() > 0) {
                if (e.vr() == VR.US || e.vr() == VR.SS) {
                    out.add(Field.integer(tag, o, 2, e.bigEndian()));
                } else {
                    out.add(Field.text(tag, o, e.length()));
                }
            }
            for (DicomObject item : e.items()) {
                collect(item, b, out);
            }
            for (int i = 0; i < e.fragmentCount(); i++) {
                int[] r = e.fragmentRange(i);
                out.add(Field.integer("fragment " + i + " length", r[0] - 4, 4, e.bigEndian()));
                if (i == 0 && r[1] >= 4) {
                    out.add(Field.integer("offset table[0]", r[0], 4, false));
                }
                if (i > 0) {
                    fragmentFields(b, r[0], r[1], "fragment " + i, out);
                }
            }
        }
    }

    private static void fragmentFields(byte[] b, int at, int len, String where, List<Field> out) {
        if (len >= 64 && (b[at] & 0xFF) != 0xFF) { // an RLE header: segment count and offsets
            for (int k = 0; k < 4; k++) {
                out.add(Field.integer(where + " RLE header[" + k + "]", at + 4 * k, 4, false));
            }
            return;
        }
        int p = at + 2; // after SOI
        while (p + 4 <= at + len && (b[p] & 0xFF) == 0xFF) {
            int m = b[p + 1] & 0xFF;
            out.add(Field.integer(where + String.format(" JPEG %02X length", m), p + 2, 2, true));
            if (m >= 0xC0 && m <= 0xC3 && p + 9 <= at + len) {
                out.add(Field.integer(where + " JPEG height", p + 5, 2, true));
                out.add(Field.integer(where + " JPEG width", p + 7, 2, true));
                out.add(Field.integer(where + " JPEG precision", p + 4, 1, true));
            }
            if (m == 0xDA) {
                break;
            }
            p += 2 + ((b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF);
        }
    }

    static ReaderFuzz<MedicalImage> fuzz(long seed) throws IOException {
        ReaderFuzz<MedicalImage> fuzz = ReaderFuzz.of("DICOM", seed,
                (input, name) -> DicomImages.toImage(DicomFile.read(input, name), DType.FLOAT32), FuzzImages::describe)
                .heapBound(BOUND, (input, plain, decoded) -> 8 * decoded + 600 * input + (4 << 20))
                .texts("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99",
                        "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70",
                        "1.2.840.10008.1.2.4.90", "YBR_FULL_422", "YBR_FULL", "RGB", "MONOCHROME1", "PALETTE COLOR", "65535",
                        "2147483647", "100000")
                .headerBytes(2048);
        seeds().forEach(fuzz::seed);
        return fuzz;
    }

    @Test
    void damagedFilesReadOrFailCleanly() throws Exception {
        try (AutoCloseable quiet = ReaderFuzz.quiet("org.vesalius.medical")) {
            fuzz(1857L).run(2000);
        }
    }

    @Test
    void everyTruncationFails() throws Exception {
        try (AutoCloseable quiet = ReaderFuzz.quiet("org.vesalius.medical")) {
            fuzz(2L).truncations(200);
        }
    }
}
