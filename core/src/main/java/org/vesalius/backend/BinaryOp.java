package org.vesalius.backend;

/**
 * Elementwise functions of two tensors of one dtype, already broadcast to the output's shape (zero
 * strides). Comparisons and logical ops write bool. The {@code *_BACKWARD} ops fuse an activation's
 * gradient: the first operand is the incoming gradient, the second the saved input (or output, where
 * noted); {@code p1}/{@code p2} carry the activation's parameters.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, ATAN2,
    /** Python-style remainder: the sign of the divisor. */
    REMAINDER,
    /** Floor of the quotient. */
    FLOOR_DIVIDE,
    EQ, NE, LT, LE, GT, GE,
    LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR,
    /** g * (x > 0). */
    RELU_BACKWARD,
    /** g * (x > 0 ? 1 : p1). */
    LEAKY_RELU_BACKWARD,
    /** g * (x > 0 ? 1 : p1 * exp(x)). */
    ELU_BACKWARD,
    SELU_BACKWARD,
    /** Second operand is the output y: g * y * (1 - y). */
    SIGMOID_BACKWARD,
    /** Second operand is the output y: g * (1 - y^2). */
    TANH_BACKWARD,
    GELU_BACKWARD,
    GELU_TANH_BACKWARD,
    SILU_BACKWARD,
    /** p1 = beta, p2 = threshold. */
    SOFTPLUS_BACKWARD;

    /** True when the result is bool whatever the operands are. */
    public boolean producesBool() {
        switch (this) {
            case EQ: case NE: case LT: case LE: case GT: case GE:
            case LOGICAL_AND: case LOGICAL_OR: case LOGICAL_XOR:
                return true;
            default:
                return false;
        }
    }
}
