package org.vesalius.backend.cpu.dnnl;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * Downcall handles to C functions through java.lang.foreign (final in Java 22), looked up reflectively
 * so the module keeps Java 17 bytecode: on an older JVM every method throws
 * {@link ClassNotFoundException}, which callers turn into "not available".
 */
final class Foreign {
    private Foreign() {
    }

    /**
     * A handle to {@code symbol}, from {@code library} (a soname, found by dlopen: an already loaded copy
     * is reused) or, when null, from the C library.
     *
     * @param returns the return layout's name in {@code ValueLayout} ({@code "JAVA_INT"}), or null for void
     * @param args    the argument layouts' names ({@code "ADDRESS"}, {@code "JAVA_INT"}, ...)
     */
    static MethodHandle downcall(String library, String symbol, String returns, String... args) throws Exception {
        Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
        Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> valueLayoutC = Class.forName("java.lang.foreign.ValueLayout");
        Object linker = linkerC.getMethod("nativeLinker").invoke(null);
        Object lookup = library == null
                ? linkerC.getMethod("defaultLookup").invoke(linker)
                : lookupC.getMethod("libraryLookup", String.class, arenaC)
                        .invoke(null, library, arenaC.getMethod("global").invoke(null));
        Object found = ((Optional<?>) lookupC.getMethod("find", String.class).invoke(lookup, symbol))
                .orElseThrow(() -> new IllegalStateException(symbol + " not found in " + (library == null ? "libc" : library)));
        Object layouts = Array.newInstance(layoutC, args.length);
        for (int i = 0; i < args.length; i++) {
            Array.set(layouts, i, valueLayoutC.getField(args[i]).get(null));
        }
        Object desc = returns == null
                ? descC.getMethod("ofVoid", layouts.getClass()).invoke(null, layouts)
                : descC.getMethod("of", layoutC, layouts.getClass()).invoke(null, valueLayoutC.getField(returns).get(null), layouts);
        Object options = Array.newInstance(optionC, 0);
        return (MethodHandle) linkerC.getMethod("downcallHandle", segmentC, descC, options.getClass())
                .invoke(linker, found, desc, options);
    }

    /** A NUL-terminated UTF-8 copy of {@code s} in memory that lives as long as the process. */
    static Object cString(String s) throws Exception {
        Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
        Object arena = arenaC.getMethod("global").invoke(null);
        return arenaC.getMethod("allocateFrom", String.class).invoke(arena, s);
    }
}
