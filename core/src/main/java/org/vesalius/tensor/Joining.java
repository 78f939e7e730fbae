package org.vesalius.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Joining and rearranging: cat, stack, split, chunk, unbind, pad, flip, roll, repeat, tile.
 *
 * <p>No op here has a kernel of its own. Copies go through the backend's strided copy into
 * narrowed views of a fresh output; reordering goes through {@code indexSelect}, whose adjoint
 * ({@code indexAdd}) accumulates repeated reads, which is exactly what reflect and replicate
 * padding need. Gradients are therefore written with recorded ops and can be differentiated again.
 */
final class Joining {
    private Joining() {
    }

    // ------------------------------------------------------------------ cat, stack

    static Tensor cat(List<Tensor> ts, int dim) {
        if (ts == null || ts.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        Tensor[] in = ts.toArray(new Tensor[0]);
        Tensor ref = null;
        int refIndex = -1;
        DType dt = null;
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            if (t == null) {
                throw new IllegalArgumentException("cat: tensor " + i + " in the list is null");
            }
            t.checkOpen("cat");
            if (t.dim() == 0) {
                throw new IllegalArgumentException("cat: zero-dimensional tensor (at position " + i
                        + ") cannot be concatenated; use stack, or unsqueeze(0) it first");
            }
            dt = dt == null ? t.dtype : DType.promote(dt, t.dtype);
            if (ref == null && !isLegacyEmpty(t)) {
                ref = t;
                refIndex = i;
            }
            if (i > 0) {
                Elementwise.checkSameDevice("cat", in[0], t);
            }
        }
        if (ref == null) {
            // every input is a 1-D empty tensor: the result is one too
            return Creation.empty(dt, in[0].device(), 0);
        }
        int rank = ref.dim();
        int d = Shapes.dim("cat", dim, rank);
        int[] shape = ref.shape.clone();
        int total = 0;
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            if (isLegacyEmpty(t) && t.dim() != rank) {
                continue;
            }
            if (t.dim() != rank) {
                throw new IllegalArgumentException("cat: tensors must have the same number of dimensions: got "
                        + rank + " (tensor " + refIndex + ", shape " + Shapes.str(ref.shape) + ") and " + t.dim()
                        + " (tensor " + i + ", shape " + Shapes.str(t.shape) + ")");
            }
            for (int a = 0; a < rank; a++) {
                if (a != d && t.shape[a] != ref.shape[a]) {
                    throw new IllegalArgumentException("cat: sizes of tensors must match except in dimension " + d
                            + ": expected size " + ref.shape[a] + " but got size " + t.shape[a] + " in dimension " + a
                            + " for tensor " + i + " (shapes " + Shapes.str(ref.shape) + " and " + Shapes.str(t.shape) + ")");
                }
            }
            total += t.shape[d];
        }
        shape[d] = total;
        Tensor out = Creation.empty(dt, ref.device(), shape);
        int[] starts = new int[in.length];
        int offset = 0;
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            starts[i] = offset;
            if (isLegacyEmpty(t) && t.dim() != rank) {
                continue;
            }
            int n = t.shape[d];
            if (n > 0 && t.numel() > 0) {
                int start = offset;
                copyInto(t, out, z -> z.narrow(d, start, n));
            }
            offset += n;
        }
        if (!dt.isFloatingPoint()) {
            return out;
        }
        return out.record("cat", Saved.NONE, g -> {
            Tensor[] grads = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                Tensor t = in[i];
                if (!t.requiresGrad()) {
                    continue;
                }
                if (isLegacyEmpty(t) && t.dim() != rank) {
                    grads[i] = Creation.empty(t.dtype, t.device(), 0);
                } else {
                    grads[i] = g.narrow(d, starts[i], t.shape[d]).to(t.dtype);
                }
            }
            return grads;
        }, in);
    }

    /** PyTorch still lets 1-D tensors of size 0 join a cat of any shape, and skips them. */
    private static boolean isLegacyEmpty(Tensor t) {
        return t.dim() == 1 && t.shape[0] == 0;
    }

    static Tensor stack(List<Tensor> ts, int dim) {
        if (ts == null || ts.isEmpty()) {
            throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        }
        Tensor first = ts.get(0);
        if (first == null) {
            throw new IllegalArgumentException("stack: tensor 0 in the list is null");
        }
        int d = Shapes.dim("stack", dim, first.dim() + 1);
        List<Tensor> parts = new ArrayList<>(ts.size());
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            if (t == null) {
                throw new IllegalArgumentException("stack: tensor " + i + " in the list is null");
            }
            t.checkOpen("stack");
            if (!Arrays.equals(t.shape, first.shape)) {
                throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got "
                        + Shapes.str(first.shape) + " at entry 0 and " + Shapes.str(t.shape) + " at entry " + i);
            }
            parts.add(t.unsqueeze(d));
        }
        return cat(parts, d);
    }

    // ------------------------------------------------------------------ split, chunk, unbind

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        x.checkOpen("split");
        requireDims("split", x);
        int d = Shapes.dim("split", dim, x.dim());
        int n = x.shape[d];
        if (splitSize < 0 || (splitSize == 0 && n != 0)) {
            throw new IllegalArgumentException("split: splitSize must be positive (0 only for a dimension of size 0), got "
                    + splitSize + " for dimension " + d + " of size " + n + " (shape " + Shapes.str(x.shape) + ")");
        }
        if (n == 0) {
            return Collections.singletonList(x.narrow(d, 0, 0));
        }
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < n; s += splitSize) {
            out.add(x.narrow(d, s, Math.min(splitSize, n - s)));
        }
        return Collections.unmodifiableList(out);
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        x.checkOpen("split");
        requireDims("split", x);
        int d = Shapes.dim("split", dim, x.dim());
        int n = x.shape[d];
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != n) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " must sum exactly to " + n
                    + " (the size of dimension " + d + " of shape " + Shapes.str(x.shape) + "), but sum to " + sum);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(x.narrow(d, start, s));
            start += s;
        }
        return Collections.unmodifiableList(out);
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        x.checkOpen("chunk");
        requireDims("chunk", x);
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        }
        int d = Shapes.dim("chunk", dim, x.dim());
        int n = x.shape[d];
        if (n == 0) {
            // PyTorch hands back `chunks` empty pieces here rather than one
            List<Tensor> out = new ArrayList<>(chunks);
            for (int i = 0; i < chunks; i++) {
                out.add(x.narrow(d, 0, 0));
            }
            return Collections.unmodifiableList(out);
        }
        return split(x, (n + chunks - 1) / chunks, d);
    }

    static List<Tensor> unbind(Tensor x, int dim) {
        x.checkOpen("unbind");
        requireDims("unbind", x);
        int d = Shapes.dim("unbind", dim, x.dim());
        List<Tensor> out = new ArrayList<>(x.shape[d]);
        for (int i = 0; i < x.shape[d]; i++) {
            out.add(x.select(d, i));
        }
        return Collections.unmodifiableList(out);
    }

    private static void requireDims(String op, Tensor x) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + ": expects a tensor with at least one dimension, got a 0-dim tensor");
        }
    }

    // ------------------------------------------------------------------ pad

    static Tensor pad(Tensor x, int[] pad, String mode, double value) {
        x.checkOpen("pad");
        String m = mode == null ? "constant" : mode.toLowerCase(Locale.ROOT);
        if (!m.equals("constant") && !m.equals("reflect") && !m.equals("replicate") && !m.equals("circular")) {
            throw new IllegalArgumentException("pad: mode must be \"constant\", \"reflect\", \"replicate\" or \"circular\", got \""
                    + mode + "\"");
        }
        if (!m.equals("constant") && value != 0) {
            throw new IllegalArgumentException("pad: mode \"" + m + "\" does not take a fill value (got " + value
                    + "); the value is only used by \"constant\"");
        }
        int rank = x.dim();
        if (pad.length % 2 != 0) {
            throw new IllegalArgumentException("pad: padding length must be even (pairs of before/after sizes, last dim first), got "
                    + Arrays.toString(pad));
        }
        if (pad.length / 2 > rank) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(pad) + " covers " + pad.length / 2
                    + " dimensions but the input of shape " + Shapes.str(x.shape) + " has only " + rank);
        }
        // F.pad lists (before, after) pairs starting from the last dimension
        int[] before = new int[rank];
        int[] after = new int[rank];
        int[] outShape = x.shape.clone();
        for (int k = 0; k < pad.length / 2; k++) {
            int d = rank - 1 - k;
            before[d] = pad[2 * k];
            after[d] = pad[2 * k + 1];
            int n = x.shape[d];
            int size = n + before[d] + after[d];
            if (-before[d] > n || -after[d] > n || size < 0) {
                throw new IllegalArgumentException("pad: padding (" + before[d] + ", " + after[d] + ") crops more than the size "
                        + n + " of dimension " + d + " (input shape " + Shapes.str(x.shape) + ", padding "
                        + Arrays.toString(pad) + ")");
            }
            outShape[d] = size;
        }
        if (m.equals("constant")) {
            return padConstant(x, before, after, outShape, value);
        }
        Tensor out = x;
        for (int d = rank - 1; d >= rank - pad.length / 2; d--) {
            if (before[d] == 0 && after[d] == 0) {
                continue;
            }
            out = out.indexSelect(d, padIndex(m, x, d, before[d], after[d], pad));
        }
        return out == x ? x.clone() : out;
    }

    private static Tensor padConstant(Tensor x, int[] before, int[] after, int[] outShape, double value) {
        int rank = x.dim();
        int[] srcStart = new int[rank];
        int[] dstStart = new int[rank];
        int[] len = new int[rank];
        boolean empty = false;
        for (int d = 0; d < rank; d++) {
            srcStart[d] = Math.max(-before[d], 0);
            dstStart[d] = Math.max(before[d], 0);
            len[d] = x.shape[d] - srcStart[d] - Math.max(-after[d], 0);
            if (len[d] <= 0) {
                empty = true;
            }
        }
        UnaryOperator<Tensor> srcRegion = region(srcStart, len);
        UnaryOperator<Tensor> dstRegion = region(dstStart, len);
        if (empty) {
            // the cropping leaves nothing of the input: the output is all fill, and no gradient reaches x
            Tensor out = Creation.full(x.dtype, x.device(), value, outShape);
            if (!x.dtype.isFloatingPoint()) {
                return out;
            }
            int[] inShape = x.shape;
            return out.record("pad", Saved.NONE, g -> new Tensor[] {Creation.full(g.dtype, g.device(), 0, inShape)}, x);
        }
        return transfer(x, outShape, srcRegion, dstRegion, value, "pad");
    }

    /** The box starting at {@code start} with sizes {@code len}, as a chain of narrow views. */
    private static UnaryOperator<Tensor> region(int[] start, int[] len) {
        return t -> {
            Tensor r = t;
            for (int d = 0; d < start.length; d++) {
                if (start[d] != 0 || len[d] != r.shape[d]) {
                    r = r.narrow(d, start[d], len[d]);
                }
            }
            return r;
        };
    }

    /**
     * A tensor of {@code shape} filled with {@code fill}, with {@code srcRegion(src)} copied into
     * {@code dstRegion(out)}. Its gradient is the same move the other way round, which is how
     * constant padding and cropping become each other's adjoints to any order.
     */
    private static Tensor transfer(Tensor src, int[] shape, UnaryOperator<Tensor> srcRegion,
                                   UnaryOperator<Tensor> dstRegion, double fill, String op) {
        Tensor out = Creation.full(src.dtype, src.device(), fill, shape);
        Tensor from = srcRegion.apply(src.detach());
        copyInto(from, out, dstRegion);
        if (!src.dtype.isFloatingPoint()) {
            return out;
        }
        int[] srcShape = src.shape;
        return out.record(op, Saved.NONE, g -> new Tensor[] {transfer(g, srcShape, dstRegion, srcRegion, 0, op + "Backward")}, src);
    }

    /** Writes {@code src} into {@code region(dst)} with the backend's strided copy (no recording). */
    private static void copyInto(Tensor src, Tensor dst, UnaryOperator<Tensor> region) {
        Tensor view = region.apply(dst);
        dst.backend().copy(src, view);
        if (view != dst) {
            view.close();
        }
    }

    /** For each output position along {@code d}, the input position reflect/replicate/circular reads. */
    private static Tensor padIndex(String mode, Tensor x, int d, int before, int after, int[] pad) {
        int n = x.shape[d];
        String where = "dimension " + d + " of input shape " + Shapes.str(x.shape) + ", padding " + Arrays.toString(pad);
        int size = n + before + after;
        switch (mode) {
            case "reflect":
                if (before >= n || after >= n) {
                    throw new IllegalArgumentException("pad: reflect padding (" + before + ", " + after
                            + ") must be less than the size " + n + " of " + where);
                }
                break;
            case "replicate":
                if (n == 0 && size > 0) {
                    throw new IllegalArgumentException("pad: replicate padding needs a non-empty " + where);
                }
                break;
            default:
                if (before > n || after > n) {
                    throw new IllegalArgumentException("pad: circular padding (" + before + ", " + after
                            + ") must not exceed the size " + n + " of " + where + " (it would wrap around more than once)");
                }
                break;
        }
        long[] idx = new long[size];
        for (int o = 0; o < size; o++) {
            int i = o - before;
            switch (mode) {
                case "reflect":
                    i = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
                    break;
                case "replicate":
                    i = Math.max(0, Math.min(i, n - 1));
                    break;
                default:
                    i = Math.floorMod(i, n);
                    break;
            }
            idx[o] = i;
        }
        return Tensor.of(idx).to(x.device());
    }

    // ------------------------------------------------------------------ flip, roll, repeat, tile

    static Tensor flip(Tensor x, int[] dimsIn) {
        x.checkOpen("flip");
        int rank = x.dim();
        boolean[] seen = new boolean[Math.max(rank, 1)];
        Tensor out = x;
        for (int dim : dimsIn) {
            int d = Shapes.dim("flip", dim, rank);
            if (seen[d]) {
                throw new IllegalArgumentException("flip: dim " + dim + " appears multiple times in the list of dims "
                        + Arrays.toString(dimsIn));
            }
            seen[d] = true;
            if (rank == 0) {
                continue;
            }
            int n = x.shape[d];
            if (n <= 1) {
                continue;
            }
            long[] idx = new long[n];
            for (int i = 0; i < n; i++) {
                idx[i] = n - 1 - i;
            }
            out = out.indexSelect(d, Tensor.of(idx).to(x.device()));
        }
        return out == x ? x.clone() : out;
    }

    static Tensor roll(Tensor x, int[] shifts, int[] dims) {
        x.checkOpen("roll");
        if (dims.length == 0) {
            if (shifts.length != 1) {
                throw new IllegalArgumentException("roll: without dims, shifts must hold one value (the tensor is flattened), got "
                        + Arrays.toString(shifts));
            }
            int[] shape = x.shape;
            Tensor flat = x.reshape(-1);
            Tensor rolled = rollDim(flat, shifts[0], 0);
            return (rolled == flat ? flat.clone() : rolled).view(shape);
        }
        if (shifts.length != dims.length) {
            throw new IllegalArgumentException("roll: shifts " + Arrays.toString(shifts) + " and dims " + Arrays.toString(dims)
                    + " must have the same length");
        }
        int rank = x.dim();
        Tensor out = x;
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.dim("roll", dims[i], rank);
            out = rollDim(out, shifts[i], d);
        }
        return out == x ? x.clone() : out;
    }

    private static Tensor rollDim(Tensor x, int shift, int d) {
        if (x.dim() == 0) {
            return x;
        }
        int n = x.shape[d];
        int s = n == 0 ? 0 : Math.floorMod(shift, n);
        if (s == 0) {
            return x;
        }
        // element i moves to (i + s) mod n: the last s elements come first
        return cat(List.of(x.narrow(d, n - s, s), x.narrow(d, 0, n - s)), d);
    }

    static Tensor repeat(Tensor x, int[] repeats) {
        x.checkOpen("repeat");
        int rank = x.dim();
        int r = repeats.length;
        if (r < rank) {
            throw new IllegalArgumentException("repeat: number of repeats " + Arrays.toString(repeats)
                    + " can not be smaller than the number of dimensions of the tensor (shape " + Shapes.str(x.shape) + ")");
        }
        for (int v : repeats) {
            if (v < 0) {
                throw new IllegalArgumentException("repeat: repeats must be non-negative, got " + Arrays.toString(repeats));
            }
        }
        // [s0, s1] -> [1, s0, 1, s1] -> expand [r0, s0, r1, s1] -> [r0*s0, r1*s1]: each copy is a leading block
        int[] interleaved = new int[2 * r];
        int[] expanded = new int[2 * r];
        int[] outShape = new int[r];
        boolean identity = true;
        for (int i = 0; i < r; i++) {
            int s = i < r - rank ? 1 : x.shape[i - (r - rank)];
            interleaved[2 * i] = 1;
            interleaved[2 * i + 1] = s;
            expanded[2 * i] = repeats[i];
            expanded[2 * i + 1] = s;
            outShape[i] = repeats[i] * s;
            identity &= repeats[i] == 1;
        }
        Shapes.checkedElements("repeat", outShape);
        if (identity) {
            return x.reshape(outShape).clone();
        }
        return x.reshape(interleaved).expand(expanded).reshape(outShape);
    }

    static Tensor tile(Tensor x, int[] reps) {
        x.checkOpen("tile");
        if (reps.length >= x.dim()) {
            return repeat(x, reps);
        }
        int[] full = new int[x.dim()];
        Arrays.fill(full, 1);
        System.arraycopy(reps, 0, full, x.dim() - reps.length, reps.length);
        return repeat(x, full);
    }
}
