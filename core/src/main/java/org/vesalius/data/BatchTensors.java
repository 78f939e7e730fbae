package org.vesalius.data;

import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Finds the tensors in a batch, so a loader can hand them to the consumer (out of every scope) or
 * free batches nobody took. Looks inside tensors, arrays, iterables, maps and records, nested.
 */
final class BatchTensors {
    private static final Logger LOG = LoggerFactory.getLogger(BatchTensors.class);

    private BatchTensors() {
    }

    /** Takes every tensor of {@code batch} out of every scope; they belong to the consumer now. */
    static void untrack(Object batch) {
        forEach(batch, Scope::untrack);
    }

    /** Closes every tensor of {@code batch}, and the batch itself if it is some other {@link AutoCloseable}. */
    static void close(Object batch) {
        forEach(batch, Tensor::close);
        if (batch instanceof AutoCloseable && !(batch instanceof Tensor)) {
            try {
                ((AutoCloseable) batch).close();
            } catch (Exception e) {
                LOG.warn("DataLoader: closing an unused batch of type {} failed: {}", batch.getClass().getName(), e.toString());
            }
        }
    }

    static void forEach(Object batch, Consumer<Tensor> action) {
        visit(batch, action, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void visit(Object o, Consumer<Tensor> action, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Tensor) {
            action.accept((Tensor) o);
        } else if (o instanceof Object[]) {
            for (Object e : (Object[]) o) {
                visit(e, action, seen);
            }
        } else if (o instanceof Iterable) {
            for (Object e : (Iterable<?>) o) {
                visit(e, action, seen);
            }
        } else if (o instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                visit(e.getKey(), action, seen);
                visit(e.getValue(), action, seen);
            }
        } else if (o.getClass().isRecord()) {
            for (RecordComponent c : o.getClass().getRecordComponents()) {
                visit(component(o, c), action, seen);
            }
        }
    }

    private static Object component(Object record, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("DataLoader: cannot read component '" + c.getName() + "' of the batch record "
                    + record.getClass().getName() + " (" + e + "); make the record public or open its package, or call "
                    + "Scope.untrack on the batch tensors in the collate function", e);
        }
    }
}
