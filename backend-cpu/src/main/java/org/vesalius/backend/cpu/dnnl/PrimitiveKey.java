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

    /** Starts a key for {@code op}. */
    public static Builder builder(String op) {
        return new Builder(op);
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

        public Builder add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
            return this;
        }

        public Builder add(boolean v) {
            return add(v ? 1 : 0);
        }

        public Builder add(long[] vs) {
            add(vs.length);
            for (long v : vs) {
                add(v);
            }
            return this;
        }

        public Builder add(int[] vs) {
            add(vs.length);
            for (int v : vs) {
                add(v);
            }
            return this;
        }

        public PrimitiveKey build() {
            return new PrimitiveKey(op, Arrays.copyOf(values, size));
        }
    }
}
