package org.vesalius.medical.transforms;

/** How a resampling transform reads the input between voxel centres. */
public enum Interpolation {
    /** The value of the nearest voxel: keeps class ids of a label map intact. */
    NEAREST,
    /** Linear in each axis (bilinear in 2-D, trilinear in 3-D): for intensities. */
    LINEAR
}
