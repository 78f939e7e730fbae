package org.vesalius.backend;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.vesalius.tensor.Device;

/**
 * Finds the backends on the class path. A user picks the CPU or CUDA backend by adding its jar
 * ({@code vesalius-backend-cpu}, {@code vesalius-backend-cuda}); nothing else needs configuring.
 */
public final class Backends {
    private static volatile Map<Device.Type, Backend> byType;

    private Backends() {
    }

    /** The backend for this device's type, or a clear error saying which jar to add. */
    public static Backend forDevice(Device device) {
        Backend b = all().get(device.type());
        if (b == null) {
            String artifact = device.type() == Device.Type.CPU ? "vesalius-backend-cpu" : "vesalius-backend-cuda";
            throw new IllegalStateException("No backend for device " + device + " on the class path: add the "
                    + artifact + " dependency (org.vesalius:" + artifact + ")");
        }
        return b;
    }

    /** The CPU backend. */
    public static Backend cpu() {
        return forDevice(Device.CPU);
    }

    /** Whether a usable backend for this device type is on the class path. */
    public static boolean isAvailable(Device.Type type) {
        return all().containsKey(type);
    }

    private static Map<Device.Type, Backend> all() {
        Map<Device.Type, Backend> m = byType;
        if (m == null) {
            synchronized (Backends.class) {
                m = byType;
                if (m == null) {
                    m = new EnumMap<>(Device.Type.class);
                    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                        if (!m.containsKey(b.deviceType()) && b.isAvailable()) {
                            m.put(b.deviceType(), b);
                        }
                    }
                    byType = m;
                }
            }
        }
        return m;
    }
}
