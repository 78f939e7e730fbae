package org.vesalius.autograd;

import org.vesalius.tensor.Tensor;

/**
 * One recorded op in the autograd graph: the op's name, its inputs and how to turn the gradient of
 * its output into gradients of its inputs. Backward functions are written with tensor ops, so with
 * {@code createGraph} they record a graph of their own and can be differentiated again.
 */
public final class Node {
    /** Maps the gradient of the output to one gradient per input ({@code null} where not needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private Tensor[] inputs;
    private Backward backward;

    Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** The op's name, e.g. {@code "matmul"}. */
    public String name() {
        return name;
    }

    /** The op's inputs, or {@code null} once the graph was freed by a backward pass. */
    public Tensor[] inputs() {
        return inputs;
    }

    Backward backward() {
        return backward;
    }

    boolean isReleased() {
        return backward == null;
    }

    /** Drops the saved inputs and closure after a backward pass without {@code retainGraph}. */
    void release() {
        inputs = null;
        backward = null;
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
