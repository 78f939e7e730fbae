package org.vesalius.medical;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vesalius.medical.dicom.DicomImages;
import org.vesalius.medical.dicom.DicomSeries;
import org.vesalius.medical.nifti.Nifti;
import org.vesalius.medical.raster.RasterImages;
import org.vesalius.tensor.DType;

/** One entry point for every format: the reader is chosen by the file's content, not its name. */
public final class MedicalImages {
    private MedicalImages() {
    }

    /**
     * Reads a DICOM file (or a directory holding one DICOM series), a NIfTI-1/2 file ({@code .nii},
     * {@code .nii.gz}, {@code .hdr}) or a PNG/JPEG/BMP/GIF, as float32 except PNG/JPEG (uint8, or int32
     * for 16-bit). See {@link DicomImages}, {@link DicomSeries}, {@link Nifti} and {@link RasterImages}.
     * @throws IOException naming the formats tried when the content is none of them
     */
    public static MedicalImage read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return DicomSeries.read(path);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(132);
        }
        if (head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') {
            return DicomImages.read(path, DType.FLOAT32);
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B || niftiSize(head)) {
            return Nifti.read(path, DType.FLOAT32);
        }
        if (head.length >= 4 && ((head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                || (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 || head[0] == 'B' && head[1] == 'M'
                || head[0] == 'G' && head[1] == 'I' && head[2] == 'F')) {
            return RasterImages.read(path);
        }
        if (head.length >= 8 && (head[0] == 0x08 || head[0] == 0x02) && head[1] == 0) {
            return DicomImages.read(path, DType.FLOAT32); // DICOM without preamble, starting at group 0002 or 0008
        }
        throw new IOException(path + ": not a format this library reads (DICOM Part 10, NIfTI-1/2, PNG, JPEG, BMP, GIF)");
    }

    private static boolean niftiSize(byte[] h) {
        if (h.length < 4) {
            return false;
        }
        int le = h[0] & 0xFF | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16 | (h[3] & 0xFF) << 24;
        int be = (h[0] & 0xFF) << 24 | (h[1] & 0xFF) << 16 | (h[2] & 0xFF) << 8 | h[3] & 0xFF;
        return le == 348 || le == 540 || be == 348 || be == 540;
    }
}
