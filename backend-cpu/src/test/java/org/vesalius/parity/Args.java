package org.vesalius.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** What a {@link ParityOps} lambda sees of a fixture case: its input tensors and kwargs. */
public final class Args {
    private final List<Tensor> tensors;
    private final JsonObject kwargs;

    public Args(List<Tensor> tensors, JsonObject kwargs) {
        this.tensors = tensors;
        this.kwargs = kwargs;
    }

    /** Input {@code i} ({@code self} is 0 for instance methods). */
    public Tensor t(int i) {
        return tensors.get(i);
    }

    /** Input {@code i}, or null when the case has fewer inputs (an optional weight or bias). */
    public Tensor optional(int i) {
        return i < tensors.size() ? tensors.get(i) : null;
    }

    /** All inputs from {@code from} on (for cat, stack, index). */
    public Tensor[] tensorsFrom(int from) {
        return tensors.subList(from, tensors.size()).toArray(new Tensor[0]);
    }

    public int count() {
        return tensors.size();
    }

    public boolean has(String name) {
        return kwargs.has(name) && !kwargs.get(name).isJsonNull();
    }

    private JsonElement get(String name) {
        JsonElement e = kwargs.get(name);
        if (e == null) {
            throw new IllegalArgumentException("fixture has no kwarg '" + name + "' (has " + kwargs.keySet() + ")");
        }
        return e;
    }

    public int i(String name) {
        return get(name).getAsInt();
    }

    public long l(String name) {
        return get(name).getAsLong();
    }

    /** A number; null (no bound) reads as NaN, which is how Vesalius spells "none" for clamp. */
    public double d(String name) {
        JsonElement e = get(name);
        return e.isJsonNull() ? Double.NaN : FixtureTensors.number(e);
    }

    public boolean b(String name) {
        return get(name).getAsBoolean();
    }

    public String s(String name) {
        return get(name).getAsString();
    }

    public DType dtype(String name) {
        return FixtureTensors.dtype(s(name));
    }

    public int[] ints(String name) {
        JsonArray a = get(name).getAsJsonArray();
        int[] v = new int[a.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = a.get(k).getAsInt();
        }
        return v;
    }

    public double[] doubles(String name) {
        JsonArray a = get(name).getAsJsonArray();
        double[] v = new double[a.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = FixtureTensors.number(a.get(k));
        }
        return v;
    }
}
