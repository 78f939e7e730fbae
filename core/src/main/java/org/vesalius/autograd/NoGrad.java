package org.vesalius.autograd;

/**
 * A block in which ops record no graph, like {@code torch.no_grad()}:
 * <pre>{@code
 * try (var ng = NoGrad.open()) {
 *     Tensor y = model.forward(x);   // no graph, no saved activations
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad() {
        previous = GradMode.set(false);
    }

    /** Turns recording off on this thread until {@link #close()}. */
    public static NoGrad open() {
        return new NoGrad();
    }

    @Override
    public void close() {
        GradMode.set(previous);
    }
}
