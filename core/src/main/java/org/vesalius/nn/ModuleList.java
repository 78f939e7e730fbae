package org.vesalius.nn;

import java.util.Iterator;
import java.util.List;

/**
 * A list of submodules, like {@code torch.nn.ModuleList}: registered under their indices
 * ({@code "0"}, {@code "1"}, ...) so their parameters are found and named, with no forward of its
 * own (the owner decides how to call them).
 * <pre>{@code
 * final ModuleList blocks = registerModule("blocks", new ModuleList());
 * for (int i = 0; i < depth; i++) blocks.add(new Linear(64, 64));   // keys blocks.0.weight, ...
 * for (Module b : blocks) x = b.forward(x).relu();
 * }</pre>
 */
public class ModuleList extends Module implements Iterable<Module> {

    /** The given modules, in order. */
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** The given modules, in order. */
    public ModuleList(List<? extends Module> modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module under the next index. Returns this. */
    public ModuleList add(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** The number of modules. */
    public int size() {
        return namedChildren().size();
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        List<Module> list = children();
        int i = index < 0 ? index + list.size() : index;
        if (i < 0 || i >= list.size()) {
            throw new IndexOutOfBoundsException("ModuleList.get: index " + index + " is out of range for "
                    + list.size() + " modules");
        }
        return list.get(i);
    }

    @Override
    public Iterator<Module> iterator() {
        return children().iterator();
    }
}
