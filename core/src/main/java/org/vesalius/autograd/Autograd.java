package org.vesalius.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.vesalius.tensor.Tensor;

/**
 * The autograd engine: records nodes as ops run, and walks them in reverse topological order to
 * compute gradients ({@link Tensor#backward()} and {@link #grad}).
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * The node an op should attach to its output, or {@code null} when nothing needs recording (grad
     * mode off, or no input requires grad).
     */
    public static Node node(String name, Node.Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return null;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return new Node(name, inputs, backward);
            }
        }
        return null;
    }

    /**
     * Accumulates d(root)/d(leaf), scaled by {@code gradRoot}, into the {@code grad()} of every leaf
     * that requires grad (and of non-leaves that {@link Tensor#retainGrad()}).
     *
     * @param root        the tensor to differentiate
     * @param gradRoot    the gradient flowing into root, root's shape; for a scalar root, ones
     * @param retainGraph keep the graph so backward can run through it again
     * @param createGraph record the backward pass itself (for higher-order gradients)
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph, boolean createGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad and has no grad_fn "
                    + "(did an input call requiresGrad_(true), and is grad mode on?)");
        }
        run(new Tensor[] {root}, new Tensor[] {gradRoot}, retainGraph, createGraph, null);
    }

    /**
     * The gradients of {@code outputs} with respect to {@code inputs}, like {@code torch.autograd.grad}:
     * nothing is accumulated into {@code grad()}.
     *
     * @param gradOutputs one gradient per output (output's shape); {@code null} entries mean ones for a
     *                    scalar output
     * @param allowUnused return {@code null} for an input the outputs do not depend on, instead of
     *                    throwing
     * @return one gradient per input, in order
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs,
                                boolean retainGraph, boolean createGraph, boolean allowUnused) {
        Tensor[] seeds = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            Tensor g = gradOutputs == null ? null : gradOutputs[i];
            seeds[i] = g != null ? g : onesForScalar(outputs[i], "grad");
            if (!outputs[i].requiresGrad()) {
                throw new IllegalStateException("grad: output " + i + " does not require grad");
            }
        }
        IdentityHashMap<Tensor, Tensor> wanted = new IdentityHashMap<>();
        for (Tensor t : inputs) {
            if (!t.requiresGrad()) {
                throw new IllegalStateException("grad: input of shape " + Arrays.toString(t.shape())
                        + " does not require grad");
            }
            wanted.put(t, null);
        }
        run(outputs, seeds, retainGraph, createGraph, wanted);
        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            result[i] = wanted.get(inputs[i]);
            if (result[i] == null && !allowUnused) {
                throw new IllegalStateException("grad: input " + i + " was not used to compute the outputs "
                        + "(pass allowUnused=true to get null for it)");
            }
        }
        return result;
    }

    /** Ones of the root's shape, allowed only for a single-element root, as PyTorch requires. */
    public static Tensor onesForScalar(Tensor root, String op) {
        if (root.numel() != 1) {
            throw new IllegalArgumentException(op + ": grad can be implicitly created only for scalar outputs, got shape "
                    + Arrays.toString(root.shape()) + "; pass a gradient of that shape");
        }
        return Tensor.onesLike(root);
    }

    /** A gradient that is zero outside one region of its tensor: {@code part} in {@code region(zeros(shape))}. */
    private record Embedded(Tensor part, int[] shape, UnaryOperator<Tensor> region) {
    }

    /** The stand-ins {@link #deferredEmbed} handed out during the backward pass running on this thread. */
    private static final ThreadLocal<IdentityHashMap<Tensor, Embedded>> DEFERRED = new ThreadLocal<>();

    /**
     * For the backward functions of views (select, narrow, slice): the gradient {@code part} placed in
     * {@code region} of a zero tensor of {@code shape}. During a backward pass that records nothing (no
     * {@code createGraph}) this returns a stand-in that the engine adds into the input's gradient region
     * by region, so that a loop over the T steps of a sequence costs O(T) memory traffic instead of
     * materializing T full-size gradients and adding them up (O(T^2)). Elsewhere it returns null and
     * the caller builds the full gradient. The stand-in must be returned as is, not computed with.
     */
    public static Tensor deferredEmbed(Tensor part, int[] shape, UnaryOperator<Tensor> region) {
        IdentityHashMap<Tensor, Embedded> table = DEFERRED.get();
        if (table == null || GradMode.isEnabled()) {
            return null;
        }
        Tensor standIn = part.detach();
        table.put(standIn, new Embedded(part, shape.clone(), region));
        return standIn;
    }

    /** The gradients reaching one tensor: a dense sum and the regions still to add into it. */
    private static final class Accumulated {
        Tensor dense;
        List<Embedded> parts;

        void add(Tensor g, Embedded e) {
            if (e != null) {
                if (parts == null) {
                    parts = new ArrayList<>();
                }
                parts.add(e);
            } else {
                dense = dense == null ? g : dense.add(g);
            }
        }

        /** The whole gradient of {@code t}: one zero (or dense-sum) buffer with every region added in place. */
        Tensor total(Tensor t) {
            if (parts == null) {
                return dense;
            }
            Tensor buffer = dense == null ? Tensor.zeros(t.dtype(), t.device(), t.shape()) : dense.clone();
            for (Embedded e : parts) {
                e.region().apply(buffer).add_(e.part());
            }
            return buffer;
        }
    }

    private static void run(Tensor[] roots, Tensor[] seeds, boolean retainGraph, boolean createGraph,
                            Map<Tensor, Tensor> capture) {
        List<Tensor> order = topologicalOrder(roots);
        IdentityHashMap<Tensor, Accumulated> grads = new IdentityHashMap<>();
        for (int i = 0; i < roots.length; i++) {
            checkGradShape("backward", roots[i], seeds[i].shape());
            grads.computeIfAbsent(roots[i], k -> new Accumulated()).add(seeds[i], null);
        }
        boolean previous = GradMode.set(createGraph);
        IdentityHashMap<Tensor, Embedded> outerTable = DEFERRED.get();
        IdentityHashMap<Tensor, Embedded> table = createGraph ? null : new IdentityHashMap<>();
        DEFERRED.set(table);
        try {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Accumulated acc = grads.remove(t);
                if (acc == null) {
                    continue;
                }
                Tensor g = acc.total(t);
                if (capture != null) {
                    if (capture.containsKey(t)) {
                        capture.put(t, g);
                    }
                } else if (t.gradFn() == null || t.retainsGrad()) {
                    t.accumulateGrad(g, createGraph);
                }
                Node node = t.gradFn();
                if (node == null) {
                    continue;
                }
                if (node.isReleased()) {
                    throw new IllegalStateException("backward: trying to backward through the graph a second time "
                            + "(at " + node + "); its saved tensors were freed. Pass retainGraph=true to the first "
                            + "backward if you need to run it twice.");
                }
                node.checkSaved();
                Tensor[] inputs = node.inputs();
                Tensor[] gi = node.backward().apply(g);
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Embedded e = table == null || gi[i] == null ? null : table.remove(gi[i]);
                    if (in == null || !in.requiresGrad() || gi[i] == null) {
                        continue;
                    }
                    checkGradShape(node.toString(), in, e != null ? e.shape() : gi[i].shape());
                    grads.computeIfAbsent(in, x -> new Accumulated()).add(gi[i], e);
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        } finally {
            GradMode.set(previous);
            DEFERRED.set(outerTable);
        }
    }

    private static void checkGradShape(String where, Tensor t, int[] gradShape) {
        if (!Arrays.equals(t.shape(), gradShape)) {
            throw new IllegalStateException(where + ": gradient of shape " + Arrays.toString(gradShape)
                    + " for a tensor of shape " + Arrays.toString(t.shape()));
        }
    }

    /** Tensors reachable from the roots through grad_fn inputs, each after all its inputs. */
    private static List<Tensor> topologicalOrder(Tensor[] roots) {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        // Iterative post-order DFS: graphs of long sequences are too deep for recursion.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor r : roots) {
            if (seen.put(r, Boolean.TRUE) == null) {
                stack.push(new Object[] {r, 0});
            }
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                Node n = t.gradFn();
                Tensor[] inputs = n == null || n.isReleased() ? null : n.inputs();
                if (inputs != null && next < inputs.length) {
                    frame[1] = next + 1;
                    Tensor in = inputs[next];
                    if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                        stack.push(new Object[] {in, 0});
                    }
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }
}
