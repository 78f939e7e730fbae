package org.vesalius.medical.dicom;

import org.vesalius.medical.StoredArray;

/**
 * Decoded Pixel Data before any rescale: {@link #stored()} has shape {@code [frames, rows, columns,
 * samples]} (samples interleaved whatever the Planar Configuration, 1-bit data unpacked to one byte per
 * pixel, values as stored: signed per Pixel Representation, bits above Bits Stored not masked).
 * {@link #photometric()} is the colour space of these values: the dataset's, except that subsampled
 * {@code YBR_FULL_422} comes out upsampled as {@code YBR_FULL}.
 */
public record PixelData(StoredArray stored, String photometric, int frames, int rows, int columns, int samples) {
}
