package org.vesalius.medical.transforms;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Transforms applied in order with one generator, like MONAI's {@code Compose}. Intermediate images
 * are closed as soon as the next step has produced its result, except those the result or the
 * caller's input still holds.
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
    public Sample apply(Sample sample, Generator generator) {
        Sample current = sample;
        for (Transform t : steps) {
            Sample next = t.apply(current, generator);
            if (current != sample) {
                closeUnused(current, next, sample);
            }
            current = next;
        }
        return current;
    }

    /** The steps, in order. */
    public List<Transform> steps() {
        return steps;
    }

    private static void closeUnused(Sample done, Sample next, Sample input) {
        Set<Tensor> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MedicalImage m : next.images().values()) {
            keep.add(m.data());
        }
        for (MedicalImage m : input.images().values()) {
            keep.add(m.data());
        }
        for (MedicalImage m : done.images().values()) {
            if (!keep.contains(m.data())) {
                m.close();
            }
        }
    }
}
