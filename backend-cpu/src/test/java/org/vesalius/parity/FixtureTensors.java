package org.vesalius.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** Builds tensors from fixture JSON and compares tensors with it. */
public final class FixtureTensors {
    private FixtureTensors() {
    }

    public static DType dtype(String pytorchName) {
        for (DType d : DType.values()) {
            if (d.pytorchName().equals(pytorchName)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype in fixture: " + pytorchName);
    }

    public static int[] shape(JsonObject t) {
        JsonArray a = t.getAsJsonArray("shape");
        int[] s = new int[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsInt();
        }
        return s;
    }

    /** A JSON number, or one of the strings "nan", "inf", "-inf" (JSON has no non-finite numbers). */
    public static double number(JsonElement e) {
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) {
            return special(p.getAsString());
        }
        return p.getAsDouble();
    }

    private static double special(String s) {
        switch (s) {
            case "nan": return Double.NaN;
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            default: throw new IllegalArgumentException("not a number: " + s);
        }
    }

    /** Values read as float32 from their shortest decimal, as the generator wrote them. */
    private static float float32(JsonElement e) {
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? (float) special(p.getAsString()) : Float.parseFloat(p.getAsString());
    }

    /** Expected values as doubles (bools as 0/1), row-major. */
    public static double[] values(JsonObject t) {
        JsonArray a = t.getAsJsonArray("data");
        boolean narrow = isNarrowFloat(t.get("dtype").getAsString());
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            JsonElement e = a.get(i);
            if (e.getAsJsonPrimitive().isBoolean()) {
                v[i] = e.getAsBoolean() ? 1 : 0;
            } else {
                v[i] = narrow ? float32(e) : number(e);
            }
        }
        return v;
    }

    private static boolean isNarrowFloat(String dt) {
        return dt.equals("float32") || dt.equals("float16") || dt.equals("bfloat16");
    }

    /** A contiguous tensor with the fixture's shape, dtype and data. */
    public static Tensor build(JsonObject t) {
        int[] shape = shape(t);
        DType dt = dtype(t.get("dtype").getAsString());
        JsonArray a = t.getAsJsonArray("data");
        int n = a.size();
        // Tensor.of reads an empty shape as 1-D; build 0-dim tensors as [1] and reshape
        int[] buildShape = shape.length == 0 ? new int[] {1} : shape;
        Tensor out;
        try (NoGrad ng = NoGrad.open()) {
            switch (dt) {
                case FLOAT64: {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = number(a.get(i));
                    }
                    out = Tensor.of(v, buildShape);
                    break;
                }
                case FLOAT32:
                case FLOAT16:
                case BFLOAT16: {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = float32(a.get(i));
                    }
                    out = Tensor.of(v, buildShape).to(dt);
                    break;
                }
                case INT64: {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = a.get(i).getAsLong();
                    }
                    out = Tensor.of(v, buildShape);
                    break;
                }
                case INT32: {
                    int[] v = new int[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = a.get(i).getAsInt();
                    }
                    out = Tensor.of(v, buildShape);
                    break;
                }
                case UINT8: {
                    byte[] v = new byte[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (byte) a.get(i).getAsInt();
                    }
                    out = Tensor.of(v, buildShape);
                    break;
                }
                case BOOL: {
                    boolean[] v = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = a.get(i).getAsBoolean();
                    }
                    out = Tensor.of(v, buildShape);
                    break;
                }
                default:
                    throw new IllegalArgumentException("unsupported fixture dtype " + dt);
            }
            return shape.length == 0 ? out.reshape() : out;
        }
    }

    /**
     * The same values laid out as {@code layout} asks: "permuted" (reversed strides, the transpose
     * of a contiguous buffer) or "strided" (every other element of a wider buffer, at an offset).
     * The result is a leaf view: no graph is recorded.
     */
    public static Tensor withLayout(Tensor x, String layout) {
        if (layout == null) {
            return x;
        }
        try (NoGrad ng = NoGrad.open()) {
            switch (layout) {
                case "permuted": {
                    if (x.dim() < 2) {
                        return x;
                    }
                    int[] rev = new int[x.dim()];
                    for (int i = 0; i < rev.length; i++) {
                        rev[i] = rev.length - 1 - i;
                    }
                    Tensor t = x.permute(rev).contiguous().permute(rev);
                    if (t.isContiguous()) {
                        throw new AssertionError("permuted layout came out contiguous for shape " + Arrays.toString(x.shape()));
                    }
                    return t;
                }
                case "strided": {
                    if (x.dim() < 1) {
                        return x;
                    }
                    int[] s = x.shape();
                    int last = s[s.length - 1];
                    s[s.length - 1] = 2 * last + 1;
                    Tensor big = Tensor.zeros(x.dtype(), s);
                    // offset 1, stride 2: neither the first element nor unit strides can be assumed
                    Tensor view = big.slice(-1, 1, 2 * last + 1, 2);
                    view.copy_(x);
                    return view;
                }
                default:
                    throw new IllegalArgumentException("unknown layout " + layout);
            }
        }
    }

    /** Tolerance {@code |actual - expected| <= atol + rtol * |expected|}. */
    public record Tolerance(double rtol, double atol) {
        public static final Tolerance EXACT = new Tolerance(0, 0);

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "rtol=%.0e atol=%.0e", rtol, atol);
        }
    }

    /**
     * Fails unless {@code actual} has the expected dtype, shape and values within {@code tol}. NaN
     * must meet NaN and infinities must be equal.
     */
    public static void assertMatches(String what, JsonObject expected, Tensor actual, Tolerance tol) {
        String dt = expected.get("dtype").getAsString();
        if (!actual.dtype().pytorchName().equals(dt)) {
            throw new AssertionError(what + ": dtype " + actual.dtype() + ", PyTorch gives " + dt);
        }
        assertValues(what, expected, actual, tol);
    }

    /** Like {@link #assertMatches} without the dtype check (gradients are compared as float64). */
    public static void assertValues(String what, JsonObject expected, Tensor actual, Tolerance tol) {
        int[] shape = shape(expected);
        if (!Arrays.equals(shape, actual.shape())) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actual.shape()) + ", PyTorch gives "
                    + Arrays.toString(shape));
        }
        double[] want = values(expected);
        double[] got = read(actual);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < want.length; i++) {
            double e = want[i];
            double g = got[i];
            boolean ok;
            if (Double.isNaN(e)) {
                ok = Double.isNaN(g);
            } else if (Double.isInfinite(e)) {
                ok = g == e;
            } else {
                ok = Math.abs(g - e) <= tol.atol() + tol.rtol() * Math.abs(e);
            }
            if (!ok) {
                double excess = Double.isNaN(g) || Double.isInfinite(g) || Double.isInfinite(e) || Double.isNaN(e)
                        ? Double.POSITIVE_INFINITY : Math.abs(g - e) - tol.atol() - tol.rtol() * Math.abs(e);
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "%s: element %d (of %d, shape %s): got %.17g, PyTorch gives %.17g (|diff| %.3g, %s)%n  got:      %s%n  expected: %s",
                    what, worst, want.length, Arrays.toString(shape), got[worst], want[worst],
                    Math.abs(got[worst] - want[worst]), tol, preview(got), preview(want)));
        }
    }

    /** Elements as doubles (bools as 0/1), row-major, whatever the dtype. */
    public static double[] read(Tensor t) {
        if (t.dtype() == DType.BOOL) {
            boolean[] b = t.toBooleanArray();
            double[] v = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                v[i] = b[i] ? 1 : 0;
            }
            return v;
        }
        if (t.dtype() == DType.INT64) {
            long[] l = t.toLongArray();
            double[] v = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                v[i] = l[i];
            }
            return v;
        }
        return t.toDoubleArray();
    }

    private static String preview(double[] v) {
        int n = Math.min(v.length, 12);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.8g", v[i]));
        }
        return sb.append(v.length > n ? ", ...]" : "]").toString();
    }
}
