package org.vesalius.medical.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

class DiceMetricTest {

    @Test
    void batchedDiceEqualsDiceOverEverything() {
        Tensor logits = Tensor.randn(new Generator(1), 6, 1, 9, 7);
        Tensor target = Tensor.rand(new Generator(2), 6, 1, 9, 7).gt(0.6).toFloat();
        DiceMetric m = new DiceMetric();
        m.update(logits.narrow(0, 0, 4), target.narrow(0, 0, 4));
        m.update(logits.narrow(0, 4, 2), target.narrow(0, 4, 2));
        assertEquals(SegmentationMetrics.dice(logits.gt(0), target), m.compute(), 1e-12);
        m.reset();
        assertEquals(1.0, m.compute());
        assertThrows(IllegalArgumentException.class, () -> m.update(logits, target.narrow(0, 0, 2)));
    }
}
