package org.vesalius.backend.cpu.dnnl;

import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread count of the OpenMP runtime (GNU libgomp, shipped in the dnnl preset) that runs oneDNN's
 * primitives.
 *
 * <p>oneDNN (OpenMP build) parallelises each primitive over {@code omp_get_max_threads()} of the
 * calling thread. libgomp reads {@code OMP_NUM_THREADS} once, when it is loaded, and otherwise uses
 * every CPU in the process's affinity mask. The preset maps no {@code omp_*} function, and
 * {@code omp_set_num_threads} changes only the calling thread's setting, so a later change has to be
 * applied on each Java thread that runs primitives: {@link #applyToCurrentThread()} does that lazily
 * before every execution. Calling libgomp needs the foreign function API (final in Java 22); on
 * older JVMs {@link #setThreads} logs a warning and only {@code OMP_NUM_THREADS} applies.
 */
public final class OpenMp {
    private static final Logger LOG = LoggerFactory.getLogger(OpenMp.class);

    /** Requested count, or 0 for libgomp's own default. Bumped generation tells threads to re-apply. */
    private static volatile int requested;
    private static volatile int generation;
    private static final ThreadLocal<int[]> APPLIED = ThreadLocal.withInitial(() -> new int[] {0});
    private static final int DEFAULT_THREADS = defaultThreads();
    private static boolean warned;

    private OpenMp() {
    }

    /**
     * Threads a primitive started on this thread uses: the value set with {@link #setThreads}, else
     * {@code OMP_NUM_THREADS}, else the number of available processors.
     */
    public static int maxThreads() {
        int r = requested;
        return r > 0 ? r : DEFAULT_THREADS;
    }

    /** libgomp's own default is the CPUs in the affinity mask; availableProcessors is the closest Java sees. */
    private static int defaultThreads() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                // OMP_NUM_THREADS may be a list for nested levels; the first entry is the outer level.
                int n = Integer.parseInt(env.split(",")[0].trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // libgomp ignores a malformed value too
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Sets the OpenMP thread count for primitives started after this call, on every thread. Returns
     * whether it takes effect (false on a JVM without the foreign function API, where only the first
     * such call logs a warning). Asking for the current count does nothing, and loads nothing.
     */
    public static synchronized boolean setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("setThreads: thread count must be >= 1, got " + threads);
        }
        if (threads == maxThreads()) {
            return true;
        }
        if (Native.SET == null) {
            if (warned) {
                return false;
            }
            warned = true;
            LOG.warn("Cannot change oneDNN's OpenMP thread count to {} on Java {}: needs Java 22+ ({}); "
                    + "set OMP_NUM_THREADS before starting the JVM instead", threads, Runtime.version().feature(),
                    Native.FAILURE);
            return false;
        }
        requested = threads;
        generation++;
        return true;
    }

    /**
     * Called once, just before the dnnl preset loads libgomp, which reads its settings from the
     * environment only then. Unless the user chose otherwise, asks for {@code OMP_WAIT_POLICY=PASSIVE}:
     * with libgomp's default its idle workers spin for a while after every oneDNN call, on the very
     * cores the Java kernels that follow need (the MNIST example ran 7x slower on 2 cores). Setting the
     * variable takes the foreign function API (Java 22+); on older JVMs this logs how to set it.
     */
    static void beforeLoad() {
        String policy = waitPolicyToSet(System.getenv("OMP_WAIT_POLICY"), System.getProperty("vesalius.omp.waitPolicy"));
        if (policy == null) {
            return;
        }
        String failure = Env.set("OMP_WAIT_POLICY", policy);
        if (failure == null) {
            LOG.debug("OMP_WAIT_POLICY={} set for libgomp", policy);
        } else {
            LOG.warn("OMP_WAIT_POLICY is not set, so oneDNN's OpenMP threads spin on the cores the Java kernels need "
                    + "(training can run several times slower). Start the JVM with OMP_WAIT_POLICY=PASSIVE in its "
                    + "environment, or run on Java 22+, where Vesalius sets it ({})", failure);
        }
    }

    /**
     * The wait policy to put in the environment: none when the user set {@code OMP_WAIT_POLICY}
     * ({@code env}) or asked to keep libgomp's default with {@code -Dvesalius.omp.waitPolicy=} (empty);
     * the property's value when given; else PASSIVE.
     */
    static String waitPolicyToSet(String env, String property) {
        if (env != null) {
            return null;
        }
        if (property == null) {
            return "PASSIVE";
        }
        return property.isBlank() ? null : property.trim();
    }

    /** Applies a pending {@link #setThreads} to the calling thread; cheap when nothing changed. */
    public static void applyToCurrentThread() {
        int g = generation;
        if (g == 0) {
            return;
        }
        int[] applied = APPLIED.get();
        if (applied[0] != g) {
            try {
                Native.SET.invoke(requested);
            } catch (Throwable t) {
                throw new IllegalStateException("omp_set_num_threads failed", t);
            }
            applied[0] = g;
        }
    }

    /**
     * What libgomp itself reports ({@code omp_get_max_threads()}) on the calling thread, after applying
     * a pending {@link #setThreads}; -1 on a JVM that cannot call it (before Java 22).
     */
    public static int queryCurrentThread() {
        if (Native.GET == null) {
            return -1;
        }
        applyToCurrentThread();
        try {
            return (int) Native.GET.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("omp_get_max_threads failed", t);
        }
    }

    /** setenv(3) through java.lang.foreign. */
    private static final class Env {
        /** Sets the variable in the process environment; returns null, or why it could not. */
        static String set(String name, String value) {
            try {
                MethodHandle setenv = Foreign.downcall(null, "setenv", "JAVA_INT", "ADDRESS", "ADDRESS", "JAVA_INT");
                // overwrite = 0: a value that appeared since the JVM started wins
                int rc = (int) setenv.invoke(Foreign.cString(name), Foreign.cString(value), 0);
                return rc == 0 ? null : "setenv returned " + rc;
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                return "java.lang.foreign is not available on Java " + Runtime.version().feature();
            } catch (Throwable t) {
                return t.toString();
            }
        }
    }

    /** omp_set/get_num_threads through java.lang.foreign. */
    private static final class Native {
        static final MethodHandle SET;
        static final MethodHandle GET;
        static final String FAILURE;

        static {
            MethodHandle set = null;
            MethodHandle get = null;
            String failure = null;
            try {
                Dnnl.engine(); // loads libdnnl and with it the preset's libgomp
                // by soname: dlopen returns the libgomp already loaded for libdnnl rather than a second copy
                set = Foreign.downcall("libgomp.so.1", "omp_set_num_threads", null, "JAVA_INT");
                get = Foreign.downcall("libgomp.so.1", "omp_get_max_threads", "JAVA_INT");
            } catch (ClassNotFoundException e) {
                failure = "java.lang.foreign is not available";
            } catch (Throwable t) {
                failure = t.toString();
            }
            SET = set;
            GET = get;
            FAILURE = failure;
        }
    }
}
