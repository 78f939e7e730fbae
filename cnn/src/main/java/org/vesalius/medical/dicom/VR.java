package org.vesalius.medical.dicom;

/**
 * DICOM value representations (PS3.5 6.2). {@link #longHeader} VRs have a 2-byte reserved field and a
 * 4-byte length in explicit VR encodings; the others a 2-byte length.
 */
public enum VR {
    AE, AS, AT, CS, DA, DS, DT, FL, FD, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV,
    TM, UC, UI, UL, UN, UR, US, UT, UV;

    /** True when the explicit VR header has a 4-byte length (OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV). */
    public boolean longHeader() {
        switch (this) {
            case OB: case OD: case OF: case OL: case OV: case OW: case SQ: case SV: case UC: case UN: case UR:
            case UT: case UV:
                return true;
            default:
                return false;
        }
    }

    /** True for character VRs whose text uses the Specific Character Set (SH, LO, ST, LT, PN, UC, UT). */
    public boolean usesCharacterSet() {
        switch (this) {
            case SH: case LO: case ST: case LT: case PN: case UC: case UT:
                return true;
            default:
                return false;
        }
    }

    /** True for VRs whose value is text (padded with spaces, or NUL for UI). */
    public boolean isText() {
        switch (this) {
            case AE: case AS: case CS: case DA: case DS: case DT: case IS: case LO: case LT: case PN: case SH:
            case ST: case TM: case UC: case UI: case UR: case UT:
                return true;
            default:
                return false;
        }
    }

    /** Whether text values may hold several values separated by backslashes (not LT, ST, UT, UR). */
    public boolean multiValued() {
        return isText() && this != LT && this != ST && this != UT && this != UR;
    }

    /** The VR named by two ASCII bytes, or {@code null} when they name none. */
    public static VR of(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        try {
            return valueOf(new String(new char[] {(char) b0, (char) b1}));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
