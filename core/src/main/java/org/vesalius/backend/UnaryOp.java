package org.vesalius.backend;

/**
 * Elementwise functions of one tensor. {@code p1}/{@code p2} are the op's scalar parameters where
 * it has any (named per constant); the output has the input's dtype unless noted.
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, LOG1P, EXPM1, SQRT, RSQRT, SIN, COS, TANH, SIGMOID, ERF,
    RECIPROCAL, SQUARE, SIGN, FLOOR, CEIL, ROUND, TRUNC,
    RELU,
    /** p1 = negative slope. */
    LEAKY_RELU,
    /** p1 = alpha. */
    ELU,
    SELU,
    /** Exact GELU, x * Phi(x). */
    GELU,
    /** The tanh approximation of GELU. */
    GELU_TANH,
    SILU,
    /** p1 = beta, p2 = threshold (linear above it, as PyTorch). */
    SOFTPLUS,
    /** p1 = min, p2 = max; NaN means no bound on that side. */
    CLAMP,
    /** x ^ p1. */
    POW_SCALAR,
    /** p1 ^ x. */
    RPOW_SCALAR,
    /** x * p1 + p2: scalar add, subtract, multiply and divide in one kernel. */
    AFFINE,
    /** Output bool. */
    ISNAN,
    /** Output bool. */
    ISINF,
    /** Output bool: x == 0. */
    LOGICAL_NOT,
    /** Output bool: x != 0. */
    NONZERO_MASK
}
