package org.vesalius.rnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vesalius.backend.RnnMode;
import org.vesalius.backend.RnnWeights;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The multi-layer, optionally bidirectional recurrence behind {@link RNN}, {@link LSTM} and
 * {@link GRU}, with PyTorch's parameters, shapes and semantics.
 *
 * <p>Parameters per layer {@code k} and direction ({@code _reverse} suffix for the backward one):
 * {@code weight_ih_lk [G*hidden, in]}, {@code weight_hh_lk [G*hidden, out]}, {@code bias_ih_lk} and
 * {@code bias_hh_lk [G*hidden]}, and for an LSTM with {@code projSize > 0} {@code weight_hr_lk
 * [projSize, hidden]}; G is 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n), {@code out} is
 * {@code projSize} or {@code hiddenSize}, and {@code in} is the input size for layer 0 and
 * {@code D * out} above it (D = 2 when bidirectional). All start uniform in {@code ±1/sqrt(hiddenSize)}.
 *
 * <p>Shapes: input {@code [L, N, inputSize]} ({@code [N, L, inputSize]} with {@code batchFirst},
 * {@code [L, inputSize]} unbatched), output {@code [L, N, D*out]}, states {@code h [numLayers*D, N, out]}
 * and (LSTM) {@code c [numLayers*D, N, hidden]}, ordered layer by layer, forward direction first.
 * Variable-length batches go in as a {@link PackedSequence}: each sequence stops at its own end (its
 * final state is taken there, and the reverse direction starts there).
 */
public abstract class RNNBase extends Module {
    private final RnnMode mode;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean bias;
    private final boolean batchFirst;
    private final double dropout;
    private final boolean bidirectional;
    private final int projSize;
    private boolean fused = true;
    /** The fused kernel's view of each layer's parameters (see {@link #kernelWeights}). */
    private final Map<String, RnnWeights> kernelWeights = new HashMap<>();

    protected RNNBase(RnnMode mode, int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                      double dropout, boolean bidirectional, int projSize, Generator generator) {
        String name = getClass().getSimpleName();
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(name + ": inputSize and hiddenSize must be positive, got " + inputSize
                    + " and " + hiddenSize);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException(name + ": numLayers must be at least 1, got " + numLayers);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException(name + ": dropout must be in [0, 1], got " + dropout);
        }
        if (projSize < 0 || (projSize > 0 && mode != RnnMode.LSTM) || projSize >= hiddenSize && projSize > 0) {
            throw new IllegalArgumentException(name + ": projSize must be 0, or (LSTM only) between 1 and hiddenSize - 1; got "
                    + projSize + " with hiddenSize " + hiddenSize);
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bias = bias;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        this.projSize = projSize;
        int g = mode.gates() * hiddenSize;
        int out = outSize();
        for (int layer = 0; layer < numLayers; layer++) {
            int in = layer == 0 ? inputSize : out * directions();
            for (int dir = 0; dir < directions(); dir++) {
                String sfx = suffix(layer, dir);
                registerParameter("weight_ih" + sfx, Tensor.empty(g, in));
                registerParameter("weight_hh" + sfx, Tensor.empty(g, out));
                if (bias) {
                    registerParameter("bias_ih" + sfx, Tensor.empty(g));
                    registerParameter("bias_hh" + sfx, Tensor.empty(g));
                }
                if (projSize > 0) {
                    registerParameter("weight_hr" + sfx, Tensor.empty(projSize, hiddenSize));
                }
            }
        }
        resetParameters(generator);
    }

    private static String suffix(int layer, int dir) {
        return "_l" + layer + (dir == 1 ? "_reverse" : "");
    }

    /** Re-draws every parameter uniform in {@code ±1/sqrt(hiddenSize)}, in registration order (PyTorch's). */
    public void resetParameters(Generator generator) {
        double k = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) {
            Init.uniform_(p, -k, k, generator);
        }
    }

    public RnnMode mode() {
        return mode;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    public boolean bidirectional() {
        return bidirectional;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** Size of h: {@code projSize} when set, else {@code hiddenSize}. */
    public int outSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    /**
     * Whether the layers may run on the backend's fused recurrent kernel (oneDNN on the CPU, float32)
     * where it covers the configuration (default true). The fused kernel is differentiable once; turn
     * it off to differentiate a layer twice. Padded float32 batches without projection use it; packed
     * batches, float64 and projections compose tensor ops. Returns this layer.
     */
    public RNNBase fused(boolean fused) {
        this.fused = fused;
        return this;
    }

    /** Whether {@link #fused(boolean)} is on. */
    public boolean isFused() {
        return fused;
    }

    private int directions() {
        return bidirectional ? 2 : 1;
    }

    // ------------------------------------------------------------------ forward

    /** The output sequence for {@code input} from zero initial states. */
    @Override
    public Tensor forward(Tensor input) {
        return run(input, null, null).output();
    }

    /**
     * A packed batch from zero initial states, like {@code rnn(packed)} in PyTorch: the packed output
     * {@code [sum of lengths, D*out]} and the final states {@code h [numLayers*D, N, out]} (and LSTM's
     * {@code c}) at each sequence's own end, in the batch's order. Declared here so that a model can hold
     * an {@link RNN}, {@link LSTM} or {@link GRU} as an {@code RNNBase} and call any of them alike.
     */
    public PackedRNNResult forward(PackedSequence input) {
        if (input == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the packed input is null");
        }
        return run(input, null, null);
    }

    /**
     * Runs the recurrence on a padded batch (every sequence of length L) from the initial states
     * {@code h0} and (LSTM) {@code c0}; null states start at zero.
     */
    protected RNNResult run(Tensor input, Tensor h0, Tensor c0) {
        String name = getClass().getSimpleName();
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException(name + ": expected input of shape [L, N, " + inputSize + "] ("
                    + (batchFirst ? "[N, L, " + inputSize + "] with batchFirst" : "or [N, L, H] with batchFirst")
                    + ") or unbatched [L, " + inputSize + "], got " + Arrays.toString(input.shape()));
        }
        boolean unbatched = input.dim() == 2;
        Tensor x = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
        Tensor h = unbatched && h0 != null ? requireDim(name, "h0", h0, 2).unsqueeze(1) : h0;
        Tensor c = unbatched && c0 != null ? requireDim(name, "c0", c0, 2).unsqueeze(1) : c0;
        int steps = x.size(0);
        int[] batchSizes = new int[steps];
        Arrays.fill(batchSizes, x.size(1));
        Recurred r = recur(x, batchSizes, h, c);
        Tensor out = r.output();
        Tensor hN = r.h();
        Tensor cN = r.c() == null ? null : r.c().get();
        if (unbatched) {
            out = out.squeeze(1);
            hN = hN.squeeze(1);
            cN = cN == null ? null : cN.squeeze(1);
        } else if (batchFirst) {
            out = out.transpose(0, 1);
        }
        return new RNNResult(out, hN, cN);
    }

    /** Runs the recurrence on a packed batch; states are in the batch's original order. */
    protected PackedRNNResult run(PackedSequence input, Tensor h0, Tensor c0) {
        Tensor x = input.paddedTimeMajor(0);
        int[] batchSizes = input.batchSizes();
        Tensor h = input.sortStates(h0);
        Tensor c = input.sortStates(c0);
        Recurred r = recur(x, batchSizes, h, c);
        PackedSequence out = PackedSequence.fromPaddedTimeMajor(r.output(), input);
        Supplier<Tensor> cN = r.c() == null ? null : () -> input.unsortStates(r.c().get());
        return new PackedRNNResult(out, input.unsortStates(r.h()), cN);
    }

    private static Tensor requireDim(String name, String what, Tensor t, int dim) {
        if (t.dim() != dim) {
            throw new IllegalArgumentException(name + ": for unbatched input " + what + " must be " + dim + "-D, got shape "
                    + Arrays.toString(t.shape()));
        }
        return t;
    }

    /**
     * The layers over a time-major input {@code x [T, N, in]} whose rows are sorted by decreasing
     * length, with {@code batchSizes[t]} rows active at step t. Returns {output [T, N, D*out] (zero
     * where inactive), h [layers*D, N, out], c or null}.
     */
    /** What the layers give: the output, the final h, and the final c (LSTM) when asked for. */
    private record Recurred(Tensor output, Tensor h, Supplier<Tensor> c) {
    }

    private Recurred recur(Tensor x, int[] batchSizes, Tensor h0, Tensor c0) {
        String name = getClass().getSimpleName();
        int n = x.size(1);
        if (x.size(2) != inputSize) {
            throw new IllegalArgumentException(name + ": input has " + x.size(2) + " features, expected inputSize "
                    + inputSize + " (input shape " + Arrays.toString(x.shape()) + ")");
        }
        int states = numLayers * directions();
        checkState(name, "h0", h0, states, n, outSize(), x.dtype());
        if (mode == RnnMode.LSTM) {
            checkState(name, "c0", c0, states, n, hiddenSize, x.dtype());
        } else if (c0 != null) {
            throw new IllegalArgumentException(name + ": only an LSTM takes a cell state c0");
        }
        Tensor layerIn = x;
        List<Tensor> hs = new ArrayList<>();
        List<Supplier<Tensor>> cs = new ArrayList<>();
        boolean useKernel = fusedKernel(x);
        boolean padded = Arrays.stream(batchSizes).allMatch(b -> b == n);
        int[] lengths = padded ? null : lengths(batchSizes, n);
        for (int layer = 0; layer < numLayers; layer++) {
            if (useKernel) {
                if (padded) {
                    Tensor[] r = fusedLayer(layerIn, layer, h0, c0);
                    layerIn = r[0];
                    hs.addAll(r[1].unbind(0));
                    if (r[2] != null) {
                        for (Tensor ci : r[2].unbind(0)) {
                            cs.add(() -> ci);
                        }
                    }
                } else {
                    Recurred r = fusedPackedLayer(layerIn, lengths, layer, h0, c0);
                    layerIn = r.output();
                    hs.add(r.h());
                    if (r.c() != null) {
                        cs.add(r.c());
                    }
                }
                if (dropout > 0 && isTraining() && layer < numLayers - 1) {
                    layerIn = layerIn.dropout(dropout, true);
                }
                continue;
            }
            Tensor[] outs = new Tensor[directions()];
            for (int dir = 0; dir < directions(); dir++) {
                int s = layer * directions() + dir;
                Tensor hInit = h0 == null ? Tensor.zeros(x.dtype(), x.device(), n, outSize()) : h0.select(0, s);
                Tensor cInit = mode != RnnMode.LSTM ? null : c0 == null ? Tensor.zeros(x.dtype(), x.device(), n, hiddenSize) : c0.select(0, s);
                Tensor[] r = direction(layerIn, batchSizes, layer, dir, hInit, cInit);
                outs[dir] = r[0];
                hs.add(r[1]);
                if (r[2] != null) {
                    Tensor ci = r[2];
                    cs.add(() -> ci);
                }
            }
            layerIn = outs.length == 1 ? outs[0] : Tensor.cat(2, outs);
            if (dropout > 0 && isTraining() && layer < numLayers - 1) {
                layerIn = layerIn.dropout(dropout, true);
            }
        }
        // a packed layer's h is [D, N, H] per layer, a padded or composed one's [N, H] per direction
        Tensor h = hs.get(0).dim() == 3 ? Tensor.cat(0, hs.toArray(new Tensor[0])) : Tensor.stack(hs, 0);
        Supplier<Tensor> c = cs.isEmpty() ? null : memoized(() -> {
            List<Tensor> parts = new ArrayList<>();
            for (Supplier<Tensor> p : cs) {
                parts.add(p.get());
            }
            return parts.get(0).dim() == 3 ? Tensor.cat(0, parts.toArray(new Tensor[0])) : Tensor.stack(parts, 0);
        });
        return new Recurred(layerIn, h, c);
    }

    private static Supplier<Tensor> memoized(Supplier<Tensor> s) {
        Tensor[] once = new Tensor[1];
        return () -> {
            if (once[0] == null) {
                once[0] = s.get();
            }
            return once[0];
        };
    }

    /** Whether this call can run on the backend's fused kernel: float32 (on the CPU), no projection. */
    private boolean fusedKernel(Tensor x) {
        return fused && projSize == 0 && x.backend().supportsRnn(mode, x.dtype());
    }

    /** Each sorted row's length from the batch sizes per step. */
    private static int[] lengths(int[] batchSizes, int n) {
        int[] len = new int[n];
        for (int b : batchSizes) {
            for (int i = 0; i < b; i++) {
                len[i]++;
            }
        }
        return len;
    }

    /** One layer, both directions, on the backend's kernel. */
    private Tensor[] fusedLayer(Tensor x, int layer, Tensor h0, Tensor c0) {
        int d = directions();
        int n = x.size(1);
        Tensor hx = h0 == null ? Tensor.zeros(x.dtype(), x.device(), d, n, hiddenSize) : h0.narrow(0, layer * d, d);
        Tensor cx = mode != RnnMode.LSTM ? null
                : c0 == null ? Tensor.zeros(x.dtype(), x.device(), d, n, hiddenSize) : c0.narrow(0, layer * d, d);
        return Tensor.rnnLayer(x, hx, cx, kernelWeights(layer, 0, d));
    }

    /**
     * The parameters of {@code count} directions from {@code firstDir} of one layer as the kernel takes
     * them, kept from call to call so the backend reorders them once per update; made again when a
     * parameter was replaced (a dtype or device change).
     */
    private synchronized RnnWeights kernelWeights(int layer, int firstDir, int count) {
        Tensor[] wIh = new Tensor[count];
        Tensor[] wHh = new Tensor[count];
        Tensor[] bIh = bias ? new Tensor[count] : null;
        Tensor[] bHh = bias ? new Tensor[count] : null;
        for (int k = 0; k < count; k++) {
            String sfx = suffix(layer, firstDir + k);
            wIh[k] = getParameter("weight_ih" + sfx);
            wHh[k] = getParameter("weight_hh" + sfx);
            if (bias) {
                bIh[k] = getParameter("bias_ih" + sfx);
                bHh[k] = getParameter("bias_hh" + sfx);
            }
        }
        String key = layer + "/" + firstDir + "/" + count;
        RnnWeights w = kernelWeights.get(key);
        if (w == null || !w.holds(concat(wIh, wHh, bIh, bHh))) {
            if (w != null) {
                w.close();
            }
            w = new RnnWeights(mode, wIh, wHh, bIh, bHh);
            kernelWeights.put(key, w);
        }
        return w;
    }

    private static Tensor[] concat(Tensor[]... parts) {
        List<Tensor> all = new ArrayList<>();
        for (Tensor[] p : parts) {
            if (p != null) {
                all.addAll(Arrays.asList(p));
            }
        }
        return all.toArray(new Tensor[0]);
    }

    /**
     * One layer over rows of different lengths (sorted, longest first) on the fused kernel. The kernel
     * runs every row for all T steps; a row's steps past its end come after its real ones, so they
     * never reach its valid outputs, and its final h is read from its output at its last step. The
     * reverse direction runs forward over each row reversed within its length. The kernel does not
     * give the LSTM cell state at a row's end, so that is recomputed from the kernel's outputs: the
     * gates of every step are one matmul of the input and the previous output, and c follows from
     * them by the elementwise recurrence, frozen past the row's end (differentiable through both).
     */
    private Recurred fusedPackedLayer(Tensor x, int[] lengths, int layer, Tensor h0, Tensor c0) {
        int d = directions();
        int steps = x.size(0);
        int n = x.size(1);
        // steps past every row's end are never read, so the kernel may run a few more: rounding T up to a
        // multiple of 32 lets batches of nearby lengths share one cached primitive
        int kernelSteps = (steps + 31) / 32 * 32;
        Tensor flip = d == 2 ? reversedWithin(lengths, steps) : null;
        long[] last = new long[n];
        for (int i = 0; i < n; i++) {
            last[i] = (long) (lengths[i] - 1) * n + i;
        }
        Tensor lastIndex = Tensor.of(last, n);
        Tensor[] outs = new Tensor[d];
        Tensor[] hs = new Tensor[d];
        List<Supplier<Tensor>> cs = new ArrayList<>();
        for (int dir = 0; dir < d; dir++) {
            String sfx = suffix(layer, dir);
            Tensor wIh = getParameter("weight_ih" + sfx);
            Tensor wHh = getParameter("weight_hh" + sfx);
            Tensor bIh = bias ? getParameter("bias_ih" + sfx) : null;
            Tensor bHh = bias ? getParameter("bias_hh" + sfx) : null;
            int s = layer * d + dir;
            Tensor hx = h0 == null ? Tensor.zeros(x.dtype(), x.device(), n, hiddenSize) : h0.select(0, s);
            Tensor cx = mode != RnnMode.LSTM ? null
                    : c0 == null ? Tensor.zeros(x.dtype(), x.device(), n, hiddenSize) : c0.select(0, s);
            Tensor xin = dir == 0 ? x : timeGather(x, flip);
            Tensor xk = kernelSteps == steps ? xin
                    : Tensor.cat(0, xin, Tensor.zeros(x.dtype(), x.device(), kernelSteps - steps, n, x.size(2)));
            Tensor[] r = Tensor.rnnLayer(xk, hx.unsqueeze(0), cx == null ? null : cx.unsqueeze(0),
                    kernelWeights(layer, dir, 1));
            Tensor y = kernelSteps == steps ? r[0] : r[0].narrow(0, 0, steps);
            hs[dir] = y.reshape(steps * n, hiddenSize).indexSelect(0, lastIndex);
            if (mode == RnnMode.LSTM) {
                // the kernel's final c is past the padding; recomputed only if the caller asks for it
                cs.add(memoized(() -> cellAtEnd(xin, y, hx, cx, lengths, wIh, wHh, bIh, bHh)));
            }
            outs[dir] = dir == 0 ? y : timeGather(y, flip);
        }
        Tensor out = d == 1 ? outs[0] : Tensor.cat(2, outs);
        Supplier<Tensor> c = cs.isEmpty() ? null : () -> {
            Tensor[] parts = new Tensor[cs.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = cs.get(i).get();
            }
            return Tensor.stack(0, parts);
        };
        return new Recurred(out, Tensor.stack(0, hs), c);
    }

    /** For {@code [T, N]} positions: row n's first {@code len} steps reversed, the rest in place (linear indices). */
    private static Tensor reversedWithin(int[] lengths, int steps) {
        int n = lengths.length;
        long[] idx = new long[steps * n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                int from = t < lengths[i] ? lengths[i] - 1 - t : t;
                idx[t * n + i] = (long) from * n + i;
            }
        }
        return Tensor.of(idx, steps * n);
    }

    /** {@code [T, N, F]} rearranged along time per row by linear indices from {@link #reversedWithin}. */
    private static Tensor timeGather(Tensor x, Tensor linear) {
        int steps = x.size(0);
        int n = x.size(1);
        int f = x.size(2);
        return x.reshape(steps * n, f).indexSelect(0, linear).reshape(steps, n, f);
    }

    /** The LSTM cell state at each row's last step, from the kernel's outputs (see {@link #fusedPackedLayer}). */
    private static Tensor cellAtEnd(Tensor x, Tensor y, Tensor hx, Tensor cx, int[] lengths, Tensor wIh, Tensor wHh,
                                    Tensor bIh, Tensor bHh) {
        int steps = x.size(0);
        int h = hx.size(1);
        Tensor hPrev = steps == 1 ? hx.unsqueeze(0) : Tensor.cat(0, hx.unsqueeze(0), y.narrow(0, 0, steps - 1));
        // gates i, f, g only (o does not enter c)
        Tensor gates = Tensor.linear(x, wIh.narrow(0, 0, 3 * h), bIh == null ? null : bIh.narrow(0, 0, 3 * h))
                .add(Tensor.linear(hPrev, wHh.narrow(0, 0, 3 * h), bHh == null ? null : bHh.narrow(0, 0, 3 * h)));
        return LstmCellState.atEnd(gates, cx, lengths);
    }

    private static void checkState(String name, String what, Tensor s, int states, int n, int size, DType dtype) {
        if (s == null) {
            return;
        }
        int[] want = {states, n, size};
        if (!Arrays.equals(s.shape(), want)) {
            throw new IllegalArgumentException(name + ": " + what + " must have shape " + Arrays.toString(want)
                    + " [numLayers * directions, batch, size], got " + Arrays.toString(s.shape()));
        }
        if (s.dtype() != dtype) {
            throw new IllegalArgumentException(name + ": " + what + " is " + s.dtype() + " but the input is " + dtype);
        }
    }

    /**
     * One layer in one direction. The input's gate pre-activations are one matmul for all steps; the
     * loop then carries only the active rows: forward, rows that ended keep their last state; reverse,
     * a row joins at its own last step from its initial state.
     */
    private Tensor[] direction(Tensor x, int[] batchSizes, int layer, int dir, Tensor h0, Tensor c0) {
        String sfx = suffix(layer, dir);
        Tensor gx = Tensor.linear(x, getParameter("weight_ih" + sfx), bias ? getParameter("bias_ih" + sfx) : null);
        Tensor wHh = getParameter("weight_hh" + sfx);
        Tensor bHh = bias ? getParameter("bias_hh" + sfx) : null;
        Tensor wHr = projSize > 0 ? getParameter("weight_hr" + sfx) : null;
        int steps = batchSizes.length;
        int n = x.size(1);
        Tensor[] outs = new Tensor[steps];
        Tensor h = h0;
        Tensor c = c0;
        boolean reverse = dir == 1;
        int active = reverse ? 0 : n;
        for (int k = 0; k < steps; k++) {
            int t = reverse ? steps - 1 - k : k;
            int b = batchSizes[t];
            Tensor hIn;
            Tensor cIn;
            if (reverse) {
                // rows active + ... + b start here from their initial state
                hIn = b == active ? h : active == 0 ? h0.narrow(0, 0, b) : Tensor.cat(0, h, h0.narrow(0, active, b - active));
                cIn = c0 == null ? null : b == active ? c
                        : active == 0 ? c0.narrow(0, 0, b) : Tensor.cat(0, c, c0.narrow(0, active, b - active));
                active = b;
            } else {
                hIn = b == n ? h : h.narrow(0, 0, b);
                cIn = c == null ? null : b == n ? c : c.narrow(0, 0, b);
            }
            Tensor g = b == n ? gx.select(0, t) : gx.select(0, t).narrow(0, 0, b);
            Tensor hOut;
            Tensor cOut = null;
            switch (mode) {
                case LSTM: {
                    Tensor[] hc = Cells.lstm(g, hIn, cIn, wHh, bHh, wHr);
                    hOut = hc[0];
                    cOut = hc[1];
                    break;
                }
                case GRU:
                    hOut = Cells.gru(g, hIn, wHh, bHh);
                    break;
                default:
                    hOut = Cells.rnn(g, hIn, wHh, bHh, mode == RnnMode.RNN_RELU);
            }
            outs[t] = b == n ? hOut : Tensor.cat(0, hOut, Tensor.zeros(hOut.dtype(), hOut.device(), n - b, hOut.size(1)));
            if (reverse || b == n) {
                h = hOut;
                c = cOut;
            } else {
                // forward: rows b.. ended before this step and keep their final state
                h = Tensor.cat(0, hOut, h.narrow(0, b, n - b));
                c = cOut == null ? null : Tensor.cat(0, cOut, c.narrow(0, b, n - b));
            }
        }
        return new Tensor[] {Tensor.stack(0, outs), h, c};
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (numLayers != 1 ? ", numLayers=" + numLayers : "")
                + (!bias ? ", bias=false" : "") + (batchFirst ? ", batchFirst=true" : "")
                + (dropout != 0 ? ", dropout=" + dropout : "") + (bidirectional ? ", bidirectional=true" : "")
                + (projSize != 0 ? ", projSize=" + projSize : "");
    }
}
