package org.vesalius.transformer;

import java.util.Arrays;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * Rotary position embedding (RoPE, Su et al. 2021) in the half-split form of GPT-NeoX and LLaMA
 * ({@code rotate_half}): features i and {@code i + dim/2} of each head are rotated by the angle
 * {@code pos * base^(-2i/dim)}: {@code x * cos + rotateHalf(x) * sin} with
 * {@code rotateHalf([x1, x2]) = [-x2, x1]}. Applied to queries and keys (not values) before attention,
 * it makes their dot product depend on the positions' difference only.
 *
 * <p>{@link #forward(Tensor, int)} takes {@code [..., L, dim]} (heads split, e.g.
 * {@code [N, heads, L, headDim]}) and gives the same shape; positions start at {@code offset}. No
 * parameters; the angles are recomputed per call in float64.
 */
public class RotaryEmbedding extends Module {
    private final int dim;
    private final double base;

    /** Rotates {@code dim} (even) features with the usual base 10000. */
    public RotaryEmbedding(int dim) {
        this(dim, 10000);
    }

    public RotaryEmbedding(int dim, double base) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("RotaryEmbedding: dim must be positive and even, got " + dim);
        }
        this.dim = dim;
        this.base = base;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /** {@code x [..., L, dim]} rotated for positions {@code offset .. offset + L - 1}. */
    public Tensor forward(Tensor x, int offset) {
        if (x.dim() < 2 || x.size(-1) != dim) {
            throw new IllegalArgumentException("RotaryEmbedding: expected [..., L, " + dim + "], got "
                    + Arrays.toString(x.shape()));
        }
        int len = x.size(-2);
        int half = dim / 2;
        double[] cos = new double[len * dim];
        double[] sin = new double[len * dim];
        for (int p = 0; p < len; p++) {
            for (int i = 0; i < half; i++) {
                double angle = (offset + p) * Math.pow(base, -2.0 * i / dim);
                cos[p * dim + i] = cos[p * dim + i + half] = Math.cos(angle);
                sin[p * dim + i] = sin[p * dim + i + half] = Math.sin(angle);
            }
        }
        Tensor c = Tensor.of(cos, len, dim).to(x.dtype());
        Tensor s = Tensor.of(sin, len, dim).to(x.dtype());
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        Tensor rotated = Tensor.cat(-1, x2.neg(), x1);
        return x.mul(c).add(rotated.mul(s));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", base=" + base;
    }
}
