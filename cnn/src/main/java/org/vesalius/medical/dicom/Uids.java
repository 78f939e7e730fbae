package org.vesalius.medical.dicom;

import java.util.Map;

/** Names of common SOP Class UIDs (PS3.6 Annex A), for messages and metadata. */
public final class Uids {
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1.1", "Digital X-Ray Image Storage - For Presentation"),
            Map.entry("1.2.840.10008.5.1.4.1.1.1.2", "Digital Mammography X-Ray Image Storage - For Presentation"),
            Map.entry("1.2.840.10008.5.1.4.1.1.2", "CT Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.3.1", "Ultrasound Multi-frame Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.4", "MR Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.4.1", "Enhanced MR Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.2", "Multi-frame Grayscale Byte Secondary Capture Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.3", "Multi-frame Grayscale Word Secondary Capture Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.7.4", "Multi-frame True Color Secondary Capture Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.12.1", "X-Ray Angiographic Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.20", "Nuclear Medicine Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.66.4", "Segmentation Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.128", "Positron Emission Tomography Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.130", "Enhanced PET Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.481.1", "RT Image Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.481.2", "RT Dose Storage"),
            Map.entry("1.2.840.10008.5.1.4.1.1.481.3", "RT Structure Set Storage"));

    private Uids() {
    }

    /** The standard name of a SOP Class UID, or {@code null} when not listed. */
    public static String name(String uid) {
        return uid == null ? null : NAMES.get(uid);
    }
}
