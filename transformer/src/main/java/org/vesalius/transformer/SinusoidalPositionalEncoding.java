package org.vesalius.transformer;

import java.util.Arrays;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * The fixed sinusoidal position encoding of "Attention Is All You Need", added to the input, then
 * dropout (PyTorch's tutorial {@code PositionalEncoding}): {@code pe[pos, 2i] = sin(pos / 10000^(2i/d))},
 * {@code pe[pos, 2i+1] = cos(pos / 10000^(2i/d))}, computed in float64 and kept as the non-persistent
 * buffer {@code pe [maxLen, dModel]} (so state dicts do not carry it).
 *
 * <p>Input {@code [L, N, dModel]} ({@code [N, L, dModel]} with {@code batchFirst}, {@code [L, dModel]}
 * unbatched), same shape out; {@link #forward(Tensor, int)} starts at a later position, for decoding one
 * step at a time.
 */
public class SinusoidalPositionalEncoding extends Module {
    private final int dModel;
    private final int maxLen;
    private final boolean batchFirst;
    private final Dropout dropout;

    /** Up to {@code maxLen} positions, with dropout {@code dropout} after the addition. */
    public SinusoidalPositionalEncoding(int dModel, int maxLen, double dropout, boolean batchFirst) {
        if (dModel <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: dModel and maxLen must be positive, got "
                    + dModel + " and " + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        this.dropout = registerModule("dropout", new Dropout(dropout));
        registerBuffer("pe", table(maxLen, dModel), false);
    }

    /** The {@code [positions, dModel]} encodings, float32. */
    public static Tensor table(int positions, int dModel) {
        float[] pe = new float[positions * dModel];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < dModel; i += 2) {
                double angle = pos * Math.exp(i * (-Math.log(10000.0) / dModel));
                pe[pos * dModel + i] = (float) Math.sin(angle);
                if (i + 1 < dModel) {
                    pe[pos * dModel + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return Tensor.of(pe, positions, dModel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /** {@code x} plus the encodings of positions {@code offset, offset + 1, ...}, then dropout. */
    public Tensor forward(Tensor x, int offset) {
        int seqDim = x.dim() == 3 && batchFirst ? 1 : 0;
        if ((x.dim() != 2 && x.dim() != 3) || x.size(-1) != dModel) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: expected [L, N, " + dModel + "], [N, L, "
                    + dModel + "] (batchFirst) or [L, " + dModel + "], got " + Arrays.toString(x.shape()));
        }
        int len = x.size(seqDim);
        if (offset < 0 || offset + len > maxLen) {
            throw new IllegalArgumentException("SinusoidalPositionalEncoding: positions " + offset + " to "
                    + (offset + len - 1) + " exceed maxLen " + maxLen);
        }
        Tensor pe = getBuffer("pe").narrow(0, offset, len).to(x.dtype());
        if (x.dim() == 3 && !batchFirst) {
            pe = pe.unsqueeze(1);
        }
        return dropout.forward(x.add(pe));
    }

    @Override
    protected String extraRepr() {
        return "dModel=" + dModel + ", maxLen=" + maxLen + ", batchFirst=" + batchFirst;
    }
}
