package org.vesalius.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.nn.Module;
import org.vesalius.optim.LRScheduler;
import org.vesalius.optim.Optimizer;
import org.vesalius.optim.ReduceLROnPlateau;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * A training run's state in one file, so that a run stopped after a checkpoint and resumed from it
 * computes the same losses as one that never stopped: the model's state dict, the optimizer's state
 * (each parameter's step count and tensors, each group's options), the learning-rate schedule's
 * state, the position of the saving thread's default {@link Generator} (default generators are per
 * thread), and the caller's metadata (epoch, step, metrics, other generators).
 * <pre>{@code
 * Checkpoint.save(Path.of("last.ckpt"), model, opt, schedule, Map.of("epoch", epoch, "data", loaderGenerator));
 *
 * // later, with the model, optimizer and schedule built as before:
 * try (Checkpoint c = Checkpoint.load(Path.of("last.ckpt"))) {
 *     c.restore(model, opt, schedule);
 *     c.restoreGenerator("data", loaderGenerator);
 *     int start = ((Number) c.metadata().get("epoch")).intValue() + 1;
 * }
 * }</pre>
 *
 * <p>The file is a safetensors file (written atomically: a failed save leaves the previous checkpoint
 * as it was), so any safetensors reader opens it: the model's tensors are under {@code model.<key>},
 * the optimizer's under {@code optimizer.state.<parameter index>.<name>}, and the rest is JSON in the
 * {@code __metadata__} strings {@code optimizer}, {@code scheduler}, {@code generator} and
 * {@code metadata}, beside {@code format = vesalius.checkpoint}.
 *
 * <p>A loaded checkpoint holds its tensors (outside any scope) until {@link #close()}. For a run
 * without a schedule use the overloads without one ({@code save(file, model, opt, metadata)},
 * {@code restore(model, opt)}): a literal {@code null} schedule is ambiguous between the
 * {@link LRScheduler} and {@link ReduceLROnPlateau} overloads.
 */
public final class Checkpoint implements AutoCloseable {
    static final String FORMAT = "vesalius.checkpoint";
    private static final String MODEL = "model.";
    private static final String OPTIMIZER_STATE = "optimizer.state.";

    private final Path path;
    private final Map<String, Tensor> model;
    private final Map<Integer, Map<String, Tensor>> optimizerTensors;
    private final Map<String, Object> optimizer;
    private final Map<String, Object> scheduler;
    private final Map<String, Object> generator;
    private final Map<String, Object> metadata;

    private Checkpoint(Path path, Map<String, Tensor> model, Map<Integer, Map<String, Tensor>> optimizerTensors,
                       Map<String, Object> optimizer, Map<String, Object> scheduler, Map<String, Object> generator,
                       Map<String, Object> metadata) {
        this.path = path;
        this.model = model;
        this.optimizerTensors = optimizerTensors;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.generator = generator;
        this.metadata = metadata;
    }

    // =====================================================================================
    // Saving

    /**
     * Writes a checkpoint of a run with an epoch- or step-based schedule.
     *
     * @param file      the target, replaced atomically; its directory must exist
     * @param model     the model (its {@link Module#stateDict()})
     * @param optimizer the optimizer, or null to save the model alone
     * @param scheduler the schedule, or null
     * @param metadata  JSON-ready values by name (strings, numbers, booleans, null, lists, maps with string
     *                  keys, primitive arrays, and {@link Generator}s, saved as their seed and offset), or null
     * @throws IllegalArgumentException if a metadata value cannot be stored as JSON (nothing is written)
     * @throws IOException              if writing fails; the previous file is then unchanged
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler,
                            Map<String, Object> metadata) throws IOException {
        save(file, model, optimizer, scheduler == null ? null : scheduler.getClass().getSimpleName(),
                scheduler == null ? null : scheduler.stateDict(), metadata);
    }

    /** Writes a checkpoint of a run whose learning rate a {@link ReduceLROnPlateau} controls. */
    public static void save(Path file, Module model, Optimizer optimizer, ReduceLROnPlateau scheduler,
                            Map<String, Object> metadata) throws IOException {
        save(file, model, optimizer, scheduler == null ? null : scheduler.getClass().getSimpleName(),
                scheduler == null ? null : scheduler.stateDict(), metadata);
    }

    /** Writes a checkpoint of a run without a schedule ({@code optimizer} may be null too). */
    public static void save(Path file, Module model, Optimizer optimizer, Map<String, Object> metadata)
            throws IOException {
        save(file, model, optimizer, null, null, metadata);
    }

    private static void save(Path file, Module model, Optimizer opt, String schedulerType,
                             Map<String, Object> schedulerState, Map<String, Object> metadata) throws IOException {
        Map<String, String> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("version", "1");
        header.put("metadata", Json.write(metadata == null ? Map.of() : metadata, "metadata"));
        Generator g = Generator.defaultGenerator();
        header.put("generator", Json.write(g, "generator"));
        if (schedulerType != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", schedulerType);
            s.put("state", schedulerState);
            header.put("scheduler", Json.write(s, "scheduler state"));
        }
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put(MODEL + k, v));
            if (opt != null) {
                Optimizer.StateDict sd = opt.stateDict();
                List<Object> groups = new ArrayList<>();
                for (Optimizer.GroupState gs : sd.paramGroups()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("options", gs.options());
                    m.put("params", gs.params());
                    groups.add(m);
                }
                Map<String, Object> state = new LinkedHashMap<>();
                sd.state().forEach((index, saved) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("step", saved.step());
                    m.put("tensors", new ArrayList<>(saved.tensors().keySet()));
                    state.put(Integer.toString(index), m);
                    saved.tensors().forEach((name, t) -> tensors.put(OPTIMIZER_STATE + index + "." + name, t));
                });
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("type", opt.getClass().getSimpleName());
                o.put("paramGroups", groups);
                o.put("state", state);
                header.put("optimizer", Json.write(o, "optimizer state"));
            }
            Safetensors.save(tensors, header, file);
        }
    }

    // =====================================================================================
    // Loading

    /**
     * Reads a checkpoint written by {@link #save}: every tensor (into memory this object owns) and the
     * JSON state.
     *
     * @throws IOException if the file is not a valid safetensors file, or not a Vesalius checkpoint
     */
    public static Checkpoint load(Path file) throws IOException {
        Map<String, Object> optimizer;
        Map<String, Object> scheduler;
        Map<String, Object> generator;
        Map<String, Object> metadata;
        Map<String, Tensor> all;
        try (SafetensorsFile f = Safetensors.open(file)) {
            Map<String, String> header = f.metadata();
            if (!FORMAT.equals(header.get("format"))) {
                throw new IOException(file + ": not a Vesalius checkpoint (its __metadata__ has no format = " + FORMAT
                        + "); for plain weights use Safetensors.load or Safetensors.loadStateDict");
            }
            if (!"1".equals(header.get("version"))) {
                throw new IOException(file + ": checkpoint version " + header.get("version") + " is not one this "
                        + "Vesalius reads (1)");
            }
            optimizer = jsonObject(file, header, "optimizer", false);
            scheduler = jsonObject(file, header, "scheduler", false);
            generator = jsonObject(file, header, "generator", true);
            if (!(generator.get("seed") instanceof Long) || !(generator.get("offset") instanceof Long)) {
                throw new IOException(file + ": the checkpoint's 'generator' entry is not a generator state (integers "
                        + "seed and offset): " + generator);
            }
            metadata = jsonObject(file, header, "metadata", true);
            all = f.loadAll();
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<Integer, Map<String, Tensor>> optimizerTensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                String key = e.getKey();
                Scope.untrack(e.getValue());
                if (key.startsWith(MODEL)) {
                    model.put(key.substring(MODEL.length()), e.getValue());
                } else if (key.startsWith(OPTIMIZER_STATE) && key.indexOf('.', OPTIMIZER_STATE.length()) > 0) {
                    int dot = key.indexOf('.', OPTIMIZER_STATE.length());
                    int index = parseIndex(file, key, key.substring(OPTIMIZER_STATE.length(), dot));
                    optimizerTensors.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(key.substring(dot + 1),
                            e.getValue());
                } else {
                    throw new IOException(file + ": tensor '" + key + "' is neither model." + "<key> nor "
                            + OPTIMIZER_STATE + "<index>.<name>: not a Vesalius checkpoint, or a corrupt one");
                }
            }
            if (!optimizerTensors.isEmpty() && optimizer == null) {
                throw new IOException(file + ": the checkpoint has optimizer tensors but no optimizer state");
            }
        } catch (IOException | RuntimeException e) {
            all.values().forEach(Tensor::close);
            throw e;
        }
        return new Checkpoint(file, Collections.unmodifiableMap(model), optimizerTensors, optimizer, scheduler,
                generator, Collections.unmodifiableMap(metadata));
    }

    private static int parseIndex(Path file, String key, String s) throws IOException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": tensor '" + key + "': '" + s + "' is not a parameter index");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(Path file, Map<String, String> header, String key, boolean required)
            throws IOException {
        String text = header.get(key);
        if (text == null) {
            if (required) {
                throw new IOException(file + ": the checkpoint's __metadata__ lacks '" + key + "'");
            }
            return null;
        }
        Object v;
        try {
            v = Json.read(text);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new IOException(file + ": the checkpoint's '" + key + "' entry is not valid JSON: " + e.getMessage(), e);
        }
        if (!(v instanceof Map)) {
            throw new IOException(file + ": the checkpoint's '" + key + "' entry must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    // =====================================================================================
    // Contents and restoring

    /** The file this was loaded from. */
    public Path path() {
        return path;
    }

    /**
     * The metadata saved with the checkpoint: integers read back as {@link Long}, other numbers as
     * {@link Double}, lists as {@link List}, maps as {@link Map}, generators as maps of {@code seed} and
     * {@code offset} (see {@link #restoreGenerator}).
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The model's state dict as saved (tensors this checkpoint owns until it is closed). */
    public Map<String, Tensor> modelState() {
        return model;
    }

    /** Whether optimizer state was saved. */
    public boolean hasOptimizerState() {
        return optimizer != null;
    }

    /** The schedule's class name as saved, or null when no schedule was saved. */
    public String schedulerType() {
        return scheduler == null ? null : (String) scheduler.get("type");
    }

    /**
     * Loads the saved weights into {@code model} (strictly: the keys must match) and nothing else; the
     * default generator is left alone.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or mismatched keys
     */
    public void restore(Module model) {
        loadModel(model);
    }

    /** {@link #restore(Module, Optimizer, LRScheduler)} without a schedule. */
    public void restore(Module model, Optimizer optimizer) {
        restore(model, optimizer, null, null);
    }

    /**
     * Puts the saved state back: the model's weights (strictly: the keys must match), the optimizer's
     * state and group options, the schedule's state, and the position of the default generator (the
     * calling thread's, so resume on the thread that will train, as the run was saved). Build the
     * model, optimizer and schedule as for the original run first (creating a schedule sets the
     * learning rate of its first epoch; restoring then sets the saved one).
     *
     * @param model     the model to load the weights into
     * @param optimizer the optimizer (of the saved class, over parameters of the same shapes), or null to
     *                  leave it alone
     * @param scheduler the schedule (of the saved class), or null to leave it alone
     * @throws IllegalArgumentException if a part does not match what was saved (a missing or mismatched
     *                                  key, another optimizer or schedule class, state that was not saved)
     */
    public void restore(Module model, Optimizer optimizer, LRScheduler scheduler) {
        restore(model, optimizer, scheduler, scheduler == null ? null : scheduler::loadStateDict);
    }

    /** {@link #restore(Module, Optimizer, LRScheduler)} for a run with a {@link ReduceLROnPlateau}. */
    public void restore(Module model, Optimizer optimizer, ReduceLROnPlateau scheduler) {
        restore(model, optimizer, scheduler, scheduler == null ? null : scheduler::loadStateDict);
    }

    @SuppressWarnings("unchecked")
    private void restore(Module net, Optimizer opt, Object sched, java.util.function.Consumer<Map<String, Object>> load) {
        if (opt != null) {
            if (optimizer == null) {
                throw new IllegalArgumentException(path + ": the checkpoint has no optimizer state (it was saved without "
                        + "an optimizer); restore the model alone");
            }
            requireType("optimizer", (String) optimizer.get("type"), opt);
        }
        if (sched != null) {
            if (scheduler == null) {
                throw new IllegalArgumentException(path + ": the checkpoint has no schedule state (it was saved without "
                        + "a schedule)");
            }
            requireType("schedule", (String) scheduler.get("type"), sched);
        }
        loadModel(net);
        if (opt != null) {
            opt.loadStateDict(optimizerState());
        }
        if (sched != null) {
            load.accept((Map<String, Object>) scheduler.get("state"));
        }
        restoreState(generator, Generator.defaultGenerator(), "generator");
    }

    private void loadModel(Module net) {
        try {
            net.loadStateDict(model, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private void requireType(String what, String saved, Object given) {
        if (!given.getClass().getSimpleName().equals(saved)) {
            throw new IllegalArgumentException(path + ": the checkpoint holds the state of a " + saved + " " + what
                    + ", not of a " + given.getClass().getSimpleName());
        }
    }

    @SuppressWarnings("unchecked")
    private Optimizer.StateDict optimizerState() {
        try {
            List<Optimizer.GroupState> groups = new ArrayList<>();
            for (Object o : (List<Object>) optimizer.get("paramGroups")) {
                Map<String, Object> g = (Map<String, Object>) o;
                Map<String, Double> options = new LinkedHashMap<>();
                ((Map<String, Object>) g.get("options")).forEach((k, v) -> options.put(k, ((Number) v).doubleValue()));
                List<Integer> params = new ArrayList<>();
                for (Object p : (List<Object>) g.get("params")) {
                    params.add(((Number) p).intValue());
                }
                groups.add(new Optimizer.GroupState(options, params));
            }
            Map<Integer, Optimizer.SavedState> state = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) optimizer.get("state")).entrySet()) {
                int index = Integer.parseInt(e.getKey());
                Map<String, Object> s = (Map<String, Object>) e.getValue();
                Map<String, Tensor> have = optimizerTensors.getOrDefault(index, Map.of());
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (Object name : (List<Object>) s.get("tensors")) {
                    Tensor t = have.get((String) name);
                    if (t == null) {
                        throw new IllegalArgumentException("tensor " + OPTIMIZER_STATE + index + "." + name + " is missing");
                    }
                    tensors.put((String) name, t);
                }
                state.put(index, new Optimizer.SavedState(((Number) s.get("step")).longValue(), tensors));
            }
            return new Optimizer.StateDict(groups, state);
        } catch (ClassCastException | NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException(path + ": the checkpoint's optimizer state is malformed (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": the checkpoint's optimizer state is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Sets {@code generator} to the position saved under the metadata key {@code key} (a {@link
     * Generator} passed in the metadata of {@link #save}), so its stream continues where it was.
     *
     * @throws IllegalArgumentException if the metadata has no generator under {@code key}
     */
    public void restoreGenerator(String key, Generator generator) {
        Object v = metadata.get(key);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException(path + ": the checkpoint's metadata has no generator under '" + key
                    + "' (keys: " + String.join(", ", metadata.keySet()) + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        restoreState(m, generator, "metadata '" + key + "'");
    }

    private void restoreState(Map<String, Object> m, Generator g, String what) {
        if (!(m.get("seed") instanceof Long) || !(m.get("offset") instanceof Long)) {
            throw new IllegalArgumentException(path + ": " + what + " is not a generator state (integers seed and offset), got "
                    + m);
        }
        g.setState((Long) m.get("seed"), (Long) m.get("offset"));
    }

    /** Frees the tensors this checkpoint holds. */
    @Override
    public void close() {
        model.values().forEach(Tensor::close);
        optimizerTensors.values().forEach(m -> m.values().forEach(Tensor::close));
    }

    @Override
    public String toString() {
        return "Checkpoint(" + path + ", " + model.size() + " model tensors"
                + (optimizer == null ? "" : ", " + optimizer.get("type") + " state")
                + (scheduler == null ? "" : ", " + scheduler.get("type") + " state") + ", metadata " + metadata.keySet()
                + ")";
    }
}
