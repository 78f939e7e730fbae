package org.vesalius.nn;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * Modules applied one after another, like {@code torch.nn.Sequential}: each module's output is the
 * next one's input. Submodules are named {@code "0"}, {@code "1"}, ... (or by the names given), so a
 * {@code Sequential} of a {@code Linear} has the state-dict keys {@code 0.weight} and {@code 0.bias}, as
 * in PyTorch.
 * <pre>{@code
 * var mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * Tensor logits = mlp.forward(x);            // [N, 784] -> [N, 10]
 * }</pre>
 */
public class Sequential extends Module implements Iterable<Module> {

    /** The modules in order, named by their index. */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /** The modules in order, named by their index. */
    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /**
     * The modules in the map's iteration order under the map's keys, like PyTorch's
     * {@code Sequential(OrderedDict(...))}; pass a {@link java.util.LinkedHashMap}.
     */
    public Sequential(Map<String, ? extends Module> namedModules) {
        namedModules.forEach(this::registerModule);
    }

    /** Adds a module at the end, named by its index. Returns this. */
    public Sequential append(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** The number of modules. */
    public int size() {
        return namedChildren().size();
    }

    /** The module at position {@code index} (negative counts from the end). */
    public Module get(int index) {
        List<Module> list = children();
        int i = index < 0 ? index + list.size() : index;
        if (i < 0 || i >= list.size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " is out of range for "
                    + list.size() + " modules");
        }
        return list.get(i);
    }

    /** Applies every module in order: the input shape is the first module's, the output the last one's. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : children()) {
            x = m.forward(x);
        }
        return x;
    }

    @Override
    public Iterator<Module> iterator() {
        return children().iterator();
    }
}
