package org.vesalius.train;

import java.util.Map;

/** Reading a monitored value from an epoch's logs. */
final class Monitor {
    private Monitor() {
    }

    /** {@code logs.get(key)}, or an error naming the keys that exist (a typo, or no validation data). */
    static double value(String who, String key, Map<String, Double> logs) {
        Double v = logs.get(key);
        if (v == null) {
            throw new IllegalArgumentException(who + ": monitored key '" + key + "' is not logged; logged keys: "
                    + logs.keySet() + (key.startsWith("val_") ? " (val_ keys need validation data in fit)" : ""));
        }
        return v;
    }
}
