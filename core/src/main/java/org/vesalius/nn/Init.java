package org.vesalius.nn;

import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Weight initializers, like {@code torch.nn.init}, with PyTorch's fan and gain rules. Each fills a
 * tensor in place (under no-grad, so parameters can be filled) and returns it; the random ones draw
 * from the {@link Generator} they are given, so a seed makes initialisation repeatable. The numbers
 * drawn differ from PyTorch's (the generators differ), the distributions do not.
 *
 * <p>Fans follow {@code _calculate_fan_in_and_fan_out}: for a weight of shape
 * {@code [out, in, k1, k2, ...]}, {@code fanIn = in * k1 * k2 * ...} and
 * {@code fanOut = out * k1 * k2 * ...}; a {@code Linear} weight {@code [out, in]} has
 * {@code fanIn = in}.
 */
public final class Init {
    private Init() {
    }

    /** Which fan a Kaiming initializer preserves the variance of. */
    public enum FanMode {
        /** The forward pass's activations (PyTorch's default, {@code "fan_in"}). */
        FAN_IN,
        /** The backward pass's gradients ({@code "fan_out"}). */
        FAN_OUT
    }

    /**
     * The recommended gain for a nonlinearity, as {@code torch.nn.init.calculate_gain}: 1 for
     * {@code linear}, the convolutions and {@code sigmoid}; 5/3 for {@code tanh}; sqrt(2) for
     * {@code relu}; sqrt(2 / (1 + 0.01^2)) for {@code leaky_relu}; 3/4 for {@code selu}. Names may be
     * PyTorch's ({@code leaky_relu}, {@code conv_transpose2d}) or camelCase ({@code leakyRelu}).
     */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, Double.NaN);
    }

    /**
     * The gain for {@code nonlinearity}, where {@code param} is leaky ReLU's negative slope (NaN for the
     * default 0.01; ignored by the other nonlinearities).
     */
    public static double calculateGain(String nonlinearity, double param) {
        String n = nonlinearity.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        switch (n) {
            case "linear": case "identity": case "sigmoid":
            case "conv1d": case "conv2d": case "conv3d":
            case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d":
                return 1;
            case "tanh":
                return 5.0 / 3;
            case "relu":
                return Math.sqrt(2.0);
            case "leaky_relu": {
                double slope = Double.isNaN(param) ? 0.01 : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu":
                return 3.0 / 4;
            default:
                throw new IllegalArgumentException("calculateGain: unsupported nonlinearity '" + nonlinearity
                        + "'; expected linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid, tanh, relu, leaky_relu or selu");
        }
    }

    /** The fan-in of a weight of shape {@code [out, in, *kernel]} (at least 2 dims): {@code in * prod(kernel)}. */
    public static int fanIn(Tensor t) {
        return fans("fanIn", t)[0];
    }

    /** The fan-out of a weight of shape {@code [out, in, *kernel]} (at least 2 dims): {@code out * prod(kernel)}. */
    public static int fanOut(Tensor t) {
        return fans("fanOut", t)[1];
    }

    private static int[] fans(String op, Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException(op + ": fan in and fan out cannot be computed for a tensor with fewer "
                    + "than 2 dimensions (got shape " + java.util.Arrays.toString(t.shape()) + ")");
        }
        int receptive = 1;
        for (int d = 2; d < t.dim(); d++) {
            receptive *= t.size(d);
        }
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /** Fills {@code t} (any shape) with {@code value}. Returns t. */
    public static Tensor constant_(Tensor t, double value) {
        try (NoGrad ng = NoGrad.open()) {
            t.fill_(value);
        }
        return t;
    }

    /** Fills {@code t} with zeros. Returns t. */
    public static Tensor zeros_(Tensor t) {
        return constant_(t, 0);
    }

    /** Fills {@code t} with ones. Returns t. */
    public static Tensor ones_(Tensor t) {
        return constant_(t, 1);
    }

    /**
     * Fills a 2-D {@code t} with the identity matrix (ones on the diagonal, zeros elsewhere), like
     * {@code torch.nn.init.eye_}. Returns t.
     */
    public static Tensor eye_(Tensor t) {
        if (t.dim() != 2) {
            throw new IllegalArgumentException("eye_: expected a 2-D tensor, got shape " + java.util.Arrays.toString(t.shape()));
        }
        try (NoGrad ng = NoGrad.open()) {
            t.copy_(Tensor.eye(t.size(0), t.size(1), DType.FLOAT64));
        }
        return t;
    }

    /** Fills {@code t} with values drawn uniformly from {@code [low, high)}. Returns t. */
    public static Tensor uniform_(Tensor t, double low, double high, Generator gen) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("uniform_: low (" + low + ") must not exceed high (" + high + ")");
        }
        try (NoGrad ng = NoGrad.open()) {
            Tensor u = Tensor.rand(drawType(t), t.device(), gen, t.shape());
            t.copy_(u.mul(high - low).add(low));
        }
        return t;
    }

    /** Fills {@code t} with values drawn from a normal distribution with this mean and standard deviation. Returns t. */
    public static Tensor normal_(Tensor t, double mean, double std, Generator gen) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal_: std must be >= 0, got " + std);
        }
        try (NoGrad ng = NoGrad.open()) {
            Tensor n = Tensor.randn(drawType(t), t.device(), gen, t.shape());
            t.copy_(n.mul(std).add(mean));
        }
        return t;
    }

    /**
     * Xavier/Glorot uniform: {@code U(-a, a)} with {@code a = gain * sqrt(6 / (fanIn + fanOut))}, for a
     * weight of at least 2 dims. Returns t.
     */
    public static Tensor xavierUniform_(Tensor t, double gain, Generator gen) {
        int[] f = fans("xavierUniform_", t);
        double a = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f[0] + f[1]));
        return uniform_(t, -a, a, gen);
    }

    /** {@link #xavierUniform_(Tensor, double, Generator)} with gain 1. */
    public static Tensor xavierUniform_(Tensor t, Generator gen) {
        return xavierUniform_(t, 1, gen);
    }

    /** Xavier/Glorot normal: {@code N(0, std^2)} with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. Returns t. */
    public static Tensor xavierNormal_(Tensor t, double gain, Generator gen) {
        int[] f = fans("xavierNormal_", t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), gen);
    }

    /** {@link #xavierNormal_(Tensor, double, Generator)} with gain 1. */
    public static Tensor xavierNormal_(Tensor t, Generator gen) {
        return xavierNormal_(t, 1, gen);
    }

    /**
     * Kaiming/He uniform: {@code U(-bound, bound)} with {@code bound = gain * sqrt(3 / fan)}, where
     * {@code gain = calculateGain(nonlinearity, a)} and {@code fan} is the fan-in or fan-out by
     * {@code mode}. PyTorch's {@code Linear} and convolutions use {@code a = sqrt(5)}, {@code FAN_IN},
     * {@code leaky_relu}, which gives {@code bound = 1 / sqrt(fanIn)}. Returns t.
     *
     * @param a the negative slope of the leaky ReLU that follows (0 for ReLU)
     */
    public static Tensor kaimingUniform_(Tensor t, double a, FanMode mode, String nonlinearity, Generator gen) {
        double std = kaimingStd("kaimingUniform_", t, a, mode, nonlinearity);
        double bound = Math.sqrt(3.0) * std;
        return uniform_(t, -bound, bound, gen);
    }

    /** Kaiming uniform for a ReLU network: {@code a = 0}, fan-in, {@code leaky_relu} (gain sqrt(2)). */
    public static Tensor kaimingUniform_(Tensor t, Generator gen) {
        return kaimingUniform_(t, 0, FanMode.FAN_IN, "leaky_relu", gen);
    }

    /**
     * Kaiming/He normal: {@code N(0, std^2)} with {@code std = gain / sqrt(fan)} (see
     * {@link #kaimingUniform_(Tensor, double, FanMode, String, Generator)}). Returns t.
     */
    public static Tensor kaimingNormal_(Tensor t, double a, FanMode mode, String nonlinearity, Generator gen) {
        return normal_(t, 0, kaimingStd("kaimingNormal_", t, a, mode, nonlinearity), gen);
    }

    /** Kaiming normal for a ReLU network: {@code a = 0}, fan-in, {@code leaky_relu} (gain sqrt(2)). */
    public static Tensor kaimingNormal_(Tensor t, Generator gen) {
        return kaimingNormal_(t, 0, FanMode.FAN_IN, "leaky_relu", gen);
    }

    private static double kaimingStd(String op, Tensor t, double a, FanMode mode, String nonlinearity) {
        int[] f = fans(op, t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        if (fan == 0) {
            throw new IllegalArgumentException(op + ": cannot initialise a tensor with zero elements (shape "
                    + java.util.Arrays.toString(t.shape()) + ")");
        }
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    /**
     * Fills {@code t} (at least 2 dims, read as {@code [rows, numel / rows]}) with a (semi-)orthogonal
     * matrix times {@code gain}, as {@code torch.nn.init.orthogonal_}: the Q of the QR decomposition of
     * a standard normal matrix, with the signs that make R's diagonal positive. Rows are orthonormal
     * when there are fewer rows than columns, columns otherwise. Returns t.
     */
    public static Tensor orthogonal_(Tensor t, double gain, Generator gen) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
                    + java.util.Arrays.toString(t.shape()));
        }
        int rows = t.size(0);
        int cols = t.checkedNumel("orthogonal_") / Math.max(rows, 1);
        if (t.numel() == 0) {
            return t;
        }
        double[] a;
        try (NoGrad ng = NoGrad.open()) {
            Tensor n = Tensor.randn(DType.FLOAT64, Device.CPU, gen, rows, cols);
            a = n.toDoubleArray();
            n.close();
        }
        // Work on the tall orientation (m >= n) so the columns can be orthonormalised.
        boolean transpose = rows < cols;
        int m = transpose ? cols : rows;
        int k = transpose ? rows : cols;
        double[][] q = new double[k][m]; // q[j] is column j of the tall matrix
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = a[i * cols + j];
                if (transpose) {
                    q[i][j] = v;
                } else {
                    q[j][i] = v;
                }
            }
        }
        gramSchmidt(q);
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = gain * (transpose ? q[i][j] : q[j][i]);
            }
        }
        try (NoGrad ng = NoGrad.open()) {
            Tensor src = Tensor.of(out, rows, cols);
            t.copy_(src.reshape(t.shape()));
            src.close();
        }
        return t;
    }

    /** {@link #orthogonal_(Tensor, double, Generator)} with gain 1. */
    public static Tensor orthogonal_(Tensor t, Generator gen) {
        return orthogonal_(t, 1, gen);
    }

    /**
     * Modified Gram-Schmidt with one re-orthogonalisation pass ("twice is enough"): the same Q as a
     * Householder QR whose R diagonal is made positive, which is what PyTorch's sign fix produces.
     */
    private static void gramSchmidt(double[][] cols) {
        for (int j = 0; j < cols.length; j++) {
            double[] v = cols[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double[] u = cols[p];
                    double dot = 0;
                    for (int i = 0; i < v.length; i++) {
                        dot += u[i] * v[i];
                    }
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= dot * u[i];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                throw new IllegalStateException("orthogonal_: the random matrix was rank deficient; draw again");
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
    }

    /** Draw in the tensor's precision when it is float32 or float64, else in float32 and cast on copy. */
    private static DType drawType(Tensor t) {
        return t.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }
}
