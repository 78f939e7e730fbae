package org.vesalius.medical.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A parsed DICOM Part 10 file: whether it had the 128-byte preamble and {@code DICM}, the file meta
 * information (group 0002), the dataset and its transfer syntax. Reading checks every length against
 * the bytes that are left; a truncated or corrupt file gets a {@link DicomFormatException} naming the
 * defect. Pixel Data is not decoded here: see {@link DicomPixels}.
 */
public final class DicomFile {
    /** Files larger than this are refused before they are read (2 GiB: one Java array). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    private final String name;
    private final boolean preamble;
    private final DicomObject meta;
    private final DicomObject dataset;
    private final TransferSyntax transferSyntax;
    private final String transferSyntaxSource;
    private final byte[] bytes;

    DicomFile(String name, boolean preamble, DicomObject meta, DicomObject dataset, TransferSyntax ts, String tsSource,
              byte[] bytes) {
        this.name = name;
        this.preamble = preamble;
        this.meta = meta;
        this.dataset = dataset;
        this.transferSyntax = ts;
        this.transferSyntaxSource = tsSource;
        this.bytes = bytes;
    }

    /** Reads and parses a file. */
    public static DicomFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new DicomFormatException(path + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES + " this reader accepts");
        }
        return DicomParser.parse(Files.readAllBytes(path), path.toString());
    }

    /** Parses the bytes of a file; {@code name} appears in error messages. The array is not copied. */
    public static DicomFile read(byte[] data, String name) throws IOException {
        return DicomParser.parse(data, name);
    }

    /** The name given when reading (the path). */
    public String name() {
        return name;
    }

    /** True when the file starts with the 128-byte preamble and {@code DICM}. */
    public boolean hasPreamble() {
        return preamble;
    }

    /** Group 0002 (empty when the file has none). */
    public DicomObject fileMeta() {
        return meta;
    }

    public DicomObject dataset() {
        return dataset;
    }

    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }

    /** {@code file_meta} when the syntax came from (0002,0010), {@code guessed} otherwise. */
    public String transferSyntaxSource() {
        return transferSyntaxSource;
    }

    /** Shorthand for {@code dataset().getString(keyword)}. */
    public String getString(String keyword) {
        return dataset.getString(keyword);
    }

    byte[] bytes() {
        return bytes;
    }
}
