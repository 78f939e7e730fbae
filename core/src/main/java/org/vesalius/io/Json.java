package org.vesalius.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Generator;

/**
 * The JSON a checkpoint keeps in its header: plain Java values (maps, lists, strings, numbers,
 * booleans, null) to text and back. Non-finite numbers are written as the bare {@code NaN},
 * {@code Infinity} and {@code -Infinity} that Python's {@code json} module writes and reads; reading
 * turns those words back into doubles even when quoted, because Gson's reader cannot tell the two
 * apart.
 */
final class Json {
    private Json() {
    }

    /**
     * {@code value} as JSON text.
     *
     * @param what how errors name the value ({@code "metadata"})
     * @throws IllegalArgumentException naming the key of a value that is not JSON-ready
     */
    static String write(Object value, String what) {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.setStrictness(Strictness.LENIENT); // for NaN and Infinity
            write(w, value, what);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string failed", e);
        }
        return sw.toString();
    }

    private static void write(JsonWriter w, Object v, String where) throws IOException {
        if (v == null) {
            w.nullValue();
        } else if (v instanceof String) {
            w.value((String) v);
        } else if (v instanceof Boolean) {
            w.value((Boolean) v);
        } else if (v instanceof Double || v instanceof Float) {
            w.value(((Number) v).doubleValue());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            w.value(((Number) v).longValue());
        } else if (v instanceof Number) {
            w.value((Number) v);
        } else if (v instanceof Generator) {
            Generator.State g = ((Generator) v).state();
            w.beginObject().name("seed").value(g.seed()).name("offset").value(g.offset()).endObject();
        } else if (v instanceof Map) {
            w.beginObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException(where + ": map keys must be strings, got " + e.getKey());
                }
                w.name((String) e.getKey());
                write(w, e.getValue(), where + "." + e.getKey());
            }
            w.endObject();
        } else if (v instanceof Collection) {
            w.beginArray();
            int i = 0;
            for (Object o : (Collection<?>) v) {
                write(w, o, where + "[" + i++ + "]");
            }
            w.endArray();
        } else if (v.getClass().isArray() && v.getClass().getComponentType().isPrimitive()) {
            w.beginArray();
            for (int i = 0; i < Array.getLength(v); i++) {
                write(w, Array.get(v, i), where + "[" + i + "]");
            }
            w.endArray();
        } else {
            throw new IllegalArgumentException(where + ": a " + v.getClass().getName() + " cannot be stored as JSON "
                    + "(use strings, numbers, booleans, null, lists, maps with string keys, primitive arrays or a "
                    + "Generator)");
        }
    }

    /**
     * Parses JSON text: objects become {@link LinkedHashMap}s, arrays {@link ArrayList}s, integers
     * that fit in a long {@link Long}s, other numbers {@link Double}s.
     */
    static Object read(String text) throws IOException {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.LENIENT);
        Object v = read(r);
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException("more text after the JSON value");
        }
        return v;
    }

    private static Object read(JsonReader r) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                r.beginObject();
                while (r.hasNext()) {
                    m.put(r.nextName(), read(r));
                }
                r.endObject();
                return m;
            }
            case BEGIN_ARRAY: {
                List<Object> l = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                    l.add(read(r));
                }
                r.endArray();
                return l;
            }
            case STRING: {
                String s = r.nextString();
                switch (s) {
                    case "NaN": return Double.NaN;
                    case "Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    default: return s;
                }
            }
            case NUMBER: {
                String s = r.nextString();
                if (s.matches("-?\\d+")) {
                    try {
                        return Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        return Double.parseDouble(s);
                    }
                }
                return Double.parseDouble(s);
            }
            case BOOLEAN:
                return r.nextBoolean();
            case NULL:
                r.nextNull();
                return null;
            default:
                throw new IOException("unexpected " + r.peek() + " in JSON");
        }
    }
}
