package org.vesalius.medical.data;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.tensor.Tensor;

/**
 * Turns a transformed sample into the {@code Tensor[]} a dataset returns, honouring the
 * {@link org.vesalius.data.Dataset} contract that the caller owns (and will close) what it gets: a
 * tensor still held by a source volume is returned as a view, and tensors made on the way that are not
 * returned are closed.
 */
final class SampleTensors {
    private SampleTensors() {
    }

    static Tensor[] of(Sample out, Sample in, Sample source, String[] keys) {
        Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MedicalImage m : source.images().values()) {
            kept.add(m.data());
        }
        Tensor[] result = new Tensor[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Tensor t = out.get(keys[i]).data();
            result[i] = kept.contains(t) ? t.view(t.shape()) : t;
            kept.add(t);
        }
        for (Sample s : new Sample[] {in, out}) {
            for (MedicalImage m : s.images().values()) {
                if (!kept.contains(m.data())) {
                    m.close();
                }
            }
        }
        return result;
    }

    /** The keys to return: those given, else all of the sample's, each checked to exist. */
    static String[] keys(String who, Sample sample, String[] keys) {
        String[] k = keys.length == 0 ? sample.keys().toArray(new String[0]) : keys.clone();
        for (String key : k) {
            if (!sample.has(key)) {
                throw new IllegalArgumentException(who + ": no entry '" + key + "'; entries: " + sample.keys());
            }
        }
        return k;
    }
}
