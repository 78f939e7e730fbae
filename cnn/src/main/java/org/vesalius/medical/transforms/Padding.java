package org.vesalius.medical.transforms;

/**
 * What a resampling transform reads outside the input grid, as {@code grid_sample}'s
 * {@code padding_mode}. Positions are in voxel units; voxel {@code n} spans {@code [n - 0.5, n + 0.5]}.
 */
public enum Padding {
    /** A constant: 0 for labels, the transform's pad value (default 0) for images. */
    ZEROS,
    /** The nearest edge voxel (coordinates clamped to the grid). */
    BORDER,
    /** The image mirrored about its outer edges (scipy's {@code mode='reflect'}). */
    REFLECTION
}
