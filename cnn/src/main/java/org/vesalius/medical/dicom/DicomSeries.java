package org.vesalius.medical.dicom;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * A series of single-frame DICOM slices assembled into one volume: slices are sorted by the projection
 * of Image Position (Patient) on the slice normal (row cosine × column cosine), the slice spacing is the
 * distance between the first and last position over the number of gaps, and the third direction is the
 * unit vector from the first to the last position (so a tilted-gantry stack keeps its shear). Each slice
 * gets its own modality rescale. Output is {@code [samples, slices, rows, columns]} in RAS, as
 * {@link DicomImages}.
 */
public final class DicomSeries {
    private static final Logger LOG = LoggerFactory.getLogger(DicomSeries.class);
    /** Relative deviation of one gap from the mean gap above which the spacing is reported as uneven. */
    private static final double UNEVEN = 0.01;

    private DicomSeries() {
    }

    /**
     * The image files of a directory (not recursive) grouped by Series Instance UID, each list in file-name
     * order. Files that are not DICOM, or have no Pixel Data, are skipped (logged at debug level).
     */
    public static Map<String, List<Path>> list(Path dir) throws IOException {
        Map<String, List<Path>> paths = new TreeMap<>();
        for (Map.Entry<String, List<Parsed>> e : scan(dir).entrySet()) {
            List<Path> ps = new ArrayList<>();
            for (Parsed f : e.getValue()) {
                ps.add(f.path());
            }
            paths.put(e.getKey(), ps);
        }
        return paths;
    }

    /** A file as {@link #scan} read it, so that {@link #read(Path)} does not read and parse it again. */
    private record Parsed(Path path, DicomFile file) {
    }

    /** {@link #list}'s grouping, keeping the parsed files. */
    private static Map<String, List<Parsed>> scan(Path dir) throws IOException {
        Map<String, List<Parsed>> series = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        for (Path p : files) {
            try {
                DicomFile f = DicomFile.read(p);
                if (!f.dataset().contains(Tag.PixelData)) {
                    LOG.debug("{}: no Pixel Data, skipped", p);
                    continue;
                }
                String uid = f.dataset().getString(Tag.SeriesInstanceUID);
                series.computeIfAbsent(uid == null ? "" : uid, k -> new ArrayList<>()).add(new Parsed(p, f));
            } catch (DicomFormatException e) {
                LOG.debug("{}: not read as DICOM ({}), skipped", p, e.getMessage());
            }
        }
        return series;
    }

    /** Reads the only series in {@code dir} as float32. @throws IOException when it holds none or several */
    public static MedicalImage read(Path dir) throws IOException {
        Map<String, List<Parsed>> series = scan(dir);
        if (series.isEmpty()) {
            throw new IOException(dir + ": no DICOM image files");
        }
        if (series.size() > 1) {
            throw new IOException(dir + ": holds " + series.size() + " series " + series.keySet()
                    + "; pick one with DicomSeries.list(dir).get(uid) and read(files, dtype)");
        }
        return assemble(series.values().iterator().next(), DType.FLOAT32);
    }

    /** Reads the given slices (one series) as one volume of {@code dtype}. */
    public static MedicalImage read(List<Path> files, DType dtype) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("DicomSeries.read: no files given");
        }
        List<Parsed> parsed = new ArrayList<>();
        for (Path p : files) {
            parsed.add(new Parsed(p, DicomFile.read(p)));
        }
        return assemble(parsed, dtype);
    }

    private static MedicalImage assemble(List<Parsed> files, DType dtype) throws IOException {
        List<Slice> slices = new ArrayList<>();
        for (Parsed parsed : files) {
            Path p = parsed.path();
            DicomFile f = parsed.file();
            PixelData px = DicomPixels.decode(f);
            if (px.frames() != 1) {
                throw new IOException(p + ": has " + px.frames() + " frames; a series is assembled from single-frame files "
                        + "(read a multi-frame file with DicomImages.read)");
            }
            slices.add(new Slice(p, f, px));
        }
        Slice first = slices.get(0);
        String uid = first.file.dataset().getString(Tag.SeriesInstanceUID);
        double[] iop = geometry(first).orientation();
        for (Slice s : slices) {
            String u = s.file.dataset().getString(Tag.SeriesInstanceUID);
            if (uid != null && u != null && !uid.equals(u)) {
                throw new IOException(s.path + ": Series Instance UID " + u + " differs from " + uid + " of " + first.path);
            }
            if (s.px.rows() != first.px.rows() || s.px.columns() != first.px.columns() || s.px.samples() != first.px.samples()) {
                throw new IOException(s.path + ": " + s.px.rows() + "x" + s.px.columns() + "x" + s.px.samples()
                        + " pixels differ from " + first.px.rows() + "x" + first.px.columns() + "x" + first.px.samples()
                        + " of " + first.path);
            }
            double[] o = geometry(s).orientation();
            if (iop != null && o != null) {
                for (int i = 0; i < 6; i++) {
                    if (Math.abs(o[i] - iop[i]) > 1e-3) {
                        throw new IOException(s.path + ": Image Orientation (Patient) differs from " + first.path
                                + "; slices of one volume must share their orientation");
                    }
                }
            }
        }
        String name = first.path.toString();
        double[][] rc = DicomImages.rowColumn(iop, name);
        double[] normal = DicomImages.cross(rc[0], rc[1]);
        boolean havePositions = slices.stream().allMatch(s -> position(s) != null);
        if (havePositions) {
            slices.sort(Comparator.comparingDouble(s -> DicomImages.dot(position(s), normal)));
            for (int i = 1; i < slices.size(); i++) {
                double gap = DicomImages.dot(position(slices.get(i)), normal) - DicomImages.dot(position(slices.get(i - 1)), normal);
                if (gap < 1e-4) {
                    throw new IOException(slices.get(i - 1).path + " and " + slices.get(i).path
                            + " lie at the same position along the slice normal; the series has duplicate slices");
                }
            }
        } else {
            LOG.warn("{}: Image Position (Patient) missing in some slices; sorting by Instance Number", name);
            Map<Slice, Integer> number = new java.util.IdentityHashMap<>();
            for (Slice s : slices) {
                try {
                    number.put(s, s.file.dataset().getInt(Tag.InstanceNumber, 0));
                } catch (NumberFormatException e) {
                    throw new DicomFormatException(s.path + ": " + e.getMessage());
                }
            }
            slices.sort(Comparator.comparingInt(number::get));
        }
        int n = slices.size();
        double[][] geo = DicomImages.singleFileGeometry(first.file.dataset(), 1, name);
        double[] spacing = geo[0];
        double[] origin;
        double[] dir = geo[2];
        if (havePositions) {
            double[] p0 = position(slices.get(0));
            origin = new double[] {-p0[0], -p0[1], p0[2]};
            if (n > 1) {
                double[] pn = position(slices.get(n - 1));
                double[] step = {(pn[0] - p0[0]) / (n - 1), (pn[1] - p0[1]) / (n - 1), (pn[2] - p0[2]) / (n - 1)};
                double dk = DicomImages.norm(step);
                spacing[2] = dk;
                dir[2] = -step[0] / dk;
                dir[5] = -step[1] / dk;
                dir[8] = step[2] / dk;
                checkEvenSpacing(slices, normal, DicomImages.dot(step, normal), name);
            }
        } else {
            origin = geo[1];
        }
        int per = first.px.stored().size();
        double[] values = new double[per * n];
        for (int i = 0; i < n; i++) {
            Slice s = slices.get(i);
            System.arraycopy(DicomImages.modalityValues(s.file, s.px), 0, values, i * per, per);
        }
        Tensor data = DicomImages.tensor(values, first.px, n, dtype, name);
        Map<String, Object> meta = new LinkedHashMap<>(DicomImages.metadata(first.file, first.px));
        meta.put("source", first.path.getParent() == null ? name : first.path.getParent().toString());
        meta.put("slices", List.copyOf(slices.stream().map(s -> s.path.toString()).toList()));
        return DicomImages.image(data, new double[][] {spacing, origin, dir}, meta, name);
    }

    private static void checkEvenSpacing(List<Slice> slices, double[] normal, double mean, String name) {
        double worst = 0;
        for (int i = 1; i < slices.size(); i++) {
            double gap = DicomImages.dot(position(slices.get(i)), normal) - DicomImages.dot(position(slices.get(i - 1)), normal);
            worst = Math.max(worst, Math.abs(gap - mean));
        }
        if (worst > UNEVEN * Math.abs(mean) + 1e-3) {
            LOG.warn("{}: uneven slice spacing (a gap differs from the mean {} mm by {} mm); the volume assumes even spacing",
                    name, mean, worst);
        }
    }

    private record Slice(Path path, DicomFile file, PixelData px) {
    }

    private static DicomGeometry geometry(Slice s) throws DicomFormatException {
        try {
            return DicomGeometry.of(s.file.dataset());
        } catch (NumberFormatException e) {
            throw new DicomFormatException(s.path + ": " + e.getMessage());
        }
    }

    private static double[] position(Slice s) {
        try {
            double[] p = DicomGeometry.of(s.file.dataset()).position();
            return p != null && p.length == 3 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
