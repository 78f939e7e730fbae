package org.vesalius.medical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.dicom.DicomElement;
import org.vesalius.medical.dicom.DicomFile;
import org.vesalius.medical.dicom.DicomGeometry;
import org.vesalius.medical.dicom.DicomImages;
import org.vesalius.medical.dicom.DicomObject;
import org.vesalius.medical.dicom.DicomPixels;
import org.vesalius.medical.dicom.PixelData;
import org.vesalius.medical.dicom.Tag;
import org.vesalius.medical.dicom.Uids;
import org.vesalius.medical.nifti.Nifti;
import org.vesalius.medical.nifti.NiftiDataType;
import org.vesalius.medical.nifti.NiftiHeader;
import org.vesalius.tensor.DType;

/**
 * Every file of the shared reference corpus (src/test/resources/medical, see its README for origin and
 * licences) against manifest.json: header fields, decoded shape, SHA-256 of the stored values, rescaled
 * statistics, samples and first maximum; malformed files as their expectation says.
 */
class ConformanceTest {
    private static final Logger LOG = LoggerFactory.getLogger(ConformanceTest.class);
    private static final AtomicInteger MATCHED = new AtomicInteger();
    private static final AtomicInteger TOTAL = new AtomicInteger();

    static Path corpus() {
        try {
            return Path.of(ConformanceTest.class.getResource("/medical/manifest.json").toURI()).getParent();
        } catch (Exception e) {
            throw new IllegalStateException("test resources missing: medical/manifest.json", e);
        }
    }

    static List<JsonObject> entries() throws IOException {
        JsonObject m = JsonParser.parseString(Files.readString(corpus().resolve("manifest.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : m.getAsJsonArray("files")) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyManifestEntry() throws IOException {
        return entries().stream().map(e -> DynamicTest.dynamicTest(e.get("file").getAsString(), () -> {
            TOTAL.incrementAndGet();
            Path file = corpus().resolve(e.get("file").getAsString());
            if (e.get("format").getAsString().equals("DICOM")) {
                checkDicom(e, file);
            } else {
                checkNifti(e, file);
            }
            MATCHED.incrementAndGet();
        }));
    }

    @AfterAll
    static void summary() {
        LOG.info("medical conformance: {} of {} manifest entries matched", MATCHED.get(), TOTAL.get());
    }

    // ---------------------------------------------------------------------------------------------
    // DICOM

    private static void checkDicom(JsonObject e, Path file) throws IOException {
        JsonObject d = e.getAsJsonObject("dicom");
        DicomFile f = DicomFile.read(file);
        checkDicomHeader(d, f);
        JsonObject px = e.getAsJsonObject("pixels");
        JsonObject exp = e.has("expectation") ? e.getAsJsonObject("expectation") : null;
        if (exp != null && exp.get("good_reader").getAsString().equals("clear_error")) {
            IOException err = assertThrows(IOException.class, () -> DicomPixels.decode(f), "decoding must fail");
            String defect = exp.get("defect").getAsString();
            String want = defect.contains("truncated") ? "Pixel Data too short" : defect.contains("Number of Frames")
                    ? "invalid Number of Frames" : "";
            assertTrue(err.getMessage().contains(want), "message should name the defect (" + want + "): " + err.getMessage());
            assertThrows(IOException.class, () -> DicomImages.read(file));
            return;
        }
        assertTrue(px.get("decodable").getAsBoolean(), "manifest has no reference pixels and no clear_error expectation");
        PixelData p = DicomPixels.decode(f);
        StoredArray s = p.stored();
        List<Integer> shape = new ArrayList<>();
        if (p.frames() > 1) {
            shape.add(p.frames());
        }
        shape.add(p.rows());
        shape.add(p.columns());
        if (p.samples() > 1) {
            shape.add(p.samples());
        }
        assertEquals(ints(px.getAsJsonArray("shape")), shape, "shape");
        assertEquals(px.get("stored_dtype").getAsString(), s.type().code(), "stored dtype");
        String outPi = px.get("output_photometric_interpretation").getAsString();
        assertEquals(outPi.replace(" (upsampled)", ""), p.photometric(), "output photometric");
        boolean lossy = px.get("lossy_transfer_syntax").getAsBoolean();
        assertEquals(px.get("stored_sha256").getAsString(), s.sha256(), "stored_sha256");
        assertEquals(px.get("stored_min").getAsDouble(), min(storedValues(s)), "stored min");
        assertEquals(px.get("stored_max").getAsDouble(), max(storedValues(s)), "stored max");
        assertEquals(0, outsideBitsStored(s, f.dataset().getInt(Tag.BitsStored, 0)), "values outside Bits Stored");
        double[] modality = DicomImages.modalityValues(f, p);
        boolean ybr = p.photometric().startsWith("YBR");
        double[] rescaled = ybr ? storedValues(s) : modality;
        checkStats(px.getAsJsonObject("rescaled_stats"), rescaled, lossy, "rescaled");
        int frameValues = p.rows() * p.columns() * p.samples();
        for (JsonElement je : px.getAsJsonArray("samples")) {
            JsonObject smp = je.getAsJsonObject();
            int[] idx = ints(smp.getAsJsonArray("index")).stream().mapToInt(Integer::intValue).toArray();
            int frame = idx.length == 3 ? idx[0] : 0;
            int base = frame * frameValues + (idx[idx.length - 2] * p.columns() + idx[idx.length - 1]) * p.samples();
            assertSample(smp.get("stored"), s, base, p.samples(), "stored at " + Arrays.toString(idx));
            assertValue(smp.get("value"), rescaled, base, p.samples(), 0, "value at " + Arrays.toString(idx));
        }
        if (px.has("first_max_index")) {
            int at = argmax(storedValues(s));
            assertEquals(ints(px.getAsJsonArray("first_max_index")), unravel(at, shape), "first_max_index");
        }
        if (px.has("rgb_converted")) {
            JsonObject rgb = px.getAsJsonObject("rgb_converted");
            checkStats(rgb.getAsJsonObject("stats"), modality, false, "rgb_converted");
            for (JsonElement je : rgb.getAsJsonArray("samples")) {
                JsonObject smp = je.getAsJsonObject();
                int[] idx = ints(smp.getAsJsonArray("index")).stream().mapToInt(Integer::intValue).toArray();
                int base = (idx[0] * p.columns() + idx[1]) * p.samples();
                assertValue(smp.get("value"), modality, base, 3, 0, "RGB at " + Arrays.toString(idx));
            }
        }
        try (MedicalImage img = DicomImages.read(file, DType.FLOAT64)) {
            assertArrayEquals(new int[] {p.samples(), p.frames(), p.rows(), p.columns()}, img.data().shape(), "image shape");
            double[] v = img.data().toDoubleArray();
            double[] expSorted = modality.clone();
            Arrays.sort(expSorted);
            Arrays.sort(v);
            assertArrayEquals(expSorted, v, "image values are the modality values");
            checkImageGeometry(d, img);
        }
    }

    private static void checkDicomHeader(JsonObject d, DicomFile f) {
        DicomObject ds = f.dataset();
        assertEquals(d.get("has_preamble_and_DICM").getAsBoolean(), f.hasPreamble(), "preamble");
        assertEquals(d.get("transfer_syntax_uid").getAsString(), f.transferSyntax().uid(), "transfer syntax");
        assertEquals(d.get("transfer_syntax_name").getAsString(), f.transferSyntax().name(), "transfer syntax name");
        assertEquals(d.get("transfer_syntax_source").getAsString(), f.transferSyntaxSource(), "transfer syntax source");
        assertEquals(str(d, "sop_class_uid"), ds.getString("SOPClassUID"), "SOP class");
        assertEquals(str(d, "sop_class_name"), Uids.name(ds.getString("SOPClassUID")), "SOP class name");
        assertEquals(str(d, "modality"), ds.getString("Modality"), "modality");
        JsonElement cs = d.get("specific_character_set");
        String[] csv = ds.getStrings("SpecificCharacterSet");
        if (cs.isJsonNull()) {
            assertNull(csv, "specific character set");
        } else if (cs.isJsonArray()) {
            assertEquals(strings(cs.getAsJsonArray()), Arrays.asList(csv), "specific character set");
        } else {
            assertEquals(cs.getAsString(), ds.getString("SpecificCharacterSet"), "specific character set");
        }
        assertEquals(str(d, "patient_name"), ds.getString("PatientName"), "patient name");
        for (String[] kv : new String[][] {{"rows", "Rows"}, {"columns", "Columns"}, {"samples_per_pixel", "SamplesPerPixel"},
            {"planar_configuration", "PlanarConfiguration"}, {"bits_allocated", "BitsAllocated"}, {"bits_stored", "BitsStored"},
            {"high_bit", "HighBit"}, {"pixel_representation", "PixelRepresentation"}}) {
            JsonElement v = d.get(kv[0]);
            if (v.isJsonNull()) {
                assertNull(ds.get(kv[1]), kv[0]);
            } else {
                assertEquals(v.getAsInt(), ds.getInt(kv[1], -1), kv[0]);
            }
        }
        assertEquals(str(d, "photometric_interpretation"), ds.getString("PhotometricInterpretation"), "photometric");
        assertEquals(str(d, "number_of_frames_str"), ds.getString("NumberOfFrames"), "NumberOfFrames string");
        if (d.get("frames").isJsonNull()) {
            assertThrows(IOException.class, () -> DicomPixels.frames(ds, f.name()), "invalid Number of Frames");
        } else {
            assertEquals(d.get("frames").getAsInt(), assertDoesNotThrowFrames(ds, f.name()), "frames");
        }
        for (String[] kv : new String[][] {{"rescale_slope", "RescaleSlope"}, {"rescale_intercept", "RescaleIntercept"},
            {"slice_thickness", "SliceThickness"}, {"dose_grid_scaling", "DoseGridScaling"}}) {
            if (kv[0].equals("slice_thickness") && !d.get("geometry_source").isJsonNull()
                    && d.get("geometry_source").getAsString().startsWith("Shared")) {
                continue; // compared with the functional-group geometry below
            }
            assertNumber(d.get(kv[0]), ds.getDoubles(kv[1]), kv[0]);
        }
        for (String[] kv : new String[][] {{"rescale_slope_str", "RescaleSlope"}, {"rescale_intercept_str", "RescaleIntercept"},
            {"slice_thickness_str", "SliceThickness"}, {"rescale_type", "RescaleType"},
            {"lossy_image_compression", "LossyImageCompression"}}) {
            assertEquals(str(d, kv[0]), ds.getString(kv[1]), kv[0]);
        }
        assertEquals(d.get("has_modality_lut_sequence").getAsBoolean(), ds.contains("ModalityLUTSequence"), "modality LUT");
        assertList(d.get("window_center"), ds.getDoubles("WindowCenter"), "window center");
        assertList(d.get("window_width"), ds.getDoubles("WindowWidth"), "window width");
        DicomGeometry g = DicomGeometry.of(ds);
        assertList(d.get("pixel_spacing"), g.pixelSpacing(), "pixel spacing");
        assertList(d.get("image_position_patient"), g.position(), "image position");
        assertList(d.get("image_orientation_patient"), g.orientation(), "image orientation");
        assertEquals(str(d, "geometry_source"), g.source(), "geometry source");
        if (d.has("image_position_patient_last_frame")) {
            assertList(d.get("image_position_patient_last_frame"), g.positionLastFrame(), "last frame position");
        }
        if (!d.get("geometry_source").isJsonNull() && d.get("geometry_source").getAsString().startsWith("Shared")) {
            assertNumber(d.get("slice_thickness"), g.sliceThickness() == null ? null : new double[] {g.sliceThickness()},
                    "slice thickness");
        }
        DicomElement pd = ds.get(Tag.PixelData);
        assertEquals(str(d, "pixel_data_vr"), pd.vr().name(), "pixel data VR");
        assertEquals(d.get("pixel_data_encapsulated").getAsBoolean(), pd.isEncapsulated(), "encapsulated");
        assertEquals(d.get("pixel_data_value_bytes").getAsInt(), pd.length(), "pixel data value bytes");
    }

    private static int assertDoesNotThrowFrames(DicomObject ds, String name) {
        try {
            return DicomPixels.frames(ds, name);
        } catch (IOException e) {
            return fail(e);
        }
    }

    /** World geometry: the image's LPS affine maps voxel (0,0,0) to Image Position (Patient). */
    private static void checkImageGeometry(JsonObject d, MedicalImage img) {
        if (d.get("image_position_patient").isJsonNull() || d.get("image_orientation_patient").isJsonNull()) {
            return;
        }
        double[] ipp = doubles(d.getAsJsonArray("image_position_patient"));
        double[][] lps = img.affineLps();
        for (int r = 0; r < 3; r++) {
            assertEquals(ipp[r], lps[r][3], 1e-9, "origin (LPS) " + r);
        }
        double[] iop = doubles(d.getAsJsonArray("image_orientation_patient"));
        double[] ps = doubles(d.getAsJsonArray("pixel_spacing"));
        for (int r = 0; r < 3; r++) {
            assertEquals(iop[r] * ps[1], lps[r][0], 1e-6, "column step (LPS) " + r);
            assertEquals(iop[3 + r] * ps[0], lps[r][1], 1e-6, "row step (LPS) " + r);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // NIfTI

    private static void checkNifti(JsonObject e, Path file) throws IOException {
        JsonObject n = e.getAsJsonObject("nifti");
        Nifti.NiftiData nd = Nifti.readStored(file);
        NiftiHeader h = nd.header();
        assertEquals(n.get("endianness").getAsString(), h.bigEndian ? "big" : "little", "endianness");
        assertEquals(n.get("sizeof_hdr").getAsInt(), h.sizeofHdr, "sizeof_hdr");
        assertEquals(n.get("magic").getAsString(), h.magic, "magic");
        assertEquals(n.get("single_file").getAsBoolean(), h.singleFile(), "single file");
        assertEquals(n.get("vox_offset").getAsDouble(), h.voxOffset, "vox_offset");
        assertArrayEquals(longs(n.getAsJsonArray("dim")), h.dim, "dim");
        assertArrayEquals(longs(n.getAsJsonArray("shape")), h.shape(), "shape");
        assertEquals(n.get("datatype_code").getAsInt(), h.datatype, "datatype");
        assertEquals(n.get("datatype_name").getAsString(), NiftiDataType.of(h.datatype).nibabelName(), "datatype name");
        assertEquals(n.get("bitpix").getAsInt(), h.bitpix, "bitpix");
        assertArrayEquals(doubles(n.getAsJsonArray("pixdim")), h.pixdim, 0, "pixdim");
        assertEquals(n.get("xyz_units").getAsString(), h.xyzUnits(), "xyz units");
        assertEquals(n.get("t_units").getAsString(), h.tUnits(), "t units");
        assertEquals(n.get("xyzt_units_code").getAsInt(), h.xyztUnits, "xyzt_units");
        assertNumber(n.get("scl_slope"), new double[] {h.sclSlope}, "scl_slope");
        assertNumber(n.get("scl_inter"), new double[] {h.sclInter}, "scl_inter");
        assertEquals(n.get("qform_code").getAsInt(), h.qformCode, "qform_code");
        assertEquals(n.get("sform_code").getAsInt(), h.sformCode, "sform_code");
        assertArrayEquals(doubles(n.getAsJsonArray("quatern_bcd")), new double[] {h.quaternB, h.quaternC, h.quaternD}, 0, "quatern");
        assertArrayEquals(doubles(n.getAsJsonArray("qoffset_xyz")), new double[] {h.qoffsetX, h.qoffsetY, h.qoffsetZ}, 0, "qoffset");
        assertMatrix(n.getAsJsonArray("qform_affine"), h.qformAffine(), 1e-6, "qform affine");
        assertMatrix(n.getAsJsonArray("sform_affine"), h.sformAffine(), 0, "sform affine");
        assertMatrix(n.getAsJsonArray("best_affine"), h.bestAffine(), 1e-6, "best affine");
        assertEquals(n.get("best_affine_source").getAsString(), h.bestAffineSource(), "best affine source");
        assertEquals(n.get("intent_code").getAsInt(), h.intentCode, "intent code");
        assertEquals(n.get("descrip").getAsString(), h.descrip, "descrip");
        JsonArray ext = n.getAsJsonArray("extensions");
        assertEquals(ext.size(), h.extensions.size(), "extensions");
        for (int i = 0; i < ext.size(); i++) {
            assertEquals(ext.get(i).getAsJsonObject().get("code").getAsInt(), h.extensions.get(i).code(), "extension code");
            assertEquals(ext.get(i).getAsJsonObject().get("size_on_disk").getAsInt(), h.extensions.get(i).sizeOnDisk(), "extension size");
        }
        JsonObject px = e.getAsJsonObject("pixels");
        StoredArray s = nd.stored();
        assertEquals(px.get("stored_dtype").getAsString(), s.type().code(), "stored dtype");
        assertEquals(px.get("stored_sha256").getAsString(), s.sha256(), "stored_sha256");
        double[] stored = storedValues(s);
        assertEquals(px.get("stored_min").getAsDouble(), min(stored), "stored min");
        assertEquals(px.get("stored_max").getAsDouble(), max(stored), "stored max");
        JsonObject sc = px.getAsJsonObject("scaling");
        boolean scaled = Double.isFinite(h.sclSlope) && h.sclSlope != 0;
        double[] values = stored.clone();
        if (scaled) {
            for (int i = 0; i < values.length; i++) {
                values[i] = values[i] * h.sclSlope + h.sclInter;
            }
        }
        assertEquals(sc.get("applied").getAsBoolean(), scaled && !(h.sclSlope == 1 && h.sclInter == 0), "scaling applied");
        int nan = 0;
        for (double v : values) {
            nan += Double.isNaN(v) ? 1 : 0;
        }
        assertEquals(px.get("nan_count").getAsInt(), nan, "NaN count");
        checkStats(px.getAsJsonObject("scaled_stats"), values, false, "scaled");
        long[] dims = h.shape();
        for (JsonElement je : px.getAsJsonArray("samples")) {
            JsonObject smp = je.getAsJsonObject();
            long[] idx = longs(smp.getAsJsonArray("index"));
            int flat = 0;
            long mul = 1;
            for (int a = 0; a < idx.length; a++) {
                flat += (int) (idx[a] * mul);
                mul *= dims[a];
            }
            assertSample(smp.get("stored"), s, flat, 1, "stored at " + Arrays.toString(idx));
            assertValue(smp.get("value"), values, flat, 1, 1e-12, "value at " + Arrays.toString(idx));
        }
        int at = argmax(stored);
        long[] first = longs(px.getAsJsonArray("first_max_index_file_order"));
        for (int a = 0; a < first.length; a++) {
            assertEquals(first[a], at % dims[a], "first max index axis " + a);
            at /= (int) dims[a];
        }
        try (MedicalImage img = Nifti.read(file, DType.FLOAT64)) {
            int[] sz = img.size();
            for (int a = 0; a < 3 && a < dims.length; a++) {
                assertEquals(dims[a], sz[a], "image size axis " + a);
            }
            assertMatrix(n.getAsJsonArray("best_affine"), img.affine(), 1e-6, "image affine");
            assertEquals(n.get("orientation_codes").getAsString(), img.orientation(), "orientation codes");
            double[] v = img.data().toDoubleArray();
            assertEquals(values.length, v.length, "image voxels");
            for (int i = 0; i < v.length; i += 97) {
                assertEquals(values[i], v[i], 0, "image value " + i + " (file order = tensor order)");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    static double[] storedValues(StoredArray s) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.get(i);
        }
        return v;
    }

    private static long outsideBitsStored(StoredArray s, int bitsStored) {
        if (s.type().isFloatingPoint() || bitsStored <= 0 || bitsStored >= 8 * s.type().byteSize()) {
            return 0;
        }
        long count = 0;
        long lo = s.type().isSigned() ? -(1L << (bitsStored - 1)) : 0;
        long hi = s.type().isSigned() ? (1L << (bitsStored - 1)) - 1 : (1L << bitsStored) - 1;
        for (int i = 0; i < s.size(); i++) {
            long v = s.getLong(i);
            count += v < lo || v > hi ? 1 : 0;
        }
        return count;
    }

    /** min, max exact (lossy: ±2); mean, std, sum to 1e-9 relative, over finite values, as numpy with ddof 0. */
    private static void checkStats(JsonObject st, double[] v, boolean lossy, String what) {
        double tol = lossy ? 2 : 0;
        double mn = Double.POSITIVE_INFINITY;
        double mx = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double comp = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                continue;
            }
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
            double t = sum + x;
            comp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
            n++;
        }
        sum += comp;
        double mean = sum / n;
        double ss = 0;
        double c2 = 0;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                continue;
            }
            double dx = (x - mean) * (x - mean);
            double t = ss + dx;
            c2 += Math.abs(ss) >= Math.abs(dx) ? (ss - t) + dx : (dx - t) + ss;
            ss = t;
        }
        double std = Math.sqrt((ss + c2) / n);
        assertEquals(st.get("min").getAsDouble(), mn, tol, what + " min");
        assertEquals(st.get("max").getAsDouble(), mx, tol, what + " max");
        double rel = lossy ? 1e-2 : 1e-9;
        assertEquals(st.get("mean").getAsDouble(), mean, rel * Math.max(1, Math.abs(mean)), what + " mean");
        assertEquals(st.get("std").getAsDouble(), std, rel * Math.max(1, Math.abs(std)), what + " std");
        assertEquals(st.get("sum").getAsDouble(), sum, rel * Math.max(1, Math.abs(sum)), what + " sum");
    }

    private static void assertSample(JsonElement exp, StoredArray s, int base, int samples, String what) {
        if (exp.isJsonArray()) {
            JsonArray a = exp.getAsJsonArray();
            for (int c = 0; c < samples; c++) {
                assertEquals(a.get(c).getAsDouble(), s.get(base + c), what + " sample " + c);
            }
        } else if (exp.isJsonNull()) {
            assertTrue(Double.isNaN(s.get(base)), what + " should be NaN");
        } else {
            assertEquals(exp.getAsDouble(), s.get(base), what);
        }
    }

    private static void assertValue(JsonElement exp, double[] v, int base, int samples, double rel, String what) {
        if (exp.isJsonArray()) {
            JsonArray a = exp.getAsJsonArray();
            for (int c = 0; c < samples; c++) {
                assertEquals(a.get(c).getAsDouble(), v[base + c], rel * Math.abs(v[base + c]), what + " sample " + c);
            }
        } else if (exp.isJsonNull()) {
            assertTrue(Double.isNaN(v[base]), what + " should be NaN");
        } else {
            assertEquals(exp.getAsDouble(), v[base], rel * Math.abs(v[base]), what);
        }
    }

    private static void assertNumber(JsonElement exp, double[] got, String what) {
        if (exp == null || exp.isJsonNull()) {
            assertNull(got, what);
        } else {
            assertTrue(got != null && got.length >= 1, what + " missing");
            if (Double.isNaN(exp.getAsDouble())) {
                assertTrue(Double.isNaN(got[0]), what);
            } else {
                assertEquals(exp.getAsDouble(), got[0], what);
            }
        }
    }

    private static void assertList(JsonElement exp, double[] got, String what) {
        if (exp == null || exp.isJsonNull()) {
            assertNull(got, what);
        } else {
            assertArrayEquals(doubles(exp.getAsJsonArray()), got, 0, what);
        }
    }

    private static void assertMatrix(JsonArray exp, double[][] got, double tol, String what) {
        for (int r = 0; r < 4; r++) {
            double[] row = doubles(exp.get(r).getAsJsonArray());
            for (int c = 0; c < 4; c++) {
                assertEquals(row[c], got[r][c], tol, what + " [" + r + "][" + c + "]");
            }
        }
    }

    private static String str(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> l = new ArrayList<>();
        a.forEach(x -> l.add(x.getAsInt()));
        return l;
    }

    private static List<String> strings(JsonArray a) {
        List<String> l = new ArrayList<>();
        a.forEach(x -> l.add(x.getAsString()));
        return l;
    }

    static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    private static long[] longs(JsonArray a) {
        long[] d = new long[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsLong();
        }
        return d;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                m = Math.min(m, x);
            }
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                m = Math.max(m, x);
            }
        }
        return m;
    }

    private static int argmax(double[] v) {
        int at = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[at] || Double.isNaN(v[at]) && !Double.isNaN(v[i])) {
                at = i;
            }
        }
        return at;
    }

    private static List<Integer> unravel(int flat, List<Integer> shape) {
        Integer[] idx = new Integer[shape.size()];
        for (int a = shape.size() - 1; a >= 0; a--) {
            idx[a] = flat % shape.get(a);
            flat /= shape.get(a);
        }
        return Arrays.asList(idx);
    }
}
