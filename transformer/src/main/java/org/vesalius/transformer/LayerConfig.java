package org.vesalius.transformer;

/** The constructor arguments of an encoder or decoder layer, kept so that the stacks can copy it. */
record LayerConfig(int dModel, int nhead, int dimFeedforward, double dropout, Activation activation,
                   double layerNormEps, boolean batchFirst, boolean normFirst) {
}
