package org.vesalius.backend.cpu;

import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.UnaryOp;

/**
 * Elementwise math on chunks held in Java arrays. The op switch sits outside each loop so every
 * loop body is one simple expression the JIT can unroll and vectorize. Predicates and comparisons
 * write 1/0; the caller stores them as bool.
 */
final class ArrayMath {
    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private ArrayMath() {
    }

    // ================================================================== unary, double

    static void unary(UnaryOp op, double[] x, double[] o, int n, double p1, double p2) {
        switch (op) {
            case NEG: for (int i = 0; i < n; i++) { o[i] = -x[i]; } return;
            case ABS: for (int i = 0; i < n; i++) { o[i] = Math.abs(x[i]); } return;
            case EXP: for (int i = 0; i < n; i++) { o[i] = Math.exp(x[i]); } return;
            case LOG: for (int i = 0; i < n; i++) { o[i] = Math.log(x[i]); } return;
            case LOG1P: for (int i = 0; i < n; i++) { o[i] = Math.log1p(x[i]); } return;
            case EXPM1: for (int i = 0; i < n; i++) { o[i] = Math.expm1(x[i]); } return;
            case SQRT: for (int i = 0; i < n; i++) { o[i] = Math.sqrt(x[i]); } return;
            case RSQRT: for (int i = 0; i < n; i++) { o[i] = 1 / Math.sqrt(x[i]); } return;
            case SIN: for (int i = 0; i < n; i++) { o[i] = Math.sin(x[i]); } return;
            case COS: for (int i = 0; i < n; i++) { o[i] = Math.cos(x[i]); } return;
            case TANH: for (int i = 0; i < n; i++) { o[i] = Math.tanh(x[i]); } return;
            case SIGMOID: for (int i = 0; i < n; i++) { o[i] = sigmoid(x[i]); } return;
            case ERF: for (int i = 0; i < n; i++) { o[i] = Special.erf(x[i]); } return;
            case RECIPROCAL: for (int i = 0; i < n; i++) { o[i] = 1 / x[i]; } return;
            case SQUARE: for (int i = 0; i < n; i++) { o[i] = x[i] * x[i]; } return;
            // NaN gives 0, as PyTorch 1.13
            case SIGN: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } return;
            case FLOOR: for (int i = 0; i < n; i++) { o[i] = Math.floor(x[i]); } return;
            case CEIL: for (int i = 0; i < n; i++) { o[i] = Math.ceil(x[i]); } return;
            case ROUND: for (int i = 0; i < n; i++) { o[i] = Math.rint(x[i]); } return;
            case TRUNC: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = v < 0 ? Math.ceil(v) : Math.floor(v); } return;
            // Math.max keeps NaN (as PyTorch's relu does) and, unlike a ternary, vectorizes
            case RELU: for (int i = 0; i < n; i++) { o[i] = Math.max(x[i], 0.0); } return;
            case LEAKY_RELU: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = v > 0 ? v : v * p1; } return;
            case ELU: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = v > 0 ? v : p1 * Math.expm1(v); } return;
            case SELU:
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    o[i] = SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
                }
                return;
            case GELU: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = 0.5 * v * (1 + Special.erf(v * SQRT1_2)); } return;
            case GELU_TANH:
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    o[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
                }
                return;
            case SILU: for (int i = 0; i < n; i++) { double v = x[i]; o[i] = v * sigmoid(v); } return;
            case SOFTPLUS:
                for (int i = 0; i < n; i++) {
                    double bx = x[i] * p1;
                    o[i] = bx > p2 ? x[i] : Math.log1p(Math.exp(bx)) / p1;
                }
                return;
            case CLAMP: {
                boolean lo = !Double.isNaN(p1);
                boolean hi = !Double.isNaN(p2);
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    if (lo && v < p1) {
                        v = p1;
                    }
                    if (hi && v > p2) {
                        v = p2;
                    }
                    o[i] = v;
                }
                return;
            }
            case POW_SCALAR: for (int i = 0; i < n; i++) { o[i] = pow(x[i], p1); } return;
            case RPOW_SCALAR: for (int i = 0; i < n; i++) { o[i] = pow(p1, x[i]); } return;
            case AFFINE: for (int i = 0; i < n; i++) { o[i] = x[i] * p1 + p2; } return;
            case ISNAN: for (int i = 0; i < n; i++) { o[i] = Double.isNaN(x[i]) ? 1 : 0; } return;
            case ISINF: for (int i = 0; i < n; i++) { o[i] = Double.isInfinite(x[i]) ? 1 : 0; } return;
            case LOGICAL_NOT: for (int i = 0; i < n; i++) { o[i] = x[i] == 0 ? 1 : 0; } return;
            case NONZERO_MASK: for (int i = 0; i < n; i++) { o[i] = x[i] != 0 ? 1 : 0; } return;
            default: throw new IllegalStateException("unary " + op);
        }
    }

    /** C99's pow, as PyTorch: pow(1, y) = 1 and pow(x, 0) = 1 even for NaN (Java's Math.pow gives NaN). */
    static double pow(double x, double y) {
        return x == 1 ? 1 : Math.pow(x, y);
    }

    static double sigmoid(double v) {
        // two branches keep exp from overflowing for large |v|
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    // ================================================================== unary, float

    static void unary(UnaryOp op, float[] x, float[] o, int n, double p1d, double p2d) {
        float p1 = (float) p1d;
        float p2 = (float) p2d;
        switch (op) {
            case NEG: for (int i = 0; i < n; i++) { o[i] = -x[i]; } return;
            case ABS: for (int i = 0; i < n; i++) { o[i] = Math.abs(x[i]); } return;
            case SQRT: for (int i = 0; i < n; i++) { o[i] = (float) Math.sqrt(x[i]); } return;
            case RSQRT: for (int i = 0; i < n; i++) { o[i] = (float) (1 / Math.sqrt(x[i])); } return;
            case RECIPROCAL: for (int i = 0; i < n; i++) { o[i] = 1f / x[i]; } return;
            case SQUARE: for (int i = 0; i < n; i++) { o[i] = x[i] * x[i]; } return;
            case RELU: for (int i = 0; i < n; i++) { o[i] = Math.max(x[i], 0f); } return;
            case LEAKY_RELU: for (int i = 0; i < n; i++) { float v = x[i]; o[i] = v > 0 ? v : v * p1; } return;
            case AFFINE: for (int i = 0; i < n; i++) { o[i] = x[i] * p1 + p2; } return;
            case CLAMP: {
                boolean lo = !Double.isNaN(p1d);
                boolean hi = !Double.isNaN(p2d);
                for (int i = 0; i < n; i++) {
                    float v = x[i];
                    if (lo && v < p1) {
                        v = p1;
                    }
                    if (hi && v > p2) {
                        v = p2;
                    }
                    o[i] = v;
                }
                return;
            }
            case SIGN: for (int i = 0; i < n; i++) { float v = x[i]; o[i] = v > 0 ? 1f : v < 0 ? -1f : 0f; } return;
            case ISNAN: for (int i = 0; i < n; i++) { o[i] = Float.isNaN(x[i]) ? 1 : 0; } return;
            case ISINF: for (int i = 0; i < n; i++) { o[i] = Float.isInfinite(x[i]) ? 1 : 0; } return;
            case LOGICAL_NOT: for (int i = 0; i < n; i++) { o[i] = x[i] == 0 ? 1 : 0; } return;
            case NONZERO_MASK: for (int i = 0; i < n; i++) { o[i] = x[i] != 0 ? 1 : 0; } return;
            case SIGMOID: for (int i = 0; i < n; i++) { o[i] = (float) sigmoid(x[i]); } return;
            case TANH: for (int i = 0; i < n; i++) { o[i] = (float) Math.tanh(x[i]); } return;
            case EXP: for (int i = 0; i < n; i++) { o[i] = (float) Math.exp(x[i]); } return;
            case LOG: for (int i = 0; i < n; i++) { o[i] = (float) Math.log(x[i]); } return;
            default: {
                // the transcendental rest: compute in double for correct float rounding
                double[] t = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = x[i];
                }
                unary(op, t, t, n, p1d, p2d);
                for (int i = 0; i < n; i++) {
                    o[i] = (float) t[i];
                }
            }
        }
    }

    // ================================================================== unary, long

    static void unary(UnaryOp op, long[] x, long[] o, int n, double p1, double p2) {
        switch (op) {
            case NEG: for (int i = 0; i < n; i++) { o[i] = -x[i]; } return;
            case ABS: for (int i = 0; i < n; i++) { o[i] = Math.abs(x[i]); } return;
            case SQUARE: for (int i = 0; i < n; i++) { o[i] = x[i] * x[i]; } return;
            case SIGN: for (int i = 0; i < n; i++) { o[i] = Long.signum(x[i]); } return;
            case FLOOR: case CEIL: case ROUND: case TRUNC: System.arraycopy(x, 0, o, 0, n); return;
            case RELU: for (int i = 0; i < n; i++) { o[i] = Math.max(x[i], 0); } return;
            case AFFINE: {
                long a = (long) p1;
                long b = (long) p2;
                for (int i = 0; i < n; i++) {
                    o[i] = x[i] * a + b;
                }
                return;
            }
            case CLAMP: {
                long lo = Double.isNaN(p1) ? Long.MIN_VALUE : (long) Math.ceil(p1);
                long hi = Double.isNaN(p2) ? Long.MAX_VALUE : (long) Math.floor(p2);
                for (int i = 0; i < n; i++) {
                    o[i] = Math.min(Math.max(x[i], lo), hi);
                }
                return;
            }
            case POW_SCALAR: {
                long e = (long) p1;
                for (int i = 0; i < n; i++) {
                    o[i] = ipow(x[i], e);
                }
                return;
            }
            case ISNAN: case ISINF: java.util.Arrays.fill(o, 0, n, 0); return;
            case LOGICAL_NOT: for (int i = 0; i < n; i++) { o[i] = x[i] == 0 ? 1 : 0; } return;
            case NONZERO_MASK: for (int i = 0; i < n; i++) { o[i] = x[i] != 0 ? 1 : 0; } return;
            default: throw new IllegalArgumentException(op + " is not defined for integer tensors");
        }
    }

    static long ipow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long r = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) {
                r *= b;
            }
            b *= b;
            e >>= 1;
        }
        return r;
    }

    // ================================================================== binary, double

    static void binary(BinaryOp op, double[] a, double[] b, double[] o, int n, double p1, double p2) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) { o[i] = a[i] + b[i]; } return;
            case SUB: for (int i = 0; i < n; i++) { o[i] = a[i] - b[i]; } return;
            case MUL: for (int i = 0; i < n; i++) { o[i] = a[i] * b[i]; } return;
            case DIV: for (int i = 0; i < n; i++) { o[i] = a[i] / b[i]; } return;
            case POW: for (int i = 0; i < n; i++) { o[i] = pow(a[i], b[i]); } return;
            case MAXIMUM: for (int i = 0; i < n; i++) { o[i] = nanMax(a[i], b[i]); } return;
            case MINIMUM: for (int i = 0; i < n; i++) { o[i] = nanMin(a[i], b[i]); } return;
            case ATAN2: for (int i = 0; i < n; i++) { o[i] = Math.atan2(a[i], b[i]); } return;
            case REMAINDER:
                for (int i = 0; i < n; i++) {
                    double r = a[i] % b[i];
                    o[i] = r != 0 && (r < 0) != (b[i] < 0) ? r + b[i] : r;
                }
                return;
            case FLOOR_DIVIDE: for (int i = 0; i < n; i++) { o[i] = Math.floor(a[i] / b[i]); } return;
            case EQ: for (int i = 0; i < n; i++) { o[i] = a[i] == b[i] ? 1 : 0; } return;
            case NE: for (int i = 0; i < n; i++) { o[i] = a[i] != b[i] ? 1 : 0; } return;
            case LT: for (int i = 0; i < n; i++) { o[i] = a[i] < b[i] ? 1 : 0; } return;
            case LE: for (int i = 0; i < n; i++) { o[i] = a[i] <= b[i] ? 1 : 0; } return;
            case GT: for (int i = 0; i < n; i++) { o[i] = a[i] > b[i] ? 1 : 0; } return;
            case GE: for (int i = 0; i < n; i++) { o[i] = a[i] >= b[i] ? 1 : 0; } return;
            case LOGICAL_AND: for (int i = 0; i < n; i++) { o[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; } return;
            case LOGICAL_OR: for (int i = 0; i < n; i++) { o[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; } return;
            case LOGICAL_XOR: for (int i = 0; i < n; i++) { o[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0; } return;
            case RELU_BACKWARD: for (int i = 0; i < n; i++) { o[i] = b[i] > 0 ? a[i] : 0; } return;
            case LEAKY_RELU_BACKWARD: for (int i = 0; i < n; i++) { o[i] = b[i] > 0 ? a[i] : a[i] * p1; } return;
            case ELU_BACKWARD: for (int i = 0; i < n; i++) { o[i] = b[i] > 0 ? a[i] : a[i] * p1 * Math.exp(b[i]); } return;
            case SELU_BACKWARD:
                for (int i = 0; i < n; i++) {
                    o[i] = b[i] > 0 ? a[i] * SELU_SCALE : a[i] * SELU_SCALE * SELU_ALPHA * Math.exp(b[i]);
                }
                return;
            case SIGMOID_BACKWARD: for (int i = 0; i < n; i++) { o[i] = a[i] * b[i] * (1 - b[i]); } return;
            case TANH_BACKWARD: for (int i = 0; i < n; i++) { o[i] = a[i] * (1 - b[i] * b[i]); } return;
            case GELU_BACKWARD:
                for (int i = 0; i < n; i++) {
                    double x = b[i];
                    double cdf = 0.5 * (1 + Special.erf(x * SQRT1_2));
                    double pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
                    o[i] = a[i] * (cdf + x * pdf);
                }
                return;
            case GELU_TANH_BACKWARD:
                for (int i = 0; i < n; i++) {
                    double x = b[i];
                    double x2 = x * x;
                    double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x2 * x));
                    double d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x2);
                    o[i] = a[i] * d;
                }
                return;
            case SILU_BACKWARD:
                for (int i = 0; i < n; i++) {
                    double s = sigmoid(b[i]);
                    o[i] = a[i] * s * (1 + b[i] * (1 - s));
                }
                return;
            case SOFTPLUS_BACKWARD:
                for (int i = 0; i < n; i++) {
                    double bx = b[i] * p1;
                    o[i] = bx > p2 ? a[i] : a[i] * sigmoid(bx);
                }
                return;
            default: throw new IllegalStateException("binary " + op);
        }
    }

    /** PyTorch's maximum/minimum propagate NaN. */
    static double nanMax(double x, double y) {
        return x != x || y != y ? Double.NaN : Math.max(x, y);
    }

    static double nanMin(double x, double y) {
        return x != x || y != y ? Double.NaN : Math.min(x, y);
    }

    // ================================================================== binary, float

    static void binary(BinaryOp op, float[] a, float[] b, float[] o, int n, double p1d, double p2d) {
        float p1 = (float) p1d;
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) { o[i] = a[i] + b[i]; } return;
            case SUB: for (int i = 0; i < n; i++) { o[i] = a[i] - b[i]; } return;
            case MUL: for (int i = 0; i < n; i++) { o[i] = a[i] * b[i]; } return;
            case DIV: for (int i = 0; i < n; i++) { o[i] = a[i] / b[i]; } return;
            case MAXIMUM: for (int i = 0; i < n; i++) { o[i] = (float) nanMax(a[i], b[i]); } return;
            case MINIMUM: for (int i = 0; i < n; i++) { o[i] = (float) nanMin(a[i], b[i]); } return;
            case EQ: for (int i = 0; i < n; i++) { o[i] = a[i] == b[i] ? 1 : 0; } return;
            case NE: for (int i = 0; i < n; i++) { o[i] = a[i] != b[i] ? 1 : 0; } return;
            case LT: for (int i = 0; i < n; i++) { o[i] = a[i] < b[i] ? 1 : 0; } return;
            case LE: for (int i = 0; i < n; i++) { o[i] = a[i] <= b[i] ? 1 : 0; } return;
            case GT: for (int i = 0; i < n; i++) { o[i] = a[i] > b[i] ? 1 : 0; } return;
            case GE: for (int i = 0; i < n; i++) { o[i] = a[i] >= b[i] ? 1 : 0; } return;
            case RELU_BACKWARD: for (int i = 0; i < n; i++) { o[i] = b[i] > 0 ? a[i] : 0f; } return;
            case LEAKY_RELU_BACKWARD: for (int i = 0; i < n; i++) { o[i] = b[i] > 0 ? a[i] : a[i] * p1; } return;
            case SIGMOID_BACKWARD: for (int i = 0; i < n; i++) { o[i] = a[i] * b[i] * (1 - b[i]); } return;
            case TANH_BACKWARD: for (int i = 0; i < n; i++) { o[i] = a[i] * (1 - b[i] * b[i]); } return;
            default: {
                double[] x = new double[n];
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = a[i];
                    y[i] = b[i];
                }
                binary(op, x, y, x, n, p1d, p2d);
                for (int i = 0; i < n; i++) {
                    o[i] = (float) x[i];
                }
            }
        }
    }

    // ================================================================== binary, long

    static void binary(BinaryOp op, long[] a, long[] b, long[] o, int n) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) { o[i] = a[i] + b[i]; } return;
            case SUB: for (int i = 0; i < n; i++) { o[i] = a[i] - b[i]; } return;
            case MUL: for (int i = 0; i < n; i++) { o[i] = a[i] * b[i]; } return;
            case POW: for (int i = 0; i < n; i++) { o[i] = ipow(a[i], b[i]); } return;
            case MAXIMUM: for (int i = 0; i < n; i++) { o[i] = Math.max(a[i], b[i]); } return;
            case MINIMUM: for (int i = 0; i < n; i++) { o[i] = Math.min(a[i], b[i]); } return;
            case REMAINDER:
                for (int i = 0; i < n; i++) {
                    checkDivisor(b[i]);
                    o[i] = Math.floorMod(a[i], b[i]);
                }
                return;
            case FLOOR_DIVIDE:
                for (int i = 0; i < n; i++) {
                    checkDivisor(b[i]);
                    o[i] = Math.floorDiv(a[i], b[i]);
                }
                return;
            case EQ: for (int i = 0; i < n; i++) { o[i] = a[i] == b[i] ? 1 : 0; } return;
            case NE: for (int i = 0; i < n; i++) { o[i] = a[i] != b[i] ? 1 : 0; } return;
            case LT: for (int i = 0; i < n; i++) { o[i] = a[i] < b[i] ? 1 : 0; } return;
            case LE: for (int i = 0; i < n; i++) { o[i] = a[i] <= b[i] ? 1 : 0; } return;
            case GT: for (int i = 0; i < n; i++) { o[i] = a[i] > b[i] ? 1 : 0; } return;
            case GE: for (int i = 0; i < n; i++) { o[i] = a[i] >= b[i] ? 1 : 0; } return;
            case LOGICAL_AND: for (int i = 0; i < n; i++) { o[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; } return;
            case LOGICAL_OR: for (int i = 0; i < n; i++) { o[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; } return;
            case LOGICAL_XOR: for (int i = 0; i < n; i++) { o[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0; } return;
            default: throw new IllegalArgumentException(op + " is not defined for integer tensors");
        }
    }

    private static void checkDivisor(long d) {
        if (d == 0) {
            throw new ArithmeticException("integer division by zero");
        }
    }
}
