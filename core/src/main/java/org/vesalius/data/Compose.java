package org.vesalius.data;

import java.util.List;
import org.vesalius.tensor.Tensor;

/**
 * Transforms applied in order, like {@code torchvision.transforms.Compose}. Intermediate results are
 * closed as soon as the next step has used them (closing a tensor a later view still uses only drops
 * a reference, so steps may return views).
 */
public final class Compose implements Transform {
    private final List<Transform> steps;

    public Compose(Transform... steps) {
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == null) {
                throw new IllegalArgumentException("Compose: step " + i + " is null");
            }
        }
        this.steps = List.of(steps);
    }

    @Override
    public Tensor apply(Tensor x) {
        Tensor current = x;
        for (Transform t : steps) {
            Tensor next = t.apply(current);
            if (current != x && current != next) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    /** The steps, in order. */
    public List<Transform> steps() {
        return steps;
    }
}
