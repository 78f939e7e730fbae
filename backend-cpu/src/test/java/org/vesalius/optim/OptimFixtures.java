package org.vesalius.optim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.nn.TrainingFixtures;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The fixed problem of {@code golden/optimizers.json} and how its cases map to Vesalius optimizers
 * and schedules: minimise {@code mean((X W^T + b - Y)^2)} from {@code W0 [3, 4]}, {@code b0 [3]}.
 */
final class OptimFixtures {
    static final JsonObject ROOT = TrainingFixtures.load("optimizers.json");

    private OptimFixtures() {
    }

    /** A problem tensor ({@code W0}, {@code b0}, {@code X}, {@code Y}) in {@code dtype}. */
    static Tensor problem(String name, DType dtype) {
        return TrainingFixtures.tensor(ROOT.getAsJsonObject("problem").getAsJsonObject(name)).to(dtype);
    }

    /** Fresh parameters W and b (leaves that require grad, outside any scope's reach once registered). */
    static Tensor[] params(DType dtype) {
        Tensor w = problem("W0", dtype).clone().requiresGrad_(true);
        Tensor b = problem("b0", dtype).clone().requiresGrad_(true);
        return new Tensor[] {w, b};
    }

    static double d(JsonObject kw, String key, double dflt) {
        return kw.has(key) ? kw.get(key).getAsDouble() : dflt;
    }

    static boolean bool(JsonObject kw, String key) {
        return kw.has(key) && kw.get(key).getAsBoolean();
    }

    /** The optimizer a case names, over {@code params} as its first group. */
    static Optimizer optimizer(String name, JsonObject kw, List<Tensor> params) {
        switch (name) {
            case "SGD":
                return new SGD(params, d(kw, "lr", 0), d(kw, "momentum", 0), d(kw, "dampening", 0),
                        d(kw, "weightDecay", 0), bool(kw, "nesterov"));
            case "Adam":
                return new Adam(params, d(kw, "lr", 1e-3), d(kw, "beta1", 0.9), d(kw, "beta2", 0.999), d(kw, "eps", 1e-8),
                        d(kw, "weightDecay", 0), bool(kw, "amsgrad"));
            case "AdamW":
                return new AdamW(params, d(kw, "lr", 1e-3), d(kw, "beta1", 0.9), d(kw, "beta2", 0.999), d(kw, "eps", 1e-8),
                        d(kw, "weightDecay", 1e-2), bool(kw, "amsgrad"));
            case "RMSprop":
                return new RMSprop(params, d(kw, "lr", 1e-2), d(kw, "alpha", 0.99), d(kw, "eps", 1e-8),
                        d(kw, "weightDecay", 0), d(kw, "momentum", 0), bool(kw, "centered"));
            case "Adagrad":
                return new Adagrad(params, d(kw, "lr", 1e-2), d(kw, "lrDecay", 0), d(kw, "weightDecay", 0),
                        d(kw, "initialAccumulatorValue", 0), d(kw, "eps", 1e-10));
            default:
                throw new AssertionError("unknown optimizer " + name);
        }
    }

    /**
     * The case's optimizer over W and b: one group, or with {@code groupKwargs} W in group 0 and b in
     * group 1 with those options.
     */
    static Optimizer optimizer(JsonObject c, String nameKey, String kwKey, Tensor[] wb) {
        JsonObject kw = c.getAsJsonObject(kwKey);
        String name = c.get(nameKey).getAsString();
        if (!c.has("groupKwargs")) {
            return optimizer(name, kw, List.of(wb[0], wb[1]));
        }
        Optimizer opt = optimizer(name, kw, List.of(wb[0]));
        Map<String, Double> options = new LinkedHashMap<>();
        c.getAsJsonObject("groupKwargs").entrySet().forEach(e -> options.put(e.getKey(), e.getValue().getAsDouble()));
        opt.addParamGroup(new ParamGroup(List.of(wb[1]), options));
        return opt;
    }

    static double[] doubles(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    static int[] ints(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    /** The momentum a group has now: beta1 for Adam-type optimizers, else momentum, else 0. */
    static double momentum(ParamGroup g) {
        return g.has("beta1") ? g.get("beta1") : g.has("momentum") ? g.get("momentum") : 0;
    }

    static List<JsonObject> list(String key) {
        return TrainingFixtures.objects(ROOT.getAsJsonArray(key));
    }

    static List<Double> lrs(Optimizer opt) {
        List<Double> out = new ArrayList<>();
        opt.paramGroups().forEach(g -> out.add(g.lr()));
        return out;
    }
}
