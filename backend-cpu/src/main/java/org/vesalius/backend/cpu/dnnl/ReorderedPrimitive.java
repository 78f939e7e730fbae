package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_exec_arg_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primitive plus the reorders between the callers' layouts and the layouts it chose: inputs whose
 * layout differs are reordered into per-thread buffers before it runs, outputs are computed into such
 * a buffer and reordered back. Where the layouts already agree, the caller's memory is used directly.
 * All of it is built once and cached as one unit.
 */
public final class ReorderedPrimitive implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReorderedPrimitive.class);
    private final DnnlPrimitive main;
    private final int[] kinds;
    private final boolean[] outputs;
    private final dnnl_memory_desc[] userMds;
    private final dnnl_memory_desc[] primitiveMds;
    private final DnnlPrimitive[] reorders;
    private final long[] bufferBytes;

    private ReorderedPrimitive(DnnlPrimitive main, List<Arg> args) {
        int n = args.size();
        this.main = main;
        kinds = new int[n];
        outputs = new boolean[n];
        userMds = new dnnl_memory_desc[n];
        primitiveMds = new dnnl_memory_desc[n];
        reorders = new DnnlPrimitive[n];
        bufferBytes = new long[n];
        for (int i = 0; i < n; i++) {
            Arg a = args.get(i);
            kinds[i] = a.kind;
            outputs[i] = a.output;
            userMds[i] = a.user;
            primitiveMds[i] = main.md(a.query, a.index);
        }
        try {
            for (int i = 0; i < n; i++) {
                if (!MemoryDescs.equal(userMds[i], primitiveMds[i])) {
                    reorders[i] = outputs[i] ? reorder(primitiveMds[i], userMds[i]) : reorder(userMds[i], primitiveMds[i]);
                    bufferBytes[i] = MemoryDescs.bytes(primitiveMds[i]);
                }
            }
            if (LOG.isDebugEnabled()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ", ").append(DnnlPrimitive.argName(kinds[i]))
                            .append(reorders[i] == null ? " direct" : " reordered (" + bufferBytes[i] + " bytes)");
                }
                LOG.debug("{}: {}", main.implementation(), sb);
            }
        } catch (RuntimeException e) {
            // The builder frees the descriptors and main; only the reorders made so far are ours.
            for (DnnlPrimitive r : reorders) {
                if (r != null) {
                    r.close();
                }
            }
            throw e;
        }
    }

    /** A reorder primitive between two layouts on the CPU engine (whatever implementation oneDNN has). */
    static DnnlPrimitive reorder(dnnl_memory_desc from, dnnl_memory_desc to) {
        dnnl_primitive_attr attr = DnnlPrimitive.newAttr();
        try {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_reorder_primitive_desc_create(pd, from, Dnnl.engine(), to, Dnnl.engine(), attr),
                    "dnnl_reorder_primitive_desc_create");
            return DnnlPrimitive.create(pd, "reorder");
        } finally {
            DnnlPrimitive.destroyAttr(attr);
        }
    }

    /** Starts describing the arguments of {@code main}, which the result will own. */
    public static Builder builder(DnnlPrimitive main) {
        return new Builder(main);
    }

    /** The wrapped primitive. */
    public DnnlPrimitive primitive() {
        return main;
    }

    /** Number of arguments that need a reorder (0 when the primitive works on the callers' layouts). */
    public int reorderCount() {
        int r = 0;
        for (DnnlPrimitive p : reorders) {
            if (p != null) {
                r++;
            }
        }
        return r;
    }

    /** Runs on the calling thread; {@code addresses} follow the order in which the arguments were declared. */
    public void execute(long... addresses) {
        int n = kinds.length;
        if (addresses.length != n) {
            throw new IllegalArgumentException("ReorderedPrimitive: " + n + " arguments declared, " + addresses.length + " given");
        }
        long[] effective = addresses.clone();
        for (int i = 0; i < n; i++) {
            if (reorders[i] != null) {
                effective[i] = ThreadBuffers.get(1 + i, bufferBytes[i]);
                if (!outputs[i]) {
                    Execution.of(reorders[i]).arg(DNNL_ARG_FROM, userMds[i], addresses[i])
                            .arg(DNNL_ARG_TO, primitiveMds[i], effective[i]).run();
                }
            }
        }
        Execution e = Execution.of(main);
        for (int i = 0; i < n; i++) {
            e.arg(kinds[i], primitiveMds[i], effective[i]);
        }
        e.run();
        for (int i = 0; i < n; i++) {
            if (reorders[i] != null && outputs[i]) {
                Execution.of(reorders[i]).arg(DNNL_ARG_FROM, primitiveMds[i], effective[i])
                        .arg(DNNL_ARG_TO, userMds[i], addresses[i]).run();
            }
        }
        ThreadBuffers.trim();
    }

    @Override
    public void close() {
        for (int i = 0; i < reorders.length; i++) {
            if (reorders[i] != null) {
                reorders[i].close();
                reorders[i] = null;
            }
        }
        MemoryDescs.destroy(userMds);
        java.util.Arrays.fill(userMds, null);
        main.close();
    }

    private static final class Arg {
        final int kind;
        final int query;
        final int index;
        final dnnl_memory_desc user;
        final boolean output;

        Arg(int kind, int query, int index, dnnl_memory_desc user, boolean output) {
            this.kind = kind;
            this.query = query;
            this.index = index;
            this.user = user;
            this.output = output;
        }
    }

    /** Declares arguments in the order {@link #execute} will receive their addresses. */
    public static final class Builder {
        private final DnnlPrimitive main;
        private final List<Arg> args = new ArrayList<>();

        private Builder(DnnlPrimitive main) {
            this.main = main;
        }

        /**
         * An argument the primitive reads: {@code kind} is its {@code DNNL_ARG_*}, {@code query} the
         * {@code dnnl_query_*_md} that gives the primitive's layout, {@code user} the caller's layout
         * (owned by the result from now on).
         */
        public Builder input(int kind, int query, dnnl_memory_desc user) {
            return inputAt(kind, query, 0, user);
        }

        /** An input whose layout is the {@code index}-th answer to {@code query} (a bias is weights #1). */
        public Builder inputAt(int kind, int query, int index, dnnl_memory_desc user) {
            args.add(new Arg(kind, query, index, user, false));
            return this;
        }

        /** An argument the primitive writes completely. */
        public Builder output(int kind, int query, dnnl_memory_desc user) {
            return outputAt(kind, query, 0, user);
        }

        /** An output whose layout is the {@code index}-th answer to {@code query}. */
        public Builder outputAt(int kind, int query, int index, dnnl_memory_desc user) {
            args.add(new Arg(kind, query, index, user, true));
            return this;
        }

        /**
         * An input identified by its execution argument alone: the primitive's layout for it is the
         * answer to {@code dnnl_query_exec_arg_md} (works for every argument, post-op operands included).
         */
        public Builder input(int kind, dnnl_memory_desc user) {
            return inputAt(kind, dnnl_query_exec_arg_md, kind, user);
        }

        /** An output identified by its execution argument alone (see {@link #input(int, dnnl_memory_desc)}). */
        public Builder output(int kind, dnnl_memory_desc user) {
            return outputAt(kind, dnnl_query_exec_arg_md, kind, user);
        }

        /** Builds the reorders; on failure everything, including {@code main}, is destroyed. */
        public ReorderedPrimitive build() {
            try {
                return new ReorderedPrimitive(main, args);
            } catch (RuntimeException e) {
                for (Arg a : args) {
                    MemoryDescs.destroy(a.user);
                }
                main.close();
                throw e;
            }
        }
    }
}
