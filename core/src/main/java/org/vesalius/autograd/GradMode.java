package org.vesalius.autograd;

/**
 * Whether ops record the autograd graph on this thread (on by default). {@link NoGrad} is the usual
 * way to turn it off for a block; backward with {@code createGraph} turns it on while gradients are
 * computed, so the gradients themselves can be differentiated.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** Whether new ops record a graph on this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Sets the mode and returns the previous one, so callers can restore it in a finally block. */
    public static boolean set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        cell[0] = enabled;
        return previous;
    }
}
