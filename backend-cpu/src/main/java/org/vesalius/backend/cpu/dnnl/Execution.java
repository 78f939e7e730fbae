package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.Pointer;

/**
 * Runs a primitive on this thread's stream with arguments given as (kind, descriptor, address).
 *
 * <p>Memory objects are wrappers over caller-owned buffers: they are created for the call and
 * destroyed after it, so a cached primitive never holds on to a tensor's memory. One instance per
 * thread is reused to keep the per-call garbage at zero.
 * <pre>{@code
 * Execution.of(conv).arg(DNNL_ARG_SRC, srcMd, x).arg(DNNL_ARG_WEIGHTS, wMd, w).arg(DNNL_ARG_DST, dstMd, y).run();
 * }</pre>
 */
public final class Execution {
    // an LSTM backward takes 22 arguments, plus the scratchpad
    private static final int MAX_ARGS = 32;
    private static final ThreadLocal<Execution> LOCAL = ThreadLocal.withInitial(Execution::new);

    private final dnnl_exec_arg_t args = new dnnl_exec_arg_t(MAX_ARGS);
    private final dnnl_memory[] memories = new dnnl_memory[MAX_ARGS];
    private final int[] kinds = new int[MAX_ARGS];
    private final dnnl_memory_desc[] descs = new dnnl_memory_desc[MAX_ARGS];
    private final long[] addresses = new long[MAX_ARGS];
    private final Address handle = new Address();
    private DnnlPrimitive primitive;
    private int count;

    private Execution() {
        for (int i = 0; i < MAX_ARGS; i++) {
            memories[i] = new dnnl_memory();
        }
    }

    /** A Pointer whose address we set: JavaCPP passes it to C as the buffer handle. */
    private static final class Address extends Pointer {
        Address set(long a) {
            address = a;
            return this;
        }
    }

    /** Starts an execution of {@code p} on the calling thread. */
    public static Execution of(DnnlPrimitive p) {
        Execution e = LOCAL.get();
        e.primitive = p;
        e.count = 0;
        return e;
    }

    /** Adds an argument: {@code DNNL_ARG_*}, its layout and the address of its first element. */
    public Execution arg(int kind, dnnl_memory_desc md, long address) {
        if (count == MAX_ARGS - 1) {
            throw new IllegalStateException("oneDNN execution: more than " + (MAX_ARGS - 1) + " arguments");
        }
        kinds[count] = kind;
        descs[count] = md;
        addresses[count] = address;
        count++;
        return this;
    }

    /** Executes and waits; the scratchpad comes from this thread's {@link ThreadBuffers}. */
    public void run() {
        DnnlPrimitive p = primitive;
        primitive = null;
        int n = count;
        if (p.scratchpadBytes() > 0) {
            kinds[n] = DNNL_ARG_SCRATCHPAD;
            descs[n] = p.md(dnnl_query_scratchpad_md, 0);
            addresses[n] = ThreadBuffers.get(ThreadBuffers.SCRATCHPAD, p.scratchpadBytes());
            n++;
        }
        OpenMp.applyToCurrentThread();
        int made = 0;
        try {
            for (int i = 0; i < n; i++) {
                Dnnl.check(dnnl_memory_create(memories[i], descs[i], Dnnl.engine(), handle.set(addresses[i])),
                        "dnnl_memory_create");
                made++;
                args.position(i).arg(kinds[i]).memory(memories[i]);
            }
            Dnnl.check(dnnl_primitive_execute(p.handle(), Dnnl.stream(), n, args.position(0)),
                    "dnnl_primitive_execute(" + p.implementation() + ")");
            Dnnl.check(dnnl_stream_wait(Dnnl.stream()), "dnnl_stream_wait");
        } finally {
            for (int i = 0; i < made; i++) {
                dnnl_memory_destroy(memories[i]);
            }
            for (int i = 0; i < n; i++) {
                descs[i] = null;
            }
        }
    }
}
