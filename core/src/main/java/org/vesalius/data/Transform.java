package org.vesalius.data;

import org.vesalius.tensor.Tensor;

/**
 * A step of data preparation or augmentation on one sample, like a torchvision transform. Image
 * transforms take {@code [..., H, W]} tensors: {@code [C, H, W]}, {@code [H, W]}, or any leading dims,
 * the last two being height and width.
 *
 * <p>A transform returns a new tensor (or a view, or its input when it does nothing this time) and
 * never closes its input. Random transforms draw from the generator given to them, or else from
 * {@link DataLoader#generator()}, which makes augmentation inside a loader reproducible for any
 * number of workers (a {@link org.vesalius.tensor.Generator} given explicitly is not thread-safe:
 * leave it out for transforms that loader workers run). Apply them to samples with {@link Dataset#map}:
 * <pre>{@code
 * Transform augment = new RandomCrop(28, 2).andThen(new RandomRotation(10)).andThen(new Normalize(0.1307, 0.3081));
 * Dataset<Tensor[]> train = images.map(s -> new Tensor[] {augment.apply(s[0]), s[1]});
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    Tensor apply(Tensor x);

    /** This transform, then {@code next}; the intermediate result is closed. */
    default Transform andThen(Transform next) {
        return new Compose(this, next);
    }
}
