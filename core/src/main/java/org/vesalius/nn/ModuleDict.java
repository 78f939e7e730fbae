package org.vesalius.nn;

import java.util.Map;
import java.util.Set;

/**
 * Submodules by name, like {@code torch.nn.ModuleDict}: registered in insertion order under their
 * keys, so a head stored as {@code heads.put("age", ...)} has the state-dict keys
 * {@code heads.age.weight}, ... It has no forward of its own.
 */
public class ModuleDict extends Module {

    /** An empty dictionary. */
    public ModuleDict() {
    }

    /** The map's modules in its iteration order (pass a {@link java.util.LinkedHashMap}). */
    public ModuleDict(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /**
     * Adds (or replaces) the module under {@code key}, which must not contain a dot. Returns the module.
     */
    public <M extends Module> M put(String key, M module) {
        return registerModule(key, module);
    }

    /** The module under {@code key}. */
    public Module get(String key) {
        Module m = namedChildren().get(key);
        if (m == null) {
            throw new IllegalArgumentException("ModuleDict.get: no module under '" + key + "' (keys: "
                    + String.join(", ", keys()) + ")");
        }
        return m;
    }

    /** Whether a module is stored under {@code key}. */
    public boolean containsKey(String key) {
        return namedChildren().containsKey(key);
    }

    /** The keys in insertion order. */
    public Set<String> keys() {
        return namedChildren().keySet();
    }

    /** The number of modules. */
    public int size() {
        return namedChildren().size();
    }

    /** The entries in insertion order. */
    public Map<String, Module> asMap() {
        return namedChildren();
    }
}
