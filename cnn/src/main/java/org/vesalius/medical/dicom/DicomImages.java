package org.vesalius.medical.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.StoredArray;
import org.vesalius.medical.Voxels;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * DICOM files as {@link MedicalImage}s: one file (single or multi-frame) or, with {@link DicomSeries}, a
 * series of slices.
 *
 * <p>Values: monochrome images get the modality rescale ({@code stored * RescaleSlope +
 * RescaleIntercept}, per frame for Enhanced objects, or the Modality LUT), so CT comes out in Hounsfield
 * units; MONOCHROME1 is <em>not</em> inverted (inversion is a display step; the photometric
 * interpretation is kept in the metadata). Colour images are not rescaled; YBR_FULL (and upsampled
 * YBR_FULL_422) is converted to RGB with ITU-R BT.601 full range, rounded and clipped to [0, 255]
 * ([0, 2^BitsStored - 1] for 16-bit samples, e.g. 12-bit JPEG extended).
 * RT Dose Grid Scaling is not applied (it is in the metadata).
 *
 * <p>Axes: data is {@code [samples, frames, rows, columns]} = {@code [C, Z, Y, X]}, index i = column,
 * j = row, k = frame; geometry is converted from DICOM's LPS to RAS (see {@link MedicalImage}).
 */
public final class DicomImages {
    private static final Logger LOG = LoggerFactory.getLogger(DicomImages.class);

    private DicomImages() {
    }

    /** Reads one file as a float32 image of modality values. */
    public static MedicalImage read(Path path) throws IOException {
        return read(path, DType.FLOAT32);
    }

    /** Reads one file as an image of {@code dtype} (an integer dtype needs integer modality values). */
    public static MedicalImage read(Path path, DType dtype) throws IOException {
        return toImage(DicomFile.read(path), dtype);
    }

    /** Decodes a parsed file into an image of {@code dtype}. */
    public static MedicalImage toImage(DicomFile file, DType dtype) throws IOException {
        DicomObject ds = file.dataset();
        // the geometry first: a header that cannot place the image fails before its pixels are decoded
        double[][] geo = singleFileGeometry(ds, DicomPixels.frames(ds, file.name()), file.name());
        PixelData px = DicomPixels.decode(file);
        double[] values = modalityValues(file, px);
        Tensor data = tensor(values, px, 1, dtype, file.name());
        return image(data, geo, metadata(file, px), file.name());
    }

    /**
     * The image of {@code data} with geometry {spacing, origin, direction}; a geometry that MedicalImage
     * refuses (finite values whose products overflow, a singular direction) is the file's defect, so it
     * becomes a {@link DicomFormatException} naming the attributes it came from.
     */
    static MedicalImage image(Tensor data, double[][] geo, Map<String, Object> metadata, String name)
            throws DicomFormatException {
        try {
            return new MedicalImage(data, geo[0], geo[1], geo[2], metadata);
        } catch (IllegalArgumentException e) {
            data.close();
            throw new DicomFormatException(name + ": Image Position (Patient), Image Orientation (Patient), Pixel Spacing "
                    + "and the slice spacing give no usable geometry: " + e.getMessage(), e);
        }
    }

    /**
     * Modality values in the stored array's order ({@code [frames, rows, columns, samples]}): rescaled for
     * monochrome images, YBR converted to RGB for colour, as the class comment describes.
     */
    public static double[] modalityValues(DicomFile file, PixelData px) throws DicomFormatException {
        StoredArray s = px.stored();
        int n = s.size();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = s.get(i);
        }
        String pi = px.photometric();
        if (pi.startsWith("MONOCHROME")) {
            applyRescale(file.dataset(), v, px.frames(), n / px.frames(), file.name());
        } else if (pi.equals("YBR_FULL") && px.samples() == 3) {
            // layout() has validated Bits Stored when px was decoded
            int bits = px.stored().type().byteSize() == 1 ? 8 : Math.max(8, Math.min(16, file.dataset().getInt(Tag.BitsStored, 8)));
            ybrFullToRgb(v, bits);
        } else if (!pi.equals("RGB") && !pi.equals("PALETTE COLOR")) {
            LOG.warn("{}: photometric interpretation {} is returned unconverted", file.name(), pi);
        }
        return v;
    }

    /**
     * The BT.601 full-range YCbCr to RGB conversion pydicom and DCMTK use, in float32, rounded and clipped;
     * chroma is centred at 2^(bits-1) (128 for 8-bit data, 2048 for 12-bit JPEG extended).
     */
    static void ybrFullToRgb(double[] v, int bits) {
        final float g1 = (float) (-0.114 * 1.772 / 0.587);
        final float g2 = (float) (-0.299 * 1.402 / 0.587);
        final float center = 1 << (bits - 1);
        final int max = (1 << bits) - 1;
        for (int i = 0; i + 2 < v.length; i += 3) {
            float y = (float) v[i];
            float cb = (float) v[i + 1] - center;
            float cr = (float) v[i + 2] - center;
            v[i] = clip(y + 1.402f * cr, max);
            v[i + 1] = clip(y + g1 * cb + g2 * cr, max);
            v[i + 2] = clip(y + 1.772f * cb, max);
        }
    }

    private static double clip(float x, int max) {
        float r = x + 0.5f;
        return r < 0 ? 0 : r > max ? max : (int) r;
    }

    private static void applyRescale(DicomObject ds, double[] v, int frames, int perFrame, String name)
            throws DicomFormatException {
        try {
            if (ds.contains(Tag.RescaleSlope) || ds.contains(Tag.RescaleIntercept)) {
                rescale(v, 0, v.length, ds.getDouble(Tag.RescaleSlope, 1), ds.getDouble(Tag.RescaleIntercept, 0));
                return;
            }
            DicomObject shared = transformation(ds.getItem(Tag.SharedFunctionalGroupsSequence));
            if (shared != null) {
                rescale(v, 0, v.length, shared.getDouble(Tag.RescaleSlope, 1), shared.getDouble(Tag.RescaleIntercept, 0));
                return;
            }
            List<DicomObject> groups = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence);
            if (groups.size() >= frames && transformation(groups.get(0)) != null) {
                for (int f = 0; f < frames; f++) {
                    DicomObject t = transformation(groups.get(f));
                    if (t != null) {
                        rescale(v, f * perFrame, (f + 1) * perFrame, t.getDouble(Tag.RescaleSlope, 1),
                                t.getDouble(Tag.RescaleIntercept, 0));
                    }
                }
                return;
            }
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": invalid modality rescale: " + e.getMessage());
        }
        DicomObject lut = ds.getItem(Tag.ModalityLUTSequence);
        if (lut != null) {
            applyLut(lut, v, name);
        }
    }

    private static DicomObject transformation(DicomObject group) {
        if (group == null) {
            return null;
        }
        DicomObject t = group.getItem(Tag.PixelValueTransformationSequence);
        return t != null && (t.contains(Tag.RescaleSlope) || t.contains(Tag.RescaleIntercept)) ? t : null;
    }

    private static void rescale(double[] v, int from, int to, double slope, double intercept) {
        if (slope == 1 && intercept == 0) {
            return;
        }
        for (int i = from; i < to; i++) {
            v[i] = v[i] * slope + intercept;
        }
    }

    // Modality LUT (PS3.3 C.11.1): descriptor = entries (0 means 65536), first stored value mapped, bits.
    private static void applyLut(DicomObject lut, double[] v, String name) throws DicomFormatException {
        DicomElement desc = lut.get(Tag.LUTDescriptor);
        DicomElement data = lut.get(Tag.LUTData);
        if (desc == null || data == null) {
            throw new DicomFormatException(name + ": Modality LUT Sequence lacks LUT Descriptor or LUT Data");
        }
        double[] d;
        try {
            d = desc.doubles();
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": " + e.getMessage());
        }
        if (d.length != 3) {
            throw new DicomFormatException(name + ": LUT Descriptor must have 3 values, has " + d.length);
        }
        if (!(d[0] >= 0 && d[0] <= 65535)) {
            throw new DicomFormatException(name + ": LUT Descriptor gives " + d[0] + " entries; the count is 0 (65536) to 65535");
        }
        int entries = d[0] == 0 ? 65536 : (int) d[0];
        int first = (int) d[1];
        int bits = (int) d[2];
        boolean byteTable = bits == 8 && data.length() == entries;
        if (!byteTable && data.length() < 2L * entries) {
            throw new DicomFormatException(name + ": LUT Data has " + data.length() + " bytes for " + entries + " entries");
        }
        int[] table = new int[entries];
        byte[] raw = data.bytes();
        for (int i = 0; i < entries; i++) {
            table[i] = byteTable ? raw[i] & 0xFF
                    : data.bigEndian() ? (raw[2 * i] & 0xFF) << 8 | raw[2 * i + 1] & 0xFF : raw[2 * i] & 0xFF | (raw[2 * i + 1] & 0xFF) << 8;
        }
        for (int i = 0; i < v.length; i++) {
            int idx = (int) v[i] - first;
            v[i] = table[idx < 0 ? 0 : idx >= entries ? entries - 1 : idx];
        }
    }

    /** Values in {@code [frames, rows, columns, samples]} order → tensor {@code [samples, slices * frames, rows, columns]}. */
    static Tensor tensor(double[] values, PixelData px, int slices, DType dtype, String name) {
        int s = px.samples();
        int depth = px.frames() * slices;
        int n = values.length;
        double[] ordered = values;
        if (s > 1) {
            ordered = new double[n];
            int pixels = n / s;
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < s; c++) {
                    ordered[c * pixels + p] = values[p * s + c];
                }
            }
        }
        return Voxels.tensor(ordered, dtype, name, s, depth, px.rows(), px.columns());
    }

    /** {spacing, origin, direction} in RAS for one file, from its own header. */
    static double[][] singleFileGeometry(DicomObject ds, int frames, String name) throws DicomFormatException {
        try {
            return geometry(ds, frames, name);
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": invalid geometry attribute: " + e.getMessage());
        }
    }

    private static double[][] geometry(DicomObject ds, int frames, String name) {
        DicomGeometry g = DicomGeometry.of(ds);
        double[] ps = g.pixelSpacing();
        if (ps == null) {
            ps = ds.getDoubles(Tag.ImagerPixelSpacing);
        }
        double[] spacing = {1, 1, 1};
        if (ps != null && ps.length >= 2 && ps[0] > 0 && ps[1] > 0) {
            spacing[0] = ps[1];
            spacing[1] = ps[0];
        }
        double[][] rc = rowColumn(g.orientation(), name);
        double[] normal = cross(rc[0], rc[1]);
        double[] origin = g.position() != null && g.position().length == 3 ? g.position().clone() : new double[3];
        double[] dirK = normal;
        double dk = 0;
        double[] lastPos = frames > 1 ? DicomGeometry.framePosition(ds, frames - 1) : null;
        double[] gfov = ds.getDoubles(Tag.GridFrameOffsetVector);
        if (lastPos != null && lastPos.length == 3) {
            double[] step = new double[3];
            for (int a = 0; a < 3; a++) {
                step[a] = (lastPos[a] - origin[a]) / (frames - 1);
            }
            dk = norm(step);
            if (dk > 0) {
                dirK = scale(step, 1 / dk);
            }
        } else if (frames > 1 && gfov != null && gfov.length >= 2) {
            double d = gfov[1] - gfov[0];
            dk = Math.abs(d);
            dirK = d < 0 ? scale(normal, -1) : normal;
        } else {
            double sbs = ds.getDouble(Tag.SpacingBetweenSlices, 0);
            dk = sbs > 0 ? sbs : g.sliceThickness() != null ? g.sliceThickness() : 1;
        }
        if (!(dk > 0)) {
            LOG.warn("{}: slice spacing is 0 or unknown; using 1 mm", name);
            dk = 1;
        }
        spacing[2] = dk;
        double[] dir = new double[9];
        double[][] cols = {rc[0], rc[1], dirK};
        for (int a = 0; a < 3; a++) {
            for (int r = 0; r < 3; r++) {
                dir[3 * r + a] = r < 2 ? -cols[a][r] : cols[a][r];
            }
        }
        origin[0] = -origin[0];
        origin[1] = -origin[1];
        return new double[][] {spacing, origin, dir};
    }

    /** Unit row and column cosines (LPS) from Image Orientation (Patient); identity axes when absent. */
    static double[][] rowColumn(double[] iop, String name) {
        if (iop == null || iop.length != 6) {
            // no orientation: identity in RAS, expressed in LPS
            return new double[][] {{-1, 0, 0}, {0, -1, 0}};
        }
        double[] r = {iop[0], iop[1], iop[2]};
        double[] c = {iop[3], iop[4], iop[5]};
        double nr = norm(r);
        double nc = norm(c);
        if (nr < 1e-6 || nc < 1e-6 || norm(cross(r, c)) < 1e-3 * nr * nc) {
            LOG.warn("{}: Image Orientation (Patient) {} is degenerate; using identity axes", name, java.util.Arrays.toString(iop));
            return new double[][] {{-1, 0, 0}, {0, -1, 0}};
        }
        return new double[][] {scale(r, 1 / nr), scale(c, 1 / nc)};
    }

    static double[] cross(double[] a, double[] b) {
        double[] n = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
        double l = norm(n);
        return l > 0 ? scale(n, 1 / l) : n;
    }

    static double norm(double[] a) {
        return Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    }

    static double[] scale(double[] a, double s) {
        return new double[] {a[0] * s, a[1] * s, a[2] * s};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** A few identifying and display fields of the header, as immutable values. */
    static Map<String, Object> metadata(DicomFile file, PixelData px) {
        DicomObject ds = file.dataset();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "DICOM");
        m.put("source", file.name());
        m.put("TransferSyntaxUID", file.transferSyntax().uid());
        for (int tag : new int[] {Tag.Modality, Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.StudyInstanceUID,
            Tag.SeriesInstanceUID, Tag.FrameOfReferenceUID, Tag.PatientID, Tag.PatientName, Tag.SeriesDescription,
            Tag.RescaleType}) {
            String v = ds.getString(tag);
            if (v != null && !v.isEmpty()) {
                m.put(Tag.keyword(tag), v);
            }
        }
        String pi = px.photometric().equals("YBR_FULL") ? "RGB" : px.photometric();
        m.put("PhotometricInterpretation", pi);
        for (int tag : new int[] {Tag.WindowCenter, Tag.WindowWidth, Tag.RescaleSlope, Tag.RescaleIntercept,
            Tag.DoseGridScaling}) {
            try {
                double[] d = ds.getDoubles(tag);
                if (d != null) {
                    List<Double> l = new ArrayList<>();
                    for (double x : d) {
                        l.add(x);
                    }
                    m.put(Tag.keyword(tag), List.copyOf(l));
                }
            } catch (NumberFormatException e) {
                LOG.warn("{}: {}", file.name(), e.getMessage());
            }
        }
        return m;
    }
}
