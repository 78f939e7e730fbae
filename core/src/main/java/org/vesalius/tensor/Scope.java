package org.vesalius.tensor;

import java.util.ArrayList;

/**
 * Deterministic release of tensors: every tensor created on this thread while a scope is open is
 * closed when the scope closes, unless it was {@link #keep kept}.
 * <pre>{@code
 * for (var batch : loader) {
 *     try (var s = Scope.open()) {        // activations, gradients of activations, temporaries
 *         Tensor loss = model.forward(batch.x()).crossEntropy(batch.y());
 *         loss.backward();                // parameter .grad() tensors belong to the parameters
 *         optimizer.step();
 *         lastLoss = loss.item();
 *     }                                   // everything else created in the step is freed here
 * }
 * }</pre>
 * Scopes nest; a kept tensor moves to the enclosing scope, or is left to its owner when there is
 * none. Gradients stored in {@code grad()} leave the scope on their own.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner;
    private ArrayList<Tensor> tensors = new ArrayList<>();

    private Scope(Scope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope on this thread, or {@code null}. */
    public static Scope current() {
        return CURRENT.get();
    }

    /**
     * Lets a tensor outlive this scope: it moves to the enclosing scope, or belongs to the caller when
     * there is none. Returns the tensor, so {@code return s.keep(result);} reads naturally.
     */
    public Tensor keep(Tensor t) {
        if (t.scope == this) {
            t.scope = parent;
            if (parent != null) {
                parent.tensors.add(t);
            }
        }
        return t;
    }

    /** Moves a tensor out of whatever scope holds it (used for parameters' gradients and state). */
    static void detach(Tensor t) {
        t.scope = null;
    }

    /**
     * Takes {@code t} out of every scope: no scope will close it, and whoever called this owns it and
     * closes it (or leaves it to the GC cleaner). Modules use this for their parameters and buffers,
     * and optimizers for their state, so that a model built, or an optimizer stepped, inside a
     * per-step scope keeps its tensors when the scope closes. Returns {@code t}.
     */
    public static Tensor untrack(Tensor t) {
        t.scope = null;
        return t;
    }

    static void register(Tensor t) {
        Scope s = CURRENT.get();
        if (s != null) {
            t.scope = s;
            s.tensors.add(t);
        }
    }

    /** Number of tensors this scope will close. */
    public int size() {
        int n = 0;
        for (Tensor t : tensors) {
            if (t.scope == this && !t.isClosed()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Scope.close: a scope must be closed on the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("Scope.close: scopes must be closed innermost first");
        }
        CURRENT.set(parent);
        ArrayList<Tensor> list = tensors;
        tensors = new ArrayList<>();
        for (Tensor t : list) {
            if (t.scope == this) {
                t.close();
            }
        }
    }
}
