package org.vesalius.backend.cpu.dnnl;

import java.util.function.Supplier;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs cached primitives directly on the callers' plain (strided) tensors, and remembers which
 * configurations oneDNN has no fast kernel for.
 *
 * <p>The elementwise, reduction, softmax and reorder kernels built on this are an alternative to a
 * Java kernel that always works, so a configuration is only worth running here when oneDNN has a
 * JIT kernel for it on the callers' layouts. When it would pick a reference kernel ({@code ref:any},
 * 10-100x slower than the Java loop), insert a reorder, or has no implementation at all,
 * {@link #run} returns false and the caller computes in Java. That answer is cached under the key
 * like a primitive, so the check costs one lookup per call, not one primitive creation.
 */
public final class PlainPrimitives {
    private static final Logger LOG = LoggerFactory.getLogger(PlainPrimitives.class);

    /** The cached answer "no fast kernel for this key"; closing it frees nothing. */
    private static final AutoCloseable NO_FAST_KERNEL = () -> { };

    private PlainPrimitives() {
    }

    /**
     * Executes the primitive cached under {@code key} (built by {@code build} on the first call) on
     * {@code addresses}, given in the order its arguments were declared. Returns false, without
     * touching memory, when oneDNN has no JIT kernel for this configuration.
     */
    public static boolean run(PrimitiveKey key, Supplier<ReorderedPrimitive> build, long... addresses) {
        if (!Dnnl.isAvailable()) {
            return false;
        }
        try (PrimitiveCache.Lease<AutoCloseable> lease = PrimitiveCache.shared().acquire(key, k -> buildOrRefuse(k, build))) {
            AutoCloseable value = lease.get();
            if (value == NO_FAST_KERNEL) {
                return false;
            }
            ((ReorderedPrimitive) value).execute(addresses);
            return true;
        }
    }

    /**
     * The arguments of a primitive in the order {@link #run} gets their addresses: each with its
     * {@code DNNL_ARG_*} and a plain descriptor of the caller's tensor, which the result owns.
     */
    public static final class Args {
        private final java.util.List<Integer> kinds = new java.util.ArrayList<>();
        private final java.util.List<dnnl_memory_desc> descs = new java.util.ArrayList<>();
        private final java.util.List<Boolean> outputs = new java.util.ArrayList<>();

        /** An argument the primitive reads. */
        public Args in(int kind, dnnl_memory_desc desc) {
            kinds.add(kind);
            descs.add(desc);
            outputs.add(false);
            return this;
        }

        /** An argument the primitive writes. */
        public Args out(int kind, dnnl_memory_desc desc) {
            kinds.add(kind);
            descs.add(desc);
            outputs.add(true);
            return this;
        }

        void destroy() {
            MemoryDescs.destroy(descs.toArray(new dnnl_memory_desc[0]));
        }
    }

    /**
     * Turns the result of a {@code dnnl_*_primitive_desc_create} call into a primitive over
     * {@code args}. Owns {@code pd} and the descriptors in {@code args} from here on, and frees them
     * when anything fails (a non-success {@code status} becomes a {@link DnnlException}).
     */
    public static ReorderedPrimitive wrap(int status, dnnl_primitive_desc pd, String what, Args args) {
        DnnlPrimitive p;
        try {
            Dnnl.check(status, what);
            p = DnnlPrimitive.create(pd, what);
        } catch (RuntimeException e) {
            args.destroy();
            throw e;
        }
        ReorderedPrimitive.Builder b = ReorderedPrimitive.builder(p);
        for (int i = 0; i < args.kinds.size(); i++) {
            if (args.outputs.get(i)) {
                b.output(args.kinds.get(i), args.descs.get(i));
            } else {
                b.input(args.kinds.get(i), args.descs.get(i));
            }
        }
        return b.build();
    }

    private static AutoCloseable buildOrRefuse(PrimitiveKey key, Supplier<ReorderedPrimitive> build) {
        ReorderedPrimitive p;
        try {
            p = build.get();
        } catch (DnnlException e) {
            if (!e.isUnimplemented()) {
                throw e;
            }
            LOG.debug("oneDNN has no kernel for {}: computing in Java", key);
            return NO_FAST_KERNEL;
        }
        String impl = p.primitive().implementation();
        if (p.reorderCount() > 0 || impl.startsWith("ref")) {
            LOG.debug("oneDNN offers only {} ({} reorders) for {}: computing in Java", impl, p.reorderCount(), key);
            p.close();
            return NO_FAST_KERNEL;
        }
        LOG.debug("{}: {}", key, impl);
        return p;
    }
}
