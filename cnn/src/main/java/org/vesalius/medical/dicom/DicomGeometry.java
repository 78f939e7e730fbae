package org.vesalius.medical.dicom;

import java.util.List;

/**
 * Where a DICOM image lies in the patient, as its header states it (LPS millimetres): Pixel Spacing
 * (row spacing, column spacing), Image Orientation (Patient) (row and column cosines), Image Position
 * (Patient) of the first and last frame, Slice Thickness. Each is looked up at the top level, then in the
 * first item of the Shared Functional Groups, then in the Per-frame Functional Groups (Enhanced objects).
 * Absent values are {@code null}.
 *
 * @param source where orientation (else spacing, else position) was found: {@code top-level},
 *               {@code SharedFunctionalGroupsSequence[0]} or {@code PerFrameFunctionalGroupsSequence[0]};
 *               {@code null} when the header has no geometry
 */
public record DicomGeometry(double[] pixelSpacing, double[] orientation, double[] position, double[] positionLastFrame,
                            Double sliceThickness, String source) {

    private static final String SHARED = "SharedFunctionalGroupsSequence[0]";
    private static final String PER_FRAME = "PerFrameFunctionalGroupsSequence[0]";

    /** The geometry of a dataset. @throws NumberFormatException when a DS value is not a number */
    public static DicomGeometry of(DicomObject ds) {
        Found ps = find(ds, Tag.PixelSpacing, Tag.PixelMeasuresSequence, 0);
        Found iop = find(ds, Tag.ImageOrientationPatient, Tag.PlaneOrientationSequence, 0);
        Found ipp = find(ds, Tag.ImagePositionPatient, Tag.PlanePositionSequence, 0);
        Found st = find(ds, Tag.SliceThickness, Tag.PixelMeasuresSequence, 0);
        List<DicomObject> perFrame = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence);
        double[] last = ipp.value;
        if (perFrame.size() > 1 && !ds.contains(Tag.ImagePositionPatient)) {
            DicomObject plane = perFrame.get(perFrame.size() - 1).getItem(Tag.PlanePositionSequence);
            if (plane != null && plane.getDoubles(Tag.ImagePositionPatient) != null) {
                last = plane.getDoubles(Tag.ImagePositionPatient);
            }
        }
        String source = iop.value != null ? iop.source : ps.value != null ? ps.source : ipp.value != null ? ipp.source : null;
        return new DicomGeometry(ps.value, iop.value, ipp.value, last, st.value == null ? null : st.value[0], source);
    }

    /** Image Position (Patient) of frame {@code f} from the Per-frame Functional Groups, or {@code null}. */
    public static double[] framePosition(DicomObject ds, int f) {
        List<DicomObject> perFrame = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence);
        if (f >= perFrame.size()) {
            return null;
        }
        DicomObject plane = perFrame.get(f).getItem(Tag.PlanePositionSequence);
        return plane == null ? null : plane.getDoubles(Tag.ImagePositionPatient);
    }

    private record Found(double[] value, String source) {
    }

    private static Found find(DicomObject ds, int tag, int macro, int frame) {
        double[] v = ds.getDoubles(tag);
        if (v != null) {
            return new Found(v, "top-level");
        }
        v = inMacro(ds.getItem(Tag.SharedFunctionalGroupsSequence), macro, tag);
        if (v != null) {
            return new Found(v, SHARED);
        }
        List<DicomObject> perFrame = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence);
        v = perFrame.size() > frame ? inMacro(perFrame.get(frame), macro, tag) : null;
        return new Found(v, v == null ? null : PER_FRAME);
    }

    private static double[] inMacro(DicomObject group, int macro, int tag) {
        if (group == null) {
            return null;
        }
        DicomObject item = group.getItem(macro);
        return item == null ? null : item.getDoubles(tag);
    }
}
