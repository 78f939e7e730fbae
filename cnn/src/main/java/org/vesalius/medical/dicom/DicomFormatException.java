package org.vesalius.medical.dicom;

import java.io.IOException;

/** A DICOM file that cannot be read as it is: the message names the defect, the tag and the byte offset. */
public class DicomFormatException extends IOException {
    public DicomFormatException(String message) {
        super(message);
    }

    public DicomFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
