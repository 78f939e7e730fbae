package org.vesalius.tensor;

/**
 * The tensors an op's backward reads, declared where the op records its node: autograd checks their
 * versions before the backward runs (see {@link org.vesalius.autograd.Node#save}). Declaring one
 * the closure does not read only costs a check; leaving out one it does read lets an in-place write
 * give a silently wrong gradient, so list every tensor the closure captures and reads.
 */
final class Saved {
    /** For ops whose backward needs only shapes and the incoming gradient. */
    static final Tensor[] NONE = new Tensor[0];

    private Saved() {
    }

    static Tensor[] of(Tensor... tensors) {
        return tensors;
    }
}
