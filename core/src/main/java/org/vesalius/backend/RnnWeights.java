package org.vesalius.backend;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.vesalius.tensor.Tensor;

/**
 * One recurrent layer's parameters as a backend's fused kernel ({@link Backend#rnnForward}) takes
 * them: PyTorch's tensors, one set per direction, plus the backend's own copy of them in its kernel's
 * layout (oneDNN's gate order, blocked or packed weights, combined biases). That copy is made when a
 * call first needs it and reused by every later call, forward and backward, until one of the
 * parameters is written (its storage's version moves on, as an optimizer step or {@code copy_} does),
 * so a training step reorders each weight once, however many times the layer runs in it.
 *
 * <p>Shapes per direction: {@code wIh [G*H, I]}, {@code wHh [G*H, H]}, {@code bIh}, {@code bHh
 * [G*H]} (both absent for a layer without bias), G the mode's gate count, in PyTorch's gate order.
 * The tensors are used as they are, not copied: they are the layer's parameters.
 *
 * <p>Closing frees the backend's copy; the object stays usable and prepares a new copy when used
 * again. Safe to use from several threads: a copy replaced while another thread's kernel reads it is
 * freed when that kernel is done.
 */
public final class RnnWeights implements AutoCloseable {
    private final RnnMode mode;
    private final int hiddenSize;
    private final int inputSize;
    private final Tensor[] wIh;
    private final Tensor[] wHh;
    private final Tensor[] bIh;
    private final Tensor[] bHh;
    private Prepared prepared;
    private long[] preparedVersions;
    private long preparations;

    /**
     * @param wIh one {@code [G*H, I]} tensor per direction (1 or 2, forward first)
     * @param wHh one {@code [G*H, H]} tensor per direction
     * @param bIh one {@code [G*H]} tensor per direction, or null for a layer without bias (then {@code bHh} too)
     * @throws IllegalArgumentException when the counts, shapes, dtypes or devices do not fit together
     */
    public RnnWeights(RnnMode mode, Tensor[] wIh, Tensor[] wHh, Tensor[] bIh, Tensor[] bHh) {
        String op = "RnnWeights";
        if (mode == null || wIh == null || wHh == null) {
            throw new IllegalArgumentException(op + ": mode, wIh and wHh are required");
        }
        int d = wIh.length;
        if (d != 1 && d != 2) {
            throw new IllegalArgumentException(op + ": one or two directions, got " + d + " input weights");
        }
        if (wHh.length != d || (bIh == null) != (bHh == null) || (bIh != null && (bIh.length != d || bHh.length != d))) {
            throw new IllegalArgumentException(op + ": wIh, wHh and (both or neither) bIh, bHh need one tensor per direction, got "
                    + d + ", " + wHh.length + ", " + (bIh == null ? "none" : bIh.length) + ", "
                    + (bHh == null ? "none" : bHh.length));
        }
        if (wHh[0] == null || wHh[0].dim() != 2 || wHh[0].size(0) % mode.gates() != 0) {
            throw new IllegalArgumentException(op + ": wHh must be [" + mode.gates() + "*H, H], got "
                    + (wHh[0] == null ? "null" : Arrays.toString(wHh[0].shape())));
        }
        int h = wHh[0].size(0) / mode.gates();
        int g = mode.gates() * h;
        if (wIh[0] == null || wIh[0].dim() != 2) {
            throw new IllegalArgumentException(op + ": wIh must be [" + g + ", I], got "
                    + (wIh[0] == null ? "null" : Arrays.toString(wIh[0].shape())));
        }
        int in = wIh[0].size(1);
        for (int k = 0; k < d; k++) {
            expect(op, "wIh", k, wIh[k], wIh[0], g, in);
            expect(op, "wHh", k, wHh[k], wIh[0], g, h);
            if (bIh != null) {
                expect(op, "bIh", k, bIh[k], wIh[0], g);
                expect(op, "bHh", k, bHh[k], wIh[0], g);
            }
        }
        this.mode = mode;
        this.hiddenSize = h;
        this.inputSize = in;
        this.wIh = wIh.clone();
        this.wHh = wHh.clone();
        this.bIh = bIh == null ? null : bIh.clone();
        this.bHh = bHh == null ? null : bHh.clone();
    }

    private static void expect(String op, String name, int dir, Tensor t, Tensor first, int... shape) {
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": " + name + " of direction " + dir + " must have shape "
                    + Arrays.toString(shape) + ", got " + (t == null ? "null" : Arrays.toString(t.shape())));
        }
        if (t.dtype() != first.dtype() || !t.device().equals(first.device())) {
            throw new IllegalArgumentException(op + ": " + name + " of direction " + dir + " is " + t.dtype() + " on "
                    + t.device() + ", but wIh is " + first.dtype() + " on " + first.device());
        }
    }

    public RnnMode mode() {
        return mode;
    }

    /** 1, or 2 when bidirectional. */
    public int directions() {
        return wIh.length;
    }

    /** H. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** I, the size of each input step. */
    public int inputSize() {
        return inputSize;
    }

    public boolean hasBias() {
        return bIh != null;
    }

    /** {@code [G*H, I]} of direction {@code dir}. */
    public Tensor wIh(int dir) {
        return wIh[dir];
    }

    /** {@code [G*H, H]} of direction {@code dir}. */
    public Tensor wHh(int dir) {
        return wHh[dir];
    }

    /** {@code [G*H]} of direction {@code dir}, null without bias. */
    public Tensor bIh(int dir) {
        return bIh == null ? null : bIh[dir];
    }

    /** {@code [G*H]} of direction {@code dir}, null without bias. */
    public Tensor bHh(int dir) {
        return bHh == null ? null : bHh[dir];
    }

    /** Every parameter: wIh per direction, then wHh, bIh and bHh (when present). */
    public Tensor[] tensors() {
        int d = directions();
        Tensor[] all = new Tensor[d * (hasBias() ? 4 : 2)];
        for (int k = 0; k < d; k++) {
            all[k] = wIh[k];
            all[d + k] = wHh[k];
            if (hasBias()) {
                all[2 * d + k] = bIh[k];
                all[3 * d + k] = bHh[k];
            }
        }
        return all;
    }

    /** Whether these are exactly {@code params} (the same tensor objects, in {@link #tensors()}' order). */
    public boolean holds(Tensor... params) {
        Tensor[] mine = tensors();
        if (params.length != mine.length) {
            return false;
        }
        for (int i = 0; i < mine.length; i++) {
            if (mine[i] != params[i]) {
                return false;
            }
        }
        return true;
    }

    /** How many times a backend has made its copy of these weights (a diagnostic: once per parameter update). */
    public synchronized long preparations() {
        return preparations;
    }

    private long[] versions() {
        Tensor[] all = tensors();
        long[] v = new long[all.length];
        for (int i = 0; i < all.length; i++) {
            v[i] = all[i].storage().version();
        }
        return v;
    }

    /**
     * For backends: the prepared form of the parameters' current values, as {@code type}: the one made
     * before when no parameter was written since and it is of this type, else the one {@code make}
     * returns. {@code make} gets the previous form when no kernel holds it, to refill in place (so a
     * training loop reuses its buffers from step to step instead of allocating new ones), else null.
     * Close the lease when the kernel is done with it.
     */
    public <P extends Prepared> Lease<P> acquire(Class<P> type, BiFunction<RnnWeights, P, P> make) {
        synchronized (this) {
            long[] now = versions();
            boolean mine = prepared != null && type.isInstance(prepared);
            if (mine && Arrays.equals(now, preparedVersions)) {
                prepared.retain();
                return new Lease<>(type.cast(prepared));
            }
            // under this lock no lease can be taken, so a count of 1 (ours) means no kernel reads it
            P recyclable = mine && prepared.refs.get() == 1 ? type.cast(prepared) : null;
            preparedVersions = null;
            P p = make.apply(this, recyclable);
            if (p != prepared) {
                if (prepared != null) {
                    prepared.release();
                }
                prepared = p;
            }
            preparedVersions = now;
            preparations++;
            p.retain();
            return new Lease<>(p);
        }
    }

    /** Frees the backend's copy (once no kernel holds it); the next call prepares a new one. */
    @Override
    public synchronized void close() {
        if (prepared != null) {
            prepared.release();
            prepared = null;
            preparedVersions = null;
        }
    }

    /** A backend's form of the weights, reference counted: freed when the last holder releases it. */
    public abstract static class Prepared {
        private final AtomicInteger refs = new AtomicInteger(1);

        /** Frees what this holds; called once, when the last reference goes. */
        protected abstract void free();

        final void retain() {
            refs.incrementAndGet();
        }

        final void release() {
            if (refs.decrementAndGet() == 0) {
                free();
            }
        }
    }

    /** A reference to a prepared form for the duration of one kernel. */
    public static final class Lease<P extends Prepared> implements AutoCloseable {
        private P value;

        private Lease(P value) {
            this.value = value;
        }

        public P get() {
            if (value == null) {
                throw new IllegalStateException("RnnWeights.Lease: used after close");
            }
            return value;
        }

        @Override
        public void close() {
            if (value != null) {
                value.release();
                value = null;
            }
        }
    }
}
