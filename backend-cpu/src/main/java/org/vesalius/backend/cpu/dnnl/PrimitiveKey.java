package org.vesalius.backend.cpu.dnnl;

import java.util.Arrays;

/**
 * Identifies a cached primitive: the op and every number that shaped it (data type, dims, strides,
 * op parameters). Two calls that would build the same primitive must produce equal keys.
 */
public final class PrimitiveKey {
    private final String op;
    private final long[] values;
    private final int hash;

    private PrimitiveKey(String op, long[] values) {
        this.op = op;
        this.values = values;
        this.hash = 31 * op.hashCode() + Arrays.hashCode(values);
    }

    /**
     * Starts a key for {@code op}. The key includes the OpenMP thread count, as oneDNN's own cache key
     * does: implementations size their work split when they are created, so a primitive built for
     * two threads is not the one to run on one. A pending {@link OpenMp#setThreads} is applied to the
     * calling thread first, so a primitive built after this call sees the setting its key names.
     */
    public static Builder builder(String op) {
        OpenMp.applyToCurrentThread();
        return new Builder(op).add(OpenMp.maxThreads());
    }

    /** The op name the key was built for. */
    public String op() {
        return op;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PrimitiveKey)) {
            return false;
        }
        PrimitiveKey k = (PrimitiveKey) o;
        return hash == k.hash && op.equals(k.op) && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return op + Arrays.toString(values);
    }

    /** Accumulates the numbers of a key; arrays are prefixed with their length so keys stay unambiguous. */
    public static final class Builder {
        private final String op;
        private long[] values = new long[32];
        private int size;

        private Builder(String op) {
            this.op = op;
        }

        /** Appends one number. */
        public Builder add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
            return this;
        }

        /** Appends a flag as 0 or 1. */
        public Builder add(boolean v) {
            return add(v ? 1 : 0);
        }

        /** Appends an array, length first. */
        public Builder add(long[] vs) {
            add(vs.length);
            for (long v : vs) {
                add(v);
            }
            return this;
        }

        /** Appends an array, length first. */
        public Builder add(int[] vs) {
            add(vs.length);
            for (int v : vs) {
                add(v);
            }
            return this;
        }

        /** Appends a view's dims and strides (not its address: one primitive serves every buffer). */
        public Builder add(StridedView v) {
            return add(v.dims()).add(v.strides());
        }

        /** Appends a float parameter by its bits, so that -0.0 and 0.0 (or two NaNs) stay apart. */
        public Builder add(float v) {
            return add(Float.floatToRawIntBits(v));
        }

        /** The finished key. */
        public PrimitiveKey build() {
            return new PrimitiveKey(op, Arrays.copyOf(values, size));
        }
    }
}
