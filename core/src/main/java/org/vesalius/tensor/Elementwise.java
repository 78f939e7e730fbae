package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.UnaryOp;

/**
 * Elementwise ops: dtype promotion, broadcasting, the kernel call and the gradient. Activation
 * gradients use the backend's fused kernels, except while a backward pass is itself being recorded
 * ({@code createGraph}), when they are written with differentiable ops.
 */
final class Elementwise {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private Elementwise() {
    }

    // ------------------------------------------------------------------ binary

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = opName(op);
        a.checkOpen(name);
        b.checkOpen(name);
        checkSameDevice(name, a, b);
        DType dt = resultType(a, b);
        if (op == BinaryOp.DIV && !dt.isFloatingPoint()) {
            dt = DType.FLOAT32; // true division
        }
        if (op == BinaryOp.ATAN2 && !dt.isFloatingPoint()) {
            dt = DType.FLOAT32;
        }
        int[] shape = Shapes.broadcast(name, a.shape, b.shape);
        Tensor x = a.to(dt);
        Tensor y = b.to(dt);
        Tensor out = Creation.empty(name, op.producesBool() ? DType.BOOL : dt, a.device(), shape);
        out.backend().binary(op, broadcastTo(x, shape), broadcastTo(y, shape), out, 0, 0);
        if (!dt.isFloatingPoint() || op.producesBool() || op == BinaryOp.FLOOR_DIVIDE) {
            return out;
        }
        int[] as = x.shape;
        int[] bs = y.shape;
        switch (op) {
            case ADD:
                return out.record(name, Saved.NONE, g -> new Tensor[] {Reductions.sumTo(g, as), Reductions.sumTo(g, bs)}, x, y);
            case SUB:
                return out.record(name, Saved.NONE, g -> new Tensor[] {Reductions.sumTo(g, as), Reductions.sumTo(g.neg(), bs)}, x, y);
            case MUL:
                return out.record(name, Saved.of(x, y), g -> new Tensor[] {
                        x.requiresGrad() ? Reductions.sumTo(g.mul(y), as) : null,
                        y.requiresGrad() ? Reductions.sumTo(g.mul(x), bs) : null}, x, y);
            case DIV:
                return out.record(name, Saved.of(x, y), g -> new Tensor[] {
                        x.requiresGrad() ? Reductions.sumTo(g.div(y), as) : null,
                        y.requiresGrad() ? Reductions.sumTo(g.neg().mul(x).div(y.mul(y)), bs) : null}, x, y);
            case POW:
                return out.record(name, Saved.of(x, y), g -> new Tensor[] {
                        x.requiresGrad() ? Reductions.sumTo(g.mul(y).mul(x.pow(y.sub(1))), as) : null,
                        y.requiresGrad() ? Reductions.sumTo(powExponentGrad(g, x, y), bs) : null}, x, y);
            case MAXIMUM:
            case MINIMUM: {
                boolean max = op == BinaryOp.MAXIMUM;
                return out.record(name, Saved.of(x, y), g -> {
                    // ties split the gradient in half, as PyTorch
                    Tensor tie = x.eq(y);
                    Tensor aWins = max ? x.gt(y) : x.lt(y);
                    Tensor half = g.mul(0.5);
                    Tensor zero = Tensor.zerosLike(g);
                    Tensor ga = where(aWins, g, where(tie, half, zero));
                    Tensor gb = where(aWins, zero, where(tie, half, g));
                    return new Tensor[] {Reductions.sumTo(ga, as), Reductions.sumTo(gb, bs)};
                }, x, y);
            }
            case ATAN2:
                return out.record(name, Saved.of(x, y), g -> {
                    Tensor den = x.square().add(y.square());
                    return new Tensor[] {Reductions.sumTo(g.mul(y).div(den), as),
                        Reductions.sumTo(g.neg().mul(x).div(den), bs)};
                }, x, y);
            case REMAINDER:
                return out.record(name, Saved.of(x, y), g -> new Tensor[] {Reductions.sumTo(g, as),
                    Reductions.sumTo(g.neg().mul(x.floorDivide(y)), bs)}, x, y);
            default:
                return out;
        }
    }

    /** d(x^y)/dy = x^y log x, taken as 0 where x == 0 (PyTorch's convention). */
    private static Tensor powExponentGrad(Tensor g, Tensor x, Tensor y) {
        Tensor safeLog = where(x.eq(0), Tensor.zerosLike(x), x.log());
        return g.mul(x.pow(y)).mul(safeLog);
    }

    static DType resultType(Tensor a, Tensor b) {
        // 0-dim tensors do not widen a dimensioned tensor of the same category, as in PyTorch
        boolean aScalar = a.dim() == 0;
        boolean bScalar = b.dim() == 0;
        if (aScalar != bScalar && category(a.dtype) == category(b.dtype)) {
            return aScalar ? b.dtype : a.dtype;
        }
        if (aScalar != bScalar && category(a.dtype) != category(b.dtype)) {
            Tensor dimmed = aScalar ? b : a;
            Tensor sc = aScalar ? a : b;
            if (category(dimmed.dtype) > category(sc.dtype)) {
                return dimmed.dtype;
            }
            // A 0-dim tensor of a higher category keeps its own dtype (int64 tensor * 0-dim float64
            // tensor is float64 in PyTorch). The default float type is only for Python scalars, and
            // Java double arguments already arrive as 0-dim float32 tensors (scalarLike).
        }
        return DType.promote(a.dtype, b.dtype);
    }

    private static int category(DType t) {
        return t.isFloatingPoint() ? 2 : t == DType.BOOL ? 0 : 1;
    }

    /** A zero-stride view of {@code t} with {@code shape} (no autograd record: callers record). */
    static Tensor broadcastTo(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape, shape)) {
            return t;
        }
        int[] strides = new int[shape.length];
        int lead = shape.length - t.dim();
        for (int i = lead; i < shape.length; i++) {
            strides[i] = t.shape[i - lead] == 1 && shape[i] != 1 ? 0 : t.strides[i - lead];
        }
        return new Tensor(t.storage, t.dtype, shape.clone(), strides, t.offset);
    }

    static void checkSameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": expected all tensors on the same device, got " + a.device()
                    + " and " + b.device() + "; move one with .to(device)");
        }
    }

    private static final String[] BINARY_NAMES = new String[BinaryOp.values().length];

    static {
        for (BinaryOp op : BinaryOp.values()) {
            StringBuilder sb = new StringBuilder();
            boolean up = false;
            for (char c : op.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
                if (c == '_') {
                    up = true;
                } else {
                    sb.append(up ? Character.toUpperCase(c) : c);
                    up = false;
                }
            }
            BINARY_NAMES[op.ordinal()] = sb.toString();
        }
    }

    /** PyTorch's camelCase name of a binary op, for messages and grad_fn names. */
    private static String opName(BinaryOp op) {
        return BINARY_NAMES[op.ordinal()];
    }

    // ------------------------------------------------------------------ unary

    static Tensor unary(UnaryOp op, Tensor x) {
        return unary(op, x, 0, 0);
    }

    static Tensor unary(UnaryOp op, Tensor x, double p1, double p2) {
        String name = unaryName(op);
        x.checkOpen(name);
        DType outType = unaryResultType(op, x.dtype, p1, p2);
        Tensor in = predicate(op) || outType == x.dtype ? x : x.to(outType);
        Tensor out = Creation.empty(name, outType, x.device(), x.shape);
        out.backend().unary(op, in, out, p1, p2);
        if (!outType.isFloatingPoint() || !x.dtype.isFloatingPoint()) {
            return out;
        }
        return out.record(name, unarySaved(op, in, out), g -> new Tensor[] {unaryGrad(op, g, in, out, p1, p2)}, in);
    }

    /** What {@link #unaryGrad} reads for each op: the input, the output, or only the incoming gradient. */
    private static Tensor[] unarySaved(UnaryOp op, Tensor x, Tensor y) {
        switch (op) {
            case NEG: case SIGN: case FLOOR: case CEIL: case ROUND: case TRUNC: case AFFINE:
                return Saved.NONE;
            case EXP: case EXPM1: case SQRT: case RSQRT: case TANH: case SIGMOID: case RECIPROCAL: case RPOW_SCALAR:
                return Saved.of(y);
            default:
                return Saved.of(x);
        }
    }

    private static boolean predicate(UnaryOp op) {
        return op == UnaryOp.ISNAN || op == UnaryOp.ISINF || op == UnaryOp.LOGICAL_NOT || op == UnaryOp.NONZERO_MASK;
    }

    private static DType unaryResultType(UnaryOp op, DType in, double p1, double p2) {
        if (predicate(op)) {
            return DType.BOOL;
        }
        if (in.isFloatingPoint()) {
            return in;
        }
        switch (op) {
            case NEG: case ABS: case SIGN: case FLOOR: case CEIL: case ROUND: case TRUNC: case RELU: case SQUARE:
                return in == DType.BOOL ? DType.INT64 : in;
            case CLAMP:
                return isIntegral(p1) && isIntegral(p2) ? in : DType.FLOAT32;
            case AFFINE:
            case POW_SCALAR:
                return isIntegral(p1) && isIntegral(p2) && (op != UnaryOp.POW_SCALAR || p1 >= 0) && in != DType.BOOL
                        ? in : DType.FLOAT32;
            default:
                return DType.FLOAT32;
        }
    }

    private static boolean isIntegral(double v) {
        return Double.isNaN(v) || v == Math.rint(v);
    }

    private static Tensor unaryGrad(UnaryOp op, Tensor g, Tensor x, Tensor y, double p1, double p2) {
        boolean fused = !GradMode.isEnabled();
        switch (op) {
            case NEG: return g.neg();
            case ABS: return g.mul(x.sign());
            case EXP: return g.mul(y);
            case LOG: return g.div(x);
            case LOG1P: return g.div(x.add(1));
            case EXPM1: return g.mul(y.add(1));
            case SQRT: return g.div(y.mul(2));
            case RSQRT: return g.mul(y.pow(3)).mul(-0.5);
            case SIN: return g.mul(x.cos());
            case COS: return g.mul(x.sin()).neg();
            case TANH: return fused ? fusedGrad(BinaryOp.TANH_BACKWARD, g, y, p1, p2) : g.mul(y.square().rsub(1));
            case SIGMOID: return fused ? fusedGrad(BinaryOp.SIGMOID_BACKWARD, g, y, p1, p2) : g.mul(y).mul(y.rsub(1));
            case ERF: return g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI)));
            case RECIPROCAL: return g.mul(y.square()).neg();
            case SQUARE: return g.mul(x).mul(2);
            case SIGN: case FLOOR: case CEIL: case ROUND: case TRUNC: return Tensor.zerosLike(g);
            case RELU: return fused ? fusedGrad(BinaryOp.RELU_BACKWARD, g, x, p1, p2) : g.mul(x.gt(0).to(g.dtype));
            case LEAKY_RELU:
                return fused ? fusedGrad(BinaryOp.LEAKY_RELU_BACKWARD, g, x, p1, p2)
                        : g.mul(where(x.gt(0), Tensor.onesLike(g), Tensor.fullLike(g, p1)));
            case ELU:
                return fused ? fusedGrad(BinaryOp.ELU_BACKWARD, g, x, p1, p2)
                        : where(x.gt(0), g, g.mul(x.exp().mul(p1)));
            case SELU:
                return fused ? fusedGrad(BinaryOp.SELU_BACKWARD, g, x, p1, p2)
                        : where(x.gt(0), g.mul(SELU_SCALE), g.mul(x.exp().mul(SELU_SCALE * SELU_ALPHA)));
            case GELU:
                if (fused) {
                    return fusedGrad(BinaryOp.GELU_BACKWARD, g, x, p1, p2);
                } else {
                    Tensor cdf = x.mul(1 / Math.sqrt(2)).erf().add(1).mul(0.5);
                    Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
                    return g.mul(cdf.add(x.mul(pdf)));
                }
            case GELU_TANH:
                if (fused) {
                    return fusedGrad(BinaryOp.GELU_TANH_BACKWARD, g, x, p1, p2);
                } else {
                    Tensor x2 = x.square();
                    Tensor t = x.add(x.mul(x2).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh();
                    Tensor left = t.add(1).mul(0.5);
                    Tensor right = x.mul(0.5).mul(t.square().rsub(1)).mul(x2.mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI));
                    return g.mul(left.add(right));
                }
            case SILU:
                if (fused) {
                    return fusedGrad(BinaryOp.SILU_BACKWARD, g, x, p1, p2);
                } else {
                    Tensor s = x.sigmoid();
                    return g.mul(s.mul(x.mul(s.rsub(1)).add(1)));
                }
            case SOFTPLUS:
                return fused ? fusedGrad(BinaryOp.SOFTPLUS_BACKWARD, g, x, p1, p2)
                        : where(x.mul(p1).gt(p2), g, g.mul(x.mul(p1).sigmoid()));
            case CLAMP: {
                Tensor keep = Tensor.onesLike(x).to(DType.BOOL);
                if (!Double.isNaN(p1)) {
                    keep = keep.logicalAnd(x.ge(p1));
                }
                if (!Double.isNaN(p2)) {
                    keep = keep.logicalAnd(x.le(p2));
                }
                return g.mul(keep.to(g.dtype));
            }
            case POW_SCALAR:
                return p1 == 0 ? Tensor.zerosLike(g) : g.mul(x.pow(p1 - 1).mul(p1));
            case RPOW_SCALAR:
                return g.mul(y).mul(Math.log(p1));
            case AFFINE:
                return g.mul(p1);
            default:
                throw new IllegalStateException("no gradient for " + op);
        }
    }

    private static Tensor fusedGrad(BinaryOp op, Tensor g, Tensor saved, double p1, double p2) {
        Tensor out = Creation.empty(g.dtype, g.device(), g.shape);
        out.backend().binary(op, g, saved, out, p1, p2);
        return out;
    }

    private static final String[] UNARY_NAMES = new String[UnaryOp.values().length];

    static {
        for (UnaryOp op : UnaryOp.values()) {
            String n;
            switch (op) {
                case LEAKY_RELU: n = "leakyRelu"; break;
                case GELU_TANH: n = "gelu"; break;
                case POW_SCALAR: case RPOW_SCALAR: n = "pow"; break;
                case ISNAN: n = "isNan"; break;
                case ISINF: n = "isInf"; break;
                case LOGICAL_NOT: n = "logicalNot"; break;
                case NONZERO_MASK: n = "nonzero"; break;
                default: n = op.name().toLowerCase(java.util.Locale.ROOT);
            }
            UNARY_NAMES[op.ordinal()] = n;
        }
    }

    private static String unaryName(UnaryOp op) {
        return UNARY_NAMES[op.ordinal()];
    }

    // ------------------------------------------------------------------ scalars

    static Tensor affine(Tensor x, double scale, double shift, String name) {
        x.checkOpen(name);
        return unary(UnaryOp.AFFINE, x, scale, shift);
    }

    static Tensor divScalar(Tensor x, double value) {
        if (!x.dtype.isFloatingPoint()) {
            return affine(x.to(DType.FLOAT32), 1 / value, 0, "div");
        }
        return affine(x, 1 / value, 0, "div");
    }

    static Tensor powScalar(Tensor x, double exponent) {
        if (exponent == 1) {
            return unary(UnaryOp.AFFINE, x, 1, 0);
        }
        if (exponent == 2) {
            return unary(UnaryOp.SQUARE, x);
        }
        if (exponent == 0.5) {
            return unary(UnaryOp.SQRT, x.dtype.isFloatingPoint() ? x : x.to(DType.FLOAT32));
        }
        return unary(UnaryOp.POW_SCALAR, x, exponent, 0);
    }

    // ------------------------------------------------------------------ where, allclose

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.checkOpen("where");
        a.checkOpen("where");
        b.checkOpen("where");
        if (cond.dtype != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be a bool tensor, got " + cond.dtype
                    + "; build it with a comparison such as x.gt(0), or .to(DType.BOOL)");
        }
        checkSameDevice("where", cond, a);
        checkSameDevice("where", a, b);
        DType dt = resultType(a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor x = a.to(dt);
        Tensor y = b.to(dt);
        Tensor out = Creation.empty("where", dt, a.device(), shape);
        out.backend().where(broadcastTo(cond, shape), broadcastTo(x, shape), broadcastTo(y, shape), out);
        if (!dt.isFloatingPoint()) {
            return out;
        }
        int[] as = x.shape;
        int[] bs = y.shape;
        return out.record("where", Saved.of(cond), g -> {
            Tensor zero = Tensor.zerosLike(g);
            return new Tensor[] {
                x.requiresGrad() ? Reductions.sumTo(where(cond, g, zero), as) : null,
                y.requiresGrad() ? Reductions.sumTo(where(cond, zero, g), bs) : null};
        }, x, y);
    }

    static boolean allclose(Tensor a, Tensor b, double rtol, double atol) {
        int[] shape = Shapes.broadcast("allclose", a.shape, b.shape);
        double[] x = broadcastTo(a, shape).toDoubleArray();
        double[] y = broadcastTo(b, shape).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                continue;
            }
            if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ in place

    static Tensor inPlace(BinaryOp op, Tensor self, Tensor other) {
        String name = opName(op) + "_";
        other.checkOpen(name);
        InPlace.check(name, self, other);
        checkSameDevice(name, self, other);
        int[] shape = Shapes.broadcast(name, self.shape, other.shape);
        if (!Arrays.equals(shape, self.shape)) {
            throw new IllegalArgumentException(name + ": output with shape " + Shapes.str(self.shape)
                    + " doesn't match the broadcast shape " + Shapes.str(shape));
        }
        if (op == BinaryOp.DIV && !self.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": true division of an integer tensor in place; use div() for a float result");
        }
        Tensor o = InPlace.readable(self, broadcastTo(other.to(self.dtype), shape));
        self.backend().binary(op, self, o, self, 0, 0);
        return InPlace.written(self);
    }

    static Tensor affineInPlace(Tensor self, double scale, double shift, String name) {
        InPlace.check(name, self);
        self.backend().unary(UnaryOp.AFFINE, self, self, scale, shift);
        return InPlace.written(self);
    }

    static Tensor unaryInPlace(UnaryOp op, Tensor self, double p1, double p2) {
        InPlace.check(unaryName(op) + "_", self);
        self.backend().unary(op, self, self, p1, p2);
        return InPlace.written(self);
    }

    static Tensor fillInPlace(Tensor self, double value) {
        InPlace.check("fill_", self);
        self.backend().fill(self, value);
        return InPlace.written(self);
    }
}
