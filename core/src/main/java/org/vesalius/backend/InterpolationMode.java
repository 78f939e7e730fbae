package org.vesalius.backend;

/**
 * How {@link Backend#interpolate} maps output positions to input positions. The number of spatial
 * dims (1 to 3) comes from the tensors, so {@link #LINEAR} is PyTorch's linear, bilinear and
 * trilinear; {@link #BICUBIC} is 2-D only, as in PyTorch. PyTorch's {@code area} mode is adaptive
 * average pooling and has no entry here.
 */
public enum InterpolationMode {
    /** PyTorch's {@code nearest}: source {@code floor(dst * scale)}. */
    NEAREST,
    /** PyTorch's {@code nearest-exact}: source {@code floor((dst + 0.5) * scale)}. */
    NEAREST_EXACT,
    /** Linear interpolation between the two nearest input positions in each spatial dim. */
    LINEAR,
    /**
     * PyTorch's {@code bicubic} (2 spatial dims only): cubic convolution with {@code A = -0.75} over
     * the 4 x 4 input positions around the source, edge positions repeated; the output is not clamped.
     */
    BICUBIC
}
