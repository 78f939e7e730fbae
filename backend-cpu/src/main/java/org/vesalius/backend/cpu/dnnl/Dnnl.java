package org.vesalius.backend.cpu.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_OMP;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_SEQ;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_TBB;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_THREADPOOL;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_version;

import java.lang.ref.Cleaner;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide oneDNN CPU engine and one stream per calling thread.
 *
 * <p>oneDNN streams are not thread-safe, while primitives are (given separate scratchpads), so each
 * Java thread that runs a primitive gets its own stream, created on first use and destroyed when
 * the thread is gone. Everything here loads lazily: a JVM that never convolves never loads oneDNN.
 */
public final class Dnnl {
    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
    static final Cleaner CLEANER = Cleaner.create();

    private Dnnl() {
    }

    /** Holder idiom: the engine is created on first use, once, and lives as long as the process. */
    private static final class Engine {
        static final dnnl_engine ENGINE;
        static final Throwable FAILURE;

        static {
            dnnl_engine e = null;
            Throwable failure = null;
            try {
                OpenMp.beforeLoad();
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                e = new dnnl_engine();
                check(dnnl_engine_create(e, dnnl_cpu, 0), "dnnl_engine_create(cpu)");
                dnnl_version_t v = dnnl_version();
                LOG.debug("oneDNN {}.{}.{} ({}), CPU runtime {}, ISA {}, {} OpenMP threads", v.major(), v.minor(),
                        v.patch(), v.hash().getString(), runtimeName(v.cpu_runtime()), dnnl_get_effective_cpu_isa(),
                        OpenMp.maxThreads());
            } catch (Throwable t) {
                failure = t;
                e = null;
                LOG.warn("oneDNN is not available, convolution falls back to plain Java: {}", t.toString());
            }
            ENGINE = e;
            FAILURE = failure;
        }
    }

    /** A thread's stream, destroyed by the cleaner once the thread (and so its ThreadLocal) is gone. */
    private static final class StreamHolder {
        final dnnl_stream stream;

        StreamHolder() {
            dnnl_stream s = new dnnl_stream();
            check(dnnl_stream_create(s, engine(), dnnl_stream_default_flags), "dnnl_stream_create");
            stream = s;
            dnnl_stream raw = s;
            CLEANER.register(this, () -> dnnl_stream_destroy(raw));
        }
    }

    private static final ThreadLocal<StreamHolder> STREAM = ThreadLocal.withInitial(StreamHolder::new);

    /** Whether the oneDNN natives load and a CPU engine can be created on this machine. */
    public static boolean isAvailable() {
        return Engine.ENGINE != null;
    }

    /** The CPU engine; throws {@link IllegalStateException} when oneDNN cannot be loaded here. */
    public static dnnl_engine engine() {
        dnnl_engine e = Engine.ENGINE;
        if (e == null) {
            throw new IllegalStateException("oneDNN is not available on this platform ("
                    + Loader.getPlatform() + "): " + Engine.FAILURE, Engine.FAILURE);
        }
        return e;
    }

    /** This thread's stream on the CPU engine. */
    public static dnnl_stream stream() {
        return STREAM.get().stream;
    }

    /** {@code "3.11.0"}. */
    public static String version() {
        engine();
        dnnl_version_t v = dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /** The threading runtime oneDNN was built with: {@code "OpenMP"} for the JavaCPP preset. */
    public static String cpuRuntime() {
        engine();
        return runtimeName(dnnl_version().cpu_runtime());
    }

    private static String runtimeName(int runtime) {
        if (runtime == DNNL_RUNTIME_OMP) {
            return "OpenMP";
        } else if (runtime == DNNL_RUNTIME_TBB) {
            return "TBB";
        } else if (runtime == DNNL_RUNTIME_THREADPOOL) {
            return "threadpool";
        } else if (runtime == DNNL_RUNTIME_SEQ) {
            return "sequential";
        }
        return "runtime " + runtime;
    }

    /** Throws a {@link DnnlException} naming {@code what} unless {@code status} is success. */
    public static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new DnnlException(status, what);
        }
    }
}
