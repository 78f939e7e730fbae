package org.vesalius.medical.losses;

/** What a segmentation loss applies to the network's raw output before comparing it with the target. */
public enum Activation {
    /** The input already holds probabilities. */
    NONE,
    /** Independent per-channel probabilities (binary or multi-label segmentation). */
    SIGMOID,
    /** Probabilities that sum to one over the channels (multi-class segmentation). */
    SOFTMAX
}
