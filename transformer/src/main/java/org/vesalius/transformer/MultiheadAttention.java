package org.vesalius.transformer;

import java.util.Arrays;
import org.vesalius.nn.F;
import org.vesalius.nn.Init;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Multi-head attention, like {@code torch.nn.MultiheadAttention}: the query, key and value are
 * projected, split into {@code numHeads} heads of {@code embedDim / numHeads}, attended with
 * {@link F#scaledDotProductAttention} (which takes its blocked kernel for long sequences), joined and
 * projected by {@code out_proj}.
 *
 * <p>Shapes ({@code L} target length, {@code S} source length, {@code N} batch, {@code E = embedDim}):
 * query {@code [L, N, E]}, key {@code [S, N, kdim]}, value {@code [S, N, vdim]}, output
 * {@code [L, N, E]}; with {@code batchFirst} {@code [N, L, E]} etc.; unbatched {@code [L, E]} in,
 * {@code [L, E]} out. Masks follow this module's PyTorch semantics (which differ from
 * {@code scaledDotProductAttention}'s): a bool {@code keyPaddingMask [N, S]} ({@code [S]} unbatched)
 * is true for keys to ignore, a float one is added; a bool {@code attnMask} ({@code [L, S]} or
 * {@code [N * numHeads, L, S]}) is true where attention is not allowed, a float one is added. A query
 * left with no key gives NaN, as in PyTorch.
 *
 * <p>Parameters, by PyTorch's names: {@code in_proj_weight [3E, E]} when key and value have the
 * embedding size, else {@code q_proj_weight [E, E]}, {@code k_proj_weight [E, kdim]},
 * {@code v_proj_weight [E, vdim]}; {@code in_proj_bias [3E]}; {@code bias_k}, {@code bias_v}
 * {@code [1, 1, E]} with {@code addBiasKv}; {@code out_proj.weight [E, E]}, {@code out_proj.bias [E]}.
 * Initialised as PyTorch: Xavier-uniform projections, zero biases, Xavier-normal {@code bias_k/v}.
 */
public class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final int kdim;
    private final int vdim;
    private final double dropout;
    private final boolean batchFirst;
    private final boolean addBiasKv;
    private final boolean addZeroAttn;
    private final boolean packed;
    private final Linear outProj;

    /** What {@link #forward(Tensor, Tensor, Tensor, Tensor, boolean, Tensor, boolean)} returns. */
    public record Output(Tensor output, Tensor weights) {
    }

    /** {@code embedDim} split into {@code numHeads}, no dropout, bias, sequence-first. */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0, true, false, false, embedDim, embedDim, false, Generator.defaultGenerator());
    }

    /** With attention dropout {@code dropout} and the batch dim first or second. */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean batchFirst) {
        this(embedDim, numHeads, dropout, true, false, false, embedDim, embedDim, batchFirst,
                Generator.defaultGenerator());
    }

    /**
     * Every option of PyTorch's constructor.
     *
     * @param dropout     probability of dropping an attention weight in training
     * @param bias        whether the projections have biases
     * @param addBiasKv   append learned {@code bias_k}, {@code bias_v} to the keys and values
     * @param addZeroAttn append a zero key and value (after the projections)
     * @param kdim        key features (the embedding size for self-attention)
     * @param vdim        value features
     * @param batchFirst  inputs and outputs are {@code [N, L, E]} instead of {@code [L, N, E]}
     * @param generator   initialises the parameters
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean addBiasKv,
                              boolean addZeroAttn, int kdim, int vdim, boolean batchFirst, Generator generator) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim must be a positive multiple of numHeads, got "
                    + "embedDim=" + embedDim + ", numHeads=" + numHeads);
        }
        if (kdim <= 0 || vdim <= 0) {
            throw new IllegalArgumentException("MultiheadAttention: kdim and vdim must be positive, got kdim=" + kdim
                    + ", vdim=" + vdim);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("MultiheadAttention: dropout must be in [0, 1], got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.kdim = kdim;
        this.vdim = vdim;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.addBiasKv = addBiasKv;
        this.addZeroAttn = addZeroAttn;
        this.packed = kdim == embedDim && vdim == embedDim;
        if (packed) {
            Init.xavierUniform_(registerParameter("in_proj_weight", Tensor.empty(3 * embedDim, embedDim)), generator);
        } else {
            Init.xavierUniform_(registerParameter("q_proj_weight", Tensor.empty(embedDim, embedDim)), generator);
            Init.xavierUniform_(registerParameter("k_proj_weight", Tensor.empty(embedDim, kdim)), generator);
            Init.xavierUniform_(registerParameter("v_proj_weight", Tensor.empty(embedDim, vdim)), generator);
        }
        registerParameter("in_proj_bias", bias ? Tensor.zeros(3 * embedDim) : null);
        if (addBiasKv) {
            Init.xavierNormal_(registerParameter("bias_k", Tensor.empty(1, 1, embedDim)), generator);
            Init.xavierNormal_(registerParameter("bias_v", Tensor.empty(1, 1, embedDim)), generator);
        }
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, generator));
        if (bias) {
            Init.zeros_(outProj.bias());
        }
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    /** Whether inputs and outputs put the batch dim first. */
    public boolean batchFirst() {
        return batchFirst;
    }

    /** The output projection {@code out_proj}. */
    public Linear outProj() {
        return outProj;
    }

    /** Self-attention of {@code x} without masks: {@code forward(x, x, x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x);
    }

    /** The attention output for query, key and value without masks (shapes in the class comment). */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, false, null, true).output();
    }

    /**
     * PyTorch's {@code forward(query, key, value, key_padding_mask, need_weights, attn_mask,
     * average_attn_weights)}.
     *
     * @param keyPaddingMask     {@code [N, S]} ({@code [S]} unbatched), or null
     * @param needWeights        also return the attention weights (computed on the unfused path)
     * @param attnMask           {@code [L, S]} or {@code [N * numHeads, L, S]}, or null
     * @param averageAttnWeights average the weights over the heads ({@code [N, L, S]}) instead of
     *                           returning each head's ({@code [N, numHeads, L, S]}); unbatched
     *                           without the {@code N}
     * @return the output, and the weights or null
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                          Tensor attnMask, boolean averageAttnWeights) {
        boolean batched = query.dim() == 3;
        checkInputs(query, key, value, keyPaddingMask, batched);
        Tensor q = batched ? query : query.unsqueeze(batchFirst ? 0 : 1);
        Tensor k = batched ? key : key.unsqueeze(batchFirst ? 0 : 1);
        Tensor v = batched ? value : value.unsqueeze(batchFirst ? 0 : 1);
        if (!batchFirst) {
            q = q.transpose(0, 1);
            k = k.transpose(0, 1);
            v = v.transpose(0, 1);
        }
        Tensor kpm = keyPaddingMask == null ? null : batched ? keyPaddingMask : keyPaddingMask.unsqueeze(0);
        Tensor[] qkv = project(query == key && key == value, q, k, v);
        Output r = attend(qkv[0], qkv[1], qkv[2], kpm, attnMask, needWeights, averageAttnWeights);
        Tensor out = r.output();
        Tensor weights = r.weights();
        if (!batchFirst) {
            out = out.transpose(0, 1);
        }
        if (!batched) {
            out = out.squeeze(batchFirst ? 0 : 1);
            if (weights != null) {
                weights = weights.squeeze(0);
            }
        }
        return new Output(out, weights);
    }

    private void checkInputs(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean batched) {
        int rank = batched ? 3 : 2;
        if ((query.dim() != 2 && query.dim() != 3) || key.dim() != rank || value.dim() != rank) {
            throw new IllegalArgumentException("MultiheadAttention: expected query, key and value all 3-D (batched) or "
                    + "all 2-D (unbatched), got " + Arrays.toString(query.shape()) + ", "
                    + Arrays.toString(key.shape()) + ", " + Arrays.toString(value.shape()));
        }
        if (query.size(-1) != embedDim || key.size(-1) != kdim || value.size(-1) != vdim) {
            throw new IllegalArgumentException("MultiheadAttention: expected feature sizes query " + embedDim + ", key "
                    + kdim + ", value " + vdim + ", got " + Arrays.toString(query.shape()) + ", "
                    + Arrays.toString(key.shape()) + ", " + Arrays.toString(value.shape()));
        }
        int seqDim = batched && batchFirst ? 1 : 0;
        if (key.size(seqDim) != value.size(seqDim)) {
            throw new IllegalArgumentException("MultiheadAttention: key and value must have the same length, got "
                    + Arrays.toString(key.shape()) + " and " + Arrays.toString(value.shape()));
        }
        if (batched) {
            int b = batchFirst ? 0 : 1;
            if (key.size(b) != query.size(b) || value.size(b) != query.size(b)) {
                throw new IllegalArgumentException("MultiheadAttention: query, key and value must have the same batch "
                        + "size, got " + Arrays.toString(query.shape()) + ", " + Arrays.toString(key.shape()) + ", "
                        + Arrays.toString(value.shape()));
            }
        }
        if (keyPaddingMask != null) {
            int[] want = batched ? new int[] {query.size(batchFirst ? 0 : 1), key.size(seqDim)}
                    : new int[] {key.size(0)};
            if (!Arrays.equals(keyPaddingMask.shape(), want)) {
                throw new IllegalArgumentException("MultiheadAttention: keyPaddingMask must be " + Arrays.toString(want)
                        + ", got " + Arrays.toString(keyPaddingMask.shape()));
            }
        }
    }

    /** The input projections of batch-first {@code [N, *, features]} inputs. */
    Tensor[] project(boolean self, Tensor q, Tensor k, Tensor v) {
        Tensor b = getParameter("in_proj_bias");
        int e = embedDim;
        if (packed) {
            Tensor w = getParameter("in_proj_weight");
            if (self) {
                // one product for all three, as PyTorch does for self-attention
                Tensor qkv = F.linear(q, w, b);
                return new Tensor[] {qkv.narrow(-1, 0, e), qkv.narrow(-1, e, e), qkv.narrow(-1, 2 * e, e)};
            }
            return new Tensor[] {
                F.linear(q, w.narrow(0, 0, e), b == null ? null : b.narrow(0, 0, e)),
                F.linear(k, w.narrow(0, e, e), b == null ? null : b.narrow(0, e, e)),
                F.linear(v, w.narrow(0, 2 * e, e), b == null ? null : b.narrow(0, 2 * e, e))};
        }
        return new Tensor[] {
            F.linear(q, getParameter("q_proj_weight"), b == null ? null : b.narrow(0, 0, e)),
            F.linear(k, getParameter("k_proj_weight"), b == null ? null : b.narrow(0, e, e)),
            F.linear(v, getParameter("v_proj_weight"), b == null ? null : b.narrow(0, 2 * e, e))};
    }

    /**
     * Attention of projected batch-first {@code q [N, L, E]}, {@code k}, {@code v [N, S, E]}: the
     * extra keys, the heads, the masks, {@link F#scaledDotProductAttention} and {@code out_proj};
     * returns the output {@code [N, L, E]} and, when asked for, the weights.
     */
    Output attend(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights,
                  boolean average) {
        int n = q.size(0);
        int l = q.size(1);
        Tensor kpm = keyPaddingMask;
        Tensor am = attnMask;
        if (addBiasKv) {
            k = Tensor.cat(1, k, getParameter("bias_k").expand(n, 1, embedDim));
            v = Tensor.cat(1, v, getParameter("bias_v").expand(n, 1, embedDim));
            am = padLastDim(am);
            kpm = padLastDim(kpm);
        }
        int s = k.size(1);
        Tensor qh = heads(q, n, l);
        Tensor kh = heads(k, n, s);
        Tensor vh = heads(v, n, s);
        if (addZeroAttn) {
            kh = Tensor.cat(2, kh, Tensor.zeros(q.dtype(), n, numHeads, 1, headDim));
            vh = Tensor.cat(2, vh, Tensor.zeros(q.dtype(), n, numHeads, 1, headDim));
            am = padLastDim(am);
            kpm = padLastDim(kpm);
            s++;
        }
        Tensor mask = combineMasks(am, kpm, n, l, s, q.dtype());
        double p = isTraining() ? dropout : 0;
        Tensor o;
        Tensor weights = null;
        if (needWeights) {
            Tensor w = F.attentionWeights(qh, kh, mask, p, false, null, null);
            o = w.matmul(vh);
            weights = average ? w.mean(1, false) : w;
        } else {
            o = F.scaledDotProductAttention(qh, kh, vh, mask, p, false);
        }
        return new Output(outProj.forward(o.transpose(1, 2).reshape(n, l, embedDim)), weights);
    }

    /**
     * Attention for new query positions with cached keys and values, for incremental decoding
     * (see {@link KVCache}). As self-attention ({@code append}) the new positions' keys and values are
     * appended to the slot and each new query attends to every cached position up to its own (causal);
     * as cross-attention the slot is filled from {@code key} and {@code value} at the first call and
     * reused after. Batched inputs only: {@code query [t, N, E]} ({@code [N, t, E]} with
     * {@code batchFirst}), key and value likewise (read only when needed); returns {@code query}'s shape.
     *
     * @param keyPaddingMask {@code [N, S]} over the slot's keys (this module's semantics), or null
     */
    public Tensor forwardCached(Tensor query, Tensor key, Tensor value, KVCache.Slot slot, boolean append,
                                Tensor keyPaddingMask) {
        if (addBiasKv || addZeroAttn) {
            throw new IllegalArgumentException("MultiheadAttention.forwardCached: addBiasKv and addZeroAttn are not "
                    + "supported with a key/value cache");
        }
        if (query.dim() != 3 || query.size(-1) != embedDim) {
            throw new IllegalArgumentException("MultiheadAttention.forwardCached: expected a batched query [t, N, "
                    + embedDim + "] ([N, t, " + embedDim + "] batch-first), got " + Arrays.toString(query.shape()));
        }
        Tensor q = batchFirst ? query : query.transpose(0, 1);
        int n = q.size(0);
        int t = q.size(1);
        int past = append && !slot.isEmpty() ? slot.keys().size(2) : 0;
        if (append || slot.isEmpty()) {
            Tensor k = batchFirst ? key : key.transpose(0, 1);
            Tensor v = batchFirst ? value : value.transpose(0, 1);
            Tensor[] qkv = project(query == key && key == value, q, k, v);
            q = qkv[0];
            Tensor kh = heads(qkv[1], n, qkv[1].size(1));
            Tensor vh = heads(qkv[2], n, qkv[2].size(1));
            if (append) {
                slot.append(kh, vh);
            } else {
                slot.set(kh, vh);
            }
        } else {
            Tensor b = getParameter("in_proj_bias");
            Tensor w = packed ? getParameter("in_proj_weight").narrow(0, 0, embedDim) : getParameter("q_proj_weight");
            q = F.linear(q, w, b == null ? null : b.narrow(0, 0, embedDim));
        }
        int s = slot.keys().size(2);
        Tensor allowed = null;
        if (append && t > 1) {
            // new query i sits at position past + i and sees keys up to it
            allowed = Tensor.arange(s).unsqueeze(0).le(Tensor.arange(t).add(past).unsqueeze(1));
        }
        if (keyPaddingMask != null) {
            if (keyPaddingMask.dim() != 2 || keyPaddingMask.size(0) != n || keyPaddingMask.size(1) != s) {
                throw new IllegalArgumentException("MultiheadAttention.forwardCached: keyPaddingMask must be [" + n + ", "
                        + s + "], got " + Arrays.toString(keyPaddingMask.shape()));
            }
            Tensor mask = combineMasks(null, keyPaddingMask, n, t, s, q.dtype());
            allowed = allowed == null ? mask : mask.dtype() == DType.BOOL ? mask.logicalAnd(allowed)
                    : mask.maskedFill(allowed.logicalNot(), Double.NEGATIVE_INFINITY);
        }
        double p = isTraining() ? dropout : 0;
        Tensor o = F.scaledDotProductAttention(heads(q, n, t), slot.keys(), slot.values(), allowed, p, false);
        Tensor out = outProj.forward(o.transpose(1, 2).reshape(n, t, embedDim));
        return batchFirst ? out : out.transpose(0, 1);
    }

    /** {@code [N, T, E]} to {@code [N, heads, T, headDim]}. */
    private Tensor heads(Tensor x, int n, int t) {
        return x.reshape(n, t, numHeads, headDim).transpose(1, 2);
    }

    /** One more key column (not masked), as PyTorch pads the masks for the appended keys. */
    private static Tensor padLastDim(Tensor mask) {
        return mask == null ? null : mask.pad(new int[] {0, 1}, 0);
    }

    /**
     * The attention mask and the key padding mask in {@code scaledDotProductAttention}'s terms: a bool
     * mask true where a key takes part when both are bool, else an additive float mask; broadcastable
     * to {@code [N, heads, L, S]}; null when neither is given.
     */
    private Tensor combineMasks(Tensor attnMask, Tensor keyPaddingMask, int n, int l, int s, DType dtype) {
        Tensor am = null;
        if (attnMask != null) {
            if (attnMask.dim() == 2 && attnMask.size(0) == l && attnMask.size(1) == s) {
                am = attnMask;
            } else if (attnMask.dim() == 3 && attnMask.size(0) == n * numHeads && attnMask.size(1) == l
                    && attnMask.size(2) == s) {
                am = attnMask.reshape(n, numHeads, l, s);
            } else {
                throw new IllegalArgumentException("MultiheadAttention: attnMask must be [" + l + ", " + s + "] or ["
                        + n * numHeads + ", " + l + ", " + s + "], got " + Arrays.toString(attnMask.shape()));
            }
            checkMaskType("attnMask", am, dtype);
        }
        Tensor kpm = null;
        if (keyPaddingMask != null) {
            kpm = keyPaddingMask.reshape(n, 1, 1, s);
            checkMaskType("keyPaddingMask", kpm, dtype);
        }
        if (am == null && kpm == null) {
            return null;
        }
        boolean allBool = (am == null || am.dtype() == DType.BOOL) && (kpm == null || kpm.dtype() == DType.BOOL);
        if (allBool) {
            Tensor blocked = am == null ? kpm : kpm == null ? am : am.logicalOr(kpm);
            return blocked.logicalNot();
        }
        Tensor a = am == null ? null : additive(am, dtype);
        Tensor b = kpm == null ? null : additive(kpm, dtype);
        return a == null ? b : b == null ? a : a.add(b);
    }

    private static void checkMaskType(String name, Tensor mask, DType dtype) {
        if (mask.dtype() != DType.BOOL && mask.dtype() != dtype) {
            throw new IllegalArgumentException("MultiheadAttention: " + name + " must be bool or " + dtype + ", got "
                    + mask.dtype());
        }
    }

    /** A bool mask (true = masked) as 0 / -inf of {@code dtype}; a float mask as it is. */
    private static Tensor additive(Tensor mask, DType dtype) {
        if (mask.dtype() != DType.BOOL) {
            return mask;
        }
        return Tensor.zeros(dtype, mask.shape()).maskedFill(mask, Double.NEGATIVE_INFINITY);
    }

    @Override
    protected String extraRepr() {
        return "embedDim=" + embedDim + ", numHeads=" + numHeads + ", dropout=" + dropout + ", batchFirst=" + batchFirst
                + (packed ? "" : ", kdim=" + kdim + ", vdim=" + vdim);
    }
}
