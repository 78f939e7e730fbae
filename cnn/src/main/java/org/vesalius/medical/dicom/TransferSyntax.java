package org.vesalius.medical.dicom;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DICOM transfer syntax: how the dataset after the file meta group is encoded, and how Pixel Data is
 * compressed.
 */
public final class TransferSyntax {
    /** How Pixel Data is stored. */
    public enum Compression { NONE, RLE, JPEG, JPEG_LS, JPEG_2000, HTJ2K, VIDEO, UNKNOWN }

    public static final TransferSyntax IMPLICIT_VR_LE = new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, Compression.NONE, false);
    public static final TransferSyntax EXPLICIT_VR_LE = new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, Compression.NONE, false);
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LE = new TransferSyntax("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, Compression.NONE, false);
    public static final TransferSyntax EXPLICIT_VR_BE = new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, Compression.NONE, false);

    private static final Map<String, TransferSyntax> KNOWN = new LinkedHashMap<>();

    static {
        for (TransferSyntax t : new TransferSyntax[] {IMPLICIT_VR_LE, EXPLICIT_VR_LE, DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_BE}) {
            KNOWN.put(t.uid, t);
        }
        add("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", Compression.JPEG, true);
        add("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", Compression.JPEG, true);
        add("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", Compression.JPEG, false);
        add("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", Compression.JPEG, false);
        add("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", Compression.JPEG_LS, false);
        add("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", Compression.JPEG_LS, true);
        add("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", Compression.JPEG_2000, false);
        add("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", Compression.JPEG_2000, true);
        add("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", Compression.HTJ2K, false);
        add("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", Compression.HTJ2K, false);
        add("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", Compression.HTJ2K, true);
        add("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", Compression.VIDEO, true);
        add("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", Compression.VIDEO, true);
        add("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", Compression.VIDEO, true);
        add("1.2.840.10008.1.2.5", "RLE Lossless", Compression.RLE, false);
    }

    private static void add(String uid, String name, Compression c, boolean lossy) {
        KNOWN.put(uid, new TransferSyntax(uid, name, true, false, false, c, lossy));
    }

    private final String uid;
    private final String name;
    private final boolean explicitVr;
    private final boolean bigEndian;
    private final boolean deflated;
    private final Compression compression;
    private final boolean lossy;

    private TransferSyntax(String uid, String name, boolean explicitVr, boolean bigEndian, boolean deflated,
                           Compression compression, boolean lossy) {
        this.uid = uid;
        this.name = name;
        this.explicitVr = explicitVr;
        this.bigEndian = bigEndian;
        this.deflated = deflated;
        this.compression = compression;
        this.lossy = lossy;
    }

    /**
     * The syntax of a UID. An unknown UID is taken as explicit VR little endian with encapsulated pixel
     * data of {@link Compression#UNKNOWN} compression (how every private compressed syntax is encoded).
     */
    public static TransferSyntax of(String uid) {
        TransferSyntax t = KNOWN.get(uid);
        return t != null ? t : new TransferSyntax(uid, "unknown transfer syntax " + uid, true, false, false, Compression.UNKNOWN, false);
    }

    public String uid() {
        return uid;
    }

    /** The standard's name, e.g. {@code Explicit VR Little Endian}. */
    public String name() {
        return name;
    }

    public boolean explicitVr() {
        return explicitVr;
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    /** True for Deflated Explicit VR Little Endian: the dataset after the meta group is raw deflate. */
    public boolean deflated() {
        return deflated;
    }

    public Compression compression() {
        return compression;
    }

    /** True when Pixel Data is encapsulated (compressed fragments) rather than native. */
    public boolean encapsulated() {
        return compression != Compression.NONE;
    }

    /** True for lossy compression (JPEG baseline/extended, JPEG-LS near-lossless, JPEG 2000, video). */
    public boolean lossy() {
        return lossy;
    }

    @Override
    public String toString() {
        return name + " (" + uid + ")";
    }
}
