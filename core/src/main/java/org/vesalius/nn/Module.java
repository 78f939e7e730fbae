package org.vesalius.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Base class of layers and models, like {@code torch.nn.Module}: parameters, buffers and submodules
 * registered by name, so that {@link #stateDict()} keys are the ones PyTorch gives the same structure
 * ({@code encoder.0.conv.weight}, {@code bn.running_mean}) and weights move between the two.
 * <pre>{@code
 * class Net extends Module {
 *     final Linear fc1 = registerModule("fc1", new Linear(784, 128));
 *     final Linear fc2 = registerModule("fc2", new Linear(128, 10));
 *
 *     @Override
 *     public Tensor forward(Tensor x) {          // [N, 784] -> [N, 10]
 *         return fc2.forward(fc1.forward(x).relu());
 *     }
 * }
 * }</pre>
 * With {@code import org.vesalius.nn.*}, import {@code org.vesalius.nn.Module} by name as well:
 * {@code java.lang.Module} is imported on demand too, and the bare name would be ambiguous.
 *
 * <p><b>Ownership.</b> A module owns its parameters and buffers: registering a tensor takes it out of
 * any {@link Scope} (so a model built inside a scope survives it) and {@link #close()} frees them,
 * with their gradients, and those of every submodule. Tensors a module hands out
 * ({@link #parameters()}, {@link #stateDict()}) are its own tensors or views of them; do not close the
 * parameters themselves.
 *
 * <p>Parameters are leaf tensors that require grad. {@link #to(Device)} and {@link #to(DType)}
 * replace them with converted tensors (Java tensors cannot change device in place), so move a model
 * before creating its optimizer; layers read their parameters by name (as {@code weight()} does in
 * {@link Linear}) and so always see the current ones. A module is used from one thread at a time.
 */
public abstract class Module implements AutoCloseable {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistentBuffers = new HashSet<>();
    private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;

    /** Creates a module in training mode with nothing registered. */
    protected Module() {
    }

    // =====================================================================================
    // Forward

    /**
     * Computes the module's output for one input. Modules with one tensor input (layers, activations,
     * {@link Sequential}) override this; modules with other signatures (losses, {@link Bilinear},
     * containers) document their own {@code forward} and throw here.
     *
     * @param input the input; the shape each module accepts is in its documentation
     * @return the output
     */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(name() + " has no forward(Tensor): "
                + (modules.isEmpty() || this instanceof Sequential ? "call the forward method it documents"
                        : "it is a container; call forward on its submodules"));
    }

    // =====================================================================================
    // Registration

    /**
     * Registers {@code tensor} as the parameter {@code name} (PyTorch's {@code register_parameter}):
     * it becomes a leaf that requires grad, owned by this module and out of any scope. {@code null}
     * records the name without a tensor (as a layer built without bias does): it is then absent from
     * {@link #parameters()} and {@link #stateDict()}. Re-registering a name replaces (and closes) the
     * previous tensor.
     *
     * @param name   a name without dots, not used by a buffer or submodule of this module
     * @param tensor a floating point leaf tensor (any shape), or null
     * @return {@code tensor}
     */
    public final Tensor registerParameter(String name, Tensor tensor) {
        checkName("registerParameter", name, parameters);
        if (tensor != null) {
            if (!tensor.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("registerParameter: parameter '" + name
                        + "' must be a floating point tensor, got " + tensor.dtype());
            }
            if (!tensor.isLeaf()) {
                throw new IllegalArgumentException("registerParameter: parameter '" + name + "' must be a leaf tensor, "
                        + "but it was computed by " + tensor.gradFn() + "; register t.detach() instead");
            }
            Scope.untrack(tensor);
            if (!tensor.requiresGrad()) {
                tensor.requiresGrad_(true);
            }
        }
        Tensor old = parameters.put(name, tensor);
        if (old != null && old != tensor) {
            old.close();
        }
        return tensor;
    }

    /** Registers a persistent buffer (see {@link #registerBuffer(String, Tensor, boolean)}). */
    public final Tensor registerBuffer(String name, Tensor tensor) {
        return registerBuffer(name, tensor, true);
    }

    /**
     * Registers {@code tensor} as the buffer {@code name}: state that is not trained by gradients,
     * such as BatchNorm's running statistics. Owned by this module and out of any scope; persistent
     * buffers appear in {@link #stateDict()}. {@code null} records the name without a tensor.
     *
     * @param name       a name without dots, not used by a parameter or submodule of this module
     * @param tensor     any tensor (any shape and dtype), or null
     * @param persistent whether the buffer is part of the state dict
     * @return {@code tensor}
     */
    public final Tensor registerBuffer(String name, Tensor tensor, boolean persistent) {
        checkName("registerBuffer", name, buffers);
        if (tensor != null) {
            if (tensor.requiresGrad() && !tensor.isLeaf()) {
                throw new IllegalArgumentException("registerBuffer: buffer '" + name + "' is part of an autograd graph ("
                        + tensor.gradFn() + "); register t.detach() instead");
            }
            Scope.untrack(tensor);
        }
        Tensor old = buffers.put(name, tensor);
        if (old != null && old != tensor) {
            old.close();
        }
        if (persistent) {
            nonPersistentBuffers.remove(name);
        } else {
            nonPersistentBuffers.add(name);
        }
        return tensor;
    }

    /**
     * Registers {@code module} as the submodule {@code name} (PyTorch's {@code add_module}); its
     * parameters' state-dict keys get the prefix {@code name + "."}.
     *
     * @param name   a name without dots, not used by a parameter or buffer of this module
     * @param module the submodule (null records the name only)
     * @return {@code module}
     */
    public final <M extends Module> M registerModule(String name, M module) {
        checkName("registerModule", name, modules);
        if (module != null && module.namedModules().containsValue(this)) {
            throw new IllegalArgumentException("registerModule: a module cannot contain itself ('" + name + "' of "
                    + name() + " would close a cycle)");
        }
        modules.put(name, module);
        return module;
    }

    private void checkName(String op, String name, Map<String, ?> own) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(op + ": the name must not be empty");
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException(op + ": name '" + name + "' must not contain '.' (dots separate "
                    + "submodule names in state-dict keys)");
        }
        for (Map<String, ?> other : List.of(parameters, buffers, modules)) {
            if (other != own && other.containsKey(name)) {
                String kind = other == parameters ? "a parameter" : other == buffers ? "a buffer" : "a submodule";
                throw new IllegalArgumentException(op + ": " + name() + " already has " + kind + " named '" + name + "'");
            }
        }
    }

    // =====================================================================================
    // Access

    /**
     * The parameter at a dotted path ({@code "weight"}, {@code "encoder.0.bias"}); null when the name
     * was registered without a tensor.
     *
     * @throws IllegalArgumentException if there is no such parameter
     */
    public Tensor getParameter(String path) {
        int dot = path.lastIndexOf('.');
        Module owner = dot < 0 ? this : getSubmodule(path.substring(0, dot));
        String leaf = path.substring(dot + 1);
        if (!owner.parameters.containsKey(leaf)) {
            throw new IllegalArgumentException("getParameter: " + owner.name() + " has no parameter '" + leaf
                    + "' (it has: " + String.join(", ", owner.parameters.keySet()) + ")");
        }
        return owner.parameters.get(leaf);
    }

    /**
     * The buffer at a dotted path ({@code "running_mean"}, {@code "bn.num_batches_tracked"}).
     *
     * @throws IllegalArgumentException if there is no such buffer
     */
    public Tensor getBuffer(String path) {
        int dot = path.lastIndexOf('.');
        Module owner = dot < 0 ? this : getSubmodule(path.substring(0, dot));
        String leaf = path.substring(dot + 1);
        if (!owner.buffers.containsKey(leaf)) {
            throw new IllegalArgumentException("getBuffer: " + owner.name() + " has no buffer '" + leaf
                    + "' (it has: " + String.join(", ", owner.buffers.keySet()) + ")");
        }
        return owner.buffers.get(leaf);
    }

    /**
     * The submodule at a dotted path ({@code "encoder.0"}); the empty path is this module.
     *
     * @throws IllegalArgumentException if there is no such submodule
     */
    public Module getSubmodule(String path) {
        if (path.isEmpty()) {
            return this;
        }
        Module m = this;
        for (String part : path.split("\\.", -1)) {
            Module next = m.modules.get(part);
            if (next == null) {
                throw new IllegalArgumentException("getSubmodule: " + m.name() + " has no submodule '" + part
                        + "' (in path '" + path + "'; it has: " + String.join(", ", m.modules.keySet()) + ")");
            }
            m = next;
        }
        return m;
    }

    /**
     * Every parameter of this module and its submodules by dotted name, in registration order
     * (depth first, a module's own parameters before its submodules'), each tensor once even when
     * shared.
     */
    public Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Map.Entry<String, Tensor> p : e.getValue().parameters.entrySet()) {
                if (p.getValue() != null && seen.put(p.getValue(), Boolean.TRUE) == null) {
                    out.put(prefix + p.getKey(), p.getValue());
                }
            }
        }
        return out;
    }

    /** The tensors of {@link #namedParameters()}, in the same order: what an optimizer takes. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) of this module and its submodules by dotted name, each once. */
    public Map<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Map.Entry<String, Tensor> b : e.getValue().buffers.entrySet()) {
                if (b.getValue() != null && seen.put(b.getValue(), Boolean.TRUE) == null) {
                    out.put(prefix + b.getKey(), b.getValue());
                }
            }
        }
        return out;
    }

    /** The tensors of {@link #namedBuffers()}. */
    public List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /** The direct submodules by name, in registration order (null registrations left out). */
    public Map<String, Module> namedChildren() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        modules.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The direct submodules, in registration order. */
    public List<Module> children() {
        return new ArrayList<>(namedChildren().values());
    }

    /**
     * This module (under the empty name) and every submodule below it by dotted path, depth first in
     * registration order, each module once.
     */
    public Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, new IdentityHashMap<>());
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out,
                                       IdentityHashMap<Module, Boolean> seen) {
        if (seen.put(m, Boolean.TRUE) != null) {
            return;
        }
        out.put(prefix, m);
        for (Map.Entry<String, Module> e : m.modules.entrySet()) {
            if (e.getValue() != null) {
                collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out, seen);
            }
        }
    }

    /** The modules of {@link #namedModules()}: this one first. */
    public List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    // =====================================================================================
    // State dict

    /**
     * The module's state as PyTorch's {@code state_dict()} orders and names it: for this module and then
     * each submodule depth first, its parameters and then its persistent buffers, under dotted keys
     * ({@code "0.weight"}, {@code "bn.running_mean"}). Shared tensors and submodules appear under every name.
     *
     * <p>The values are detached views of the module's tensors (they share memory, so they see later
     * training steps): copy them ({@code clone()}) to keep a snapshot. Closing a view does not affect
     * the module.
     */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        saveTo("", out);
        return out;
    }

    // No memo of visited modules: like PyTorch, a submodule registered under two names is saved under both.
    private void saveTo(String prefix, Map<String, Tensor> out) {
        parameters.forEach((k, v) -> {
            if (v != null) {
                out.put(prefix + k, v.detach());
            }
        });
        buffers.forEach((k, v) -> {
            if (v != null && !nonPersistentBuffers.contains(k)) {
                out.put(prefix + k, v.detach());
            }
        });
        modules.forEach((k, v) -> {
            if (v != null) {
                v.saveTo(prefix + k + ".", out);
            }
        });
    }

    /** The keys this module's state dict has and what they name, without creating views. */
    private Map<String, Tensor> stateTargets() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectTargets("", out);
        return out;
    }

    private void collectTargets(String prefix, Map<String, Tensor> out) {
        parameters.forEach((k, v) -> {
            if (v != null) {
                out.put(prefix + k, v);
            }
        });
        buffers.forEach((k, v) -> {
            if (v != null && !nonPersistentBuffers.contains(k)) {
                out.put(prefix + k, v);
            }
        });
        modules.forEach((k, v) -> {
            if (v != null) {
                v.collectTargets(prefix + k + ".", out);
            }
        });
    }

    /**
     * What {@link #loadStateDict(Map, boolean)} did not match: keys the module has that the state dict
     * lacked, and keys of the state dict the module does not have. Both are empty after a strict load.
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
    public LoadResult loadStateDict(Map<String, Tensor> stateDict) {
        return loadStateDict(stateDict, true);
    }

    /**
     * Copies values from a state dict (as {@link #stateDict()} or PyTorch's {@code state_dict()} name
     * them) into this module's parameters and buffers, converting dtype and device as needed.
     * Nothing is copied unless every entry can be: a shape mismatch is always an error, and with
     * {@code strict} so are missing and unexpected keys. The error names every offending key.
     *
     * @param stateDict key to tensor; the tensors are only read
     * @param strict    whether the keys must match this module's exactly
     * @return the keys that did not match (empty lists after a strict load)
     * @throws IllegalArgumentException listing missing keys, unexpected keys and shape mismatches
     */
    public LoadResult loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
        Map<String, Tensor> targets = stateTargets();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            Tensor src = stateDict.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                mismatched.add("shape mismatch for " + e.getKey() + ": " + Arrays.toString(src.shape())
                        + " in the state dict, " + Arrays.toString(e.getValue().shape()) + " in the model");
            }
        }
        for (String k : stateDict.keySet()) {
            if (!targets.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("loadStateDict: cannot load the state dict into " + name()
                    + " (nothing was copied):");
            if (strict && !missing.isEmpty()) {
                sb.append("\n  missing keys: ").append(String.join(", ", missing));
            }
            if (strict && !unexpected.isEmpty()) {
                sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            }
            for (String m : mismatched) {
                sb.append("\n  ").append(m);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        try (NoGrad ng = NoGrad.open()) {
            for (Map.Entry<String, Tensor> e : targets.entrySet()) {
                Tensor src = stateDict.get(e.getKey());
                if (src != null) {
                    e.getValue().copy_(src);
                }
            }
        }
        return new LoadResult(Collections.unmodifiableList(missing), Collections.unmodifiableList(unexpected));
    }

    // =====================================================================================
    // Modes, devices, gradients

    /** Puts this module and its submodules in training mode (dropout active, batch statistics). Returns this. */
    public Module train() {
        return train(true);
    }

    /** Sets training mode on this module and every submodule. Returns this. */
    public Module train(boolean mode) {
        for (Module m : modules()) {
            m.training = mode;
        }
        return this;
    }

    /** Puts this module and its submodules in evaluation mode (no dropout, running statistics). Returns this. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public boolean isTraining() {
        return training;
    }

    /**
     * Moves every parameter and buffer (and gradient) to {@code device}; tensors already there are
     * kept, the others are replaced by copies and the originals closed. Returns this.
     */
    public Module to(Device device) {
        convertAll(device, null);
        return this;
    }

    /**
     * Casts every floating point parameter and buffer (and gradient) to the floating point
     * {@code dtype}; integer buffers such as {@code num_batches_tracked} keep theirs, as in PyTorch.
     * Returns this.
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("Module.to: modules can only be cast to a floating point dtype, got "
                    + dtype);
        }
        convertAll(null, dtype);
        return this;
    }

    /**
     * Converts every tensor of the tree once (a tensor shared by two modules stays shared), then closes
     * the originals.
     */
    private void convertAll(Device device, DType dtype) {
        IdentityHashMap<Tensor, Tensor> done = new IdentityHashMap<>();
        try (NoGrad ng = NoGrad.open()) {
            for (Module m : modules()) {
                for (Map.Entry<String, Tensor> e : m.parameters.entrySet()) {
                    Tensor t = e.getValue();
                    if (t != null && needsConversion(t, device, dtype)) {
                        e.setValue(done.computeIfAbsent(t, x -> {
                            Tensor c = converted(x, device, dtype);
                            c.requiresGrad_(x.requiresGrad());
                            if (x.grad() != null) {
                                c.setGrad(converted(x.grad(), device, dtype));
                            }
                            return c;
                        }));
                    }
                }
                for (Map.Entry<String, Tensor> e : m.buffers.entrySet()) {
                    Tensor t = e.getValue();
                    if (t != null && needsConversion(t, device, dtype)) {
                        e.setValue(done.computeIfAbsent(t, x -> converted(x, device, dtype)));
                    }
                }
            }
        }
        done.keySet().forEach(Tensor::close);
    }

    private static boolean needsConversion(Tensor t, Device device, DType dtype) {
        if (device != null) {
            return !t.device().equals(device);
        }
        return t.dtype().isFloatingPoint() && t.dtype() != dtype;
    }

    /** A fresh copy outside any scope (the caller replaces and closes the original). */
    private static Tensor converted(Tensor t, Device device, DType dtype) {
        Tensor view = t.detach();
        Tensor c = device != null ? view.to(device) : view.to(dtype);
        if (c != view) {
            view.close();
        }
        return Scope.untrack(c);
    }

    /** Clears the gradient of every parameter (sets it to null and frees it). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /**
     * PyTorch's {@code zero_grad(set_to_none)}: {@code false} keeps each gradient tensor and fills it
     * with zeros in place ({@link Tensor#zeroGrad(boolean)}).
     */
    public void zeroGrad(boolean setToNone) {
        for (Tensor p : parameters()) {
            p.zeroGrad(setToNone);
        }
    }

    /**
     * Sets whether every parameter requires grad: {@code false} freezes the module (its parameters get
     * no gradients and an optimizer leaves them alone). Returns this.
     */
    public Module requiresGrad_(boolean requires) {
        for (Tensor p : parameters()) {
            p.requiresGrad_(requires);
        }
        return this;
    }

    /**
     * Calls {@code fn} on every submodule (depth first, children before their parent) and then on this
     * module, like PyTorch's {@code apply}; used for custom initialisation. Returns this.
     */
    public Module apply(Consumer<Module> fn) {
        for (Module child : children()) {
            child.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    /** Number of scalar parameters (each shared tensor counted once). */
    public long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    // =====================================================================================
    // Printing and lifetime

    /**
     * The module's configuration for {@link #toString()}, like PyTorch's {@code extra_repr}
     * ({@code "inFeatures=4, outFeatures=3, bias=true"}); empty by default.
     */
    protected String extraRepr() {
        return "";
    }

    /** The class name used in printouts and error messages. */
    protected String name() {
        Class<?> c = getClass();
        while (c.getSimpleName().isEmpty()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    /**
     * The module tree as PyTorch prints it:
     * <pre>
     * Sequential(
     *   (0): Linear(inFeatures=4, outFeatures=3, bias=true)
     *   (1): ReLU()
     * )
     * </pre>
     */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        List<String> extraLines = extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\n", -1));
        lines.addAll(extraLines);
        boolean hasChildren = false;
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String child = e.getValue() == null ? "None" : e.getValue().toString().replace("\n", "\n  ");
            lines.add("(" + e.getKey() + "): " + child);
            hasChildren = true;
        }
        StringBuilder sb = new StringBuilder(name()).append('(');
        if (!lines.isEmpty()) {
            if (extraLines.size() == 1 && !hasChildren) {
                sb.append(extraLines.get(0));
            } else {
                sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /**
     * Frees the parameters (with their gradients) and buffers of this module and every submodule.
     * The module cannot be used afterwards. Idempotent.
     */
    @Override
    public void close() {
        for (Module m : modules()) {
            m.parameters.values().forEach(Module::closeQuietly);
            m.buffers.values().forEach(Module::closeQuietly);
        }
    }

    private static void closeQuietly(Tensor t) {
        if (t != null) {
            t.close();
        }
    }
}
