package org.vesalius.autograd;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * One recorded op in the autograd graph: the op's name, its inputs and how to turn the gradient of
 * its output into gradients of its inputs. Backward functions are written with tensor ops, so with
 * {@code createGraph} they record a graph of their own and can be differentiated again.
 *
 * <p>A node also remembers the tensors its backward reads (its saved tensors) together with the
 * version of their storage at the time. An in-place write to one of them afterwards would make the
 * gradient silently wrong, so backward refuses to run the node instead ({@link #checkSaved()}).
 */
public final class Node {
    /** Maps the gradient of the output to one gradient per input ({@code null} where not needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private static final Tensor[] NONE = new Tensor[0];
    private static final long[] NO_VERSIONS = new long[0];

    private final String name;
    private Tensor[] inputs;
    private Backward backward;
    private Tensor[] saved = NONE;
    private long[] savedVersions = NO_VERSIONS;

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

    /**
     * Declares the tensors the backward function reads (inputs, the output, masks or indices it kept)
     * and records their storages' versions now. Null entries are skipped.
     */
    public void save(Tensor... tensors) {
        int n = 0;
        for (Tensor t : tensors) {
            n += t == null ? 0 : 1;
        }
        saved = new Tensor[n];
        savedVersions = new long[n];
        int k = 0;
        for (Tensor t : tensors) {
            if (t != null) {
                saved[k] = t;
                savedVersions[k++] = t.storage().version();
            }
        }
    }

    /**
     * Throws when a saved tensor was written in place since this node recorded it, naming the op,
     * the tensor and both versions (PyTorch's "modified by an inplace operation" error).
     */
    void checkSaved() {
        for (int i = 0; i < saved.length; i++) {
            long now = saved[i].storage().version();
            if (now != savedVersions[i]) {
                Tensor t = saved[i];
                throw new IllegalStateException("backward: a tensor that " + this + " needs (" + t.dtype() + " of shape "
                        + Arrays.toString(t.shape()) + ") was modified by an in-place operation: its storage is at "
                        + "version " + now + ", it was at version " + savedVersions[i] + " when the op saved it. "
                        + "Find the in-place write between the forward pass and this backward (an op ending in _, "
                        + "copy_, an optimizer step, loadStateDict, a write through a view or detach()) and make it "
                        + "out of place, or clone() the tensor before writing to it.");
            }
        }
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
        saved = NONE;
        savedVersions = NO_VERSIONS;
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
