package org.vesalius.transformer;

import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The keys and values a {@link TransformerDecoder} has computed so far, for decoding one step (or a
 * few positions) at a time: per layer the self-attention's projected keys and values of every target
 * position seen, which grow by the new positions at each step, and the cross-attention's keys and
 * values of the memory, computed at the first step and reused. A step then costs attention over the
 * cached positions instead of recomputing the whole prefix.
 *
 * <p>The tensors are {@code [N, heads, positions, headDim]}; the cache owns them (no {@link Scope}
 * closes them, so a step may run in its own scope) and {@link #close()} frees them. One cache serves
 * one decoder and one batch of sequences; it is meant for inference, under {@code NoGrad}.
 */
public final class KVCache implements AutoCloseable {
    /** One attention's cached keys and values. */
    public static final class Slot {
        private Tensor keys;
        private Tensor values;

        /** The cached keys {@code [N, heads, S, headDim]}, or null before the first step. */
        public Tensor keys() {
            return keys;
        }

        /** The cached values {@code [N, heads, S, headDim]}, or null before the first step. */
        public Tensor values() {
            return values;
        }

        boolean isEmpty() {
            return keys == null;
        }

        /** Sets the keys and values (copies owned by the cache). */
        void set(Tensor k, Tensor v) {
            replace(k.clone(), v.clone());
        }

        /** Appends positions along dim 2. */
        void append(Tensor k, Tensor v) {
            if (keys == null) {
                set(k, v);
            } else {
                replace(Tensor.cat(2, keys, k), Tensor.cat(2, values, v));
            }
        }

        private void replace(Tensor k, Tensor v) {
            close();
            keys = Scope.untrack(k);
            values = Scope.untrack(v);
        }

        void close() {
            if (keys != null) {
                keys.close();
                values.close();
                keys = null;
                values = null;
            }
        }
    }

    private final Slot[] self;
    private final Slot[] cross;
    private int length;

    /** An empty cache for a decoder of {@code numLayers} layers. */
    public KVCache(int numLayers) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("KVCache: numLayers must be >= 1, got " + numLayers);
        }
        self = new Slot[numLayers];
        cross = new Slot[numLayers];
        for (int i = 0; i < numLayers; i++) {
            self[i] = new Slot();
            cross[i] = new Slot();
        }
    }

    /** Target positions cached so far: the position of the next input. */
    public int length() {
        return length;
    }

    public int numLayers() {
        return self.length;
    }

    /** Layer {@code layer}'s self-attention slot. */
    public Slot self(int layer) {
        return self[layer];
    }

    /** Layer {@code layer}'s cross-attention slot. */
    public Slot cross(int layer) {
        return cross[layer];
    }

    /** Records that {@code positions} more target positions are cached (after every layer took them). */
    void advance(int positions) {
        length += positions;
    }

    /** Frees every cached tensor; the cache is empty afterwards. */
    @Override
    public void close() {
        for (int i = 0; i < self.length; i++) {
            self[i].close();
            cross[i].close();
        }
        length = 0;
    }
}
