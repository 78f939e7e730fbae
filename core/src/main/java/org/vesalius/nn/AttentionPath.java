package org.vesalius.nn;

/**
 * Which computation {@link F#scaledDotProductAttention(org.vesalius.tensor.Tensor, org.vesalius.tensor.Tensor,
 * org.vesalius.tensor.Tensor, org.vesalius.tensor.Tensor, double, boolean, Double, org.vesalius.tensor.Generator,
 * AttentionPath)} runs; PyTorch's {@code SDPBackend.MATH} and {@code FLASH_ATTENTION} on the CPU.
 */
public enum AttentionPath {
    /** The rule documented on {@link F#attentionPath}. */
    AUTO,
    /**
     * Tensor ops: {@code softmax(q k^T * scale + mask)}, dropout, {@code @ v}. Holds the
     * {@code [..., L, S]} weights; differentiable to any order, also with respect to a float mask.
     */
    UNFUSED,
    /**
     * The backend's blocked online-softmax kernel ({@link org.vesalius.tensor.Tensor#blockedAttention}):
     * memory O(L + S) per batch entry, differentiable once with respect to query, key and value.
     */
    BLOCKED
}
