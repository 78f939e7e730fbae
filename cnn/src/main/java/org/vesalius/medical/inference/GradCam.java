package org.vesalius.medical.inference;

import java.util.Arrays;
import java.util.function.Function;
import org.vesalius.autograd.Autograd;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Grad-CAM (Selvaraju et al., 2017): where in the image a CNN looked for a class. The gradient of the
 * class score with respect to a convolutional layer's activations, averaged over space, weights that
 * layer's channels; the ReLU of the weighted sum, upsampled to the input, is the map.
 *
 * <p>Java modules have no forward hooks, so the network is given in two parts: {@code features} up to
 * the chosen layer and {@code head} from there to the class scores (for a {@code Sequential},
 * {@code x -> features.forward(x)} over its first layers and the rest).
 */
public final class GradCam {
    private GradCam() {
    }

    /**
     * The class-activation map of each image.
     *
     * @param features    maps the input {@code [N, C, *spatial]} to activations {@code [N, K, *h]}
     * @param head        maps the activations to class scores {@code [N, classes]}
     * @param input       {@code [N, C, *spatial]} with 1 to 3 spatial axes
     * @param targetClass the class to explain
     * @return {@code [N, *spatial]} float32 in [0, 1] per image (all zeros where the ReLU leaves nothing)
     */
    public static Tensor compute(Function<Tensor, Tensor> features, Function<Tensor, Tensor> head, Tensor input,
                                 int targetClass) {
        int k = input.dim() - 2;
        if (k < 1 || k > 3) {
            throw new IllegalArgumentException("GradCam: input must be [N, C, *spatial] with 1 to 3 spatial axes, got "
                    + Arrays.toString(input.shape()));
        }
        try (Scope s = Scope.open()) {
            Tensor a = features.apply(input);
            if (!a.requiresGrad()) {
                throw new IllegalArgumentException("GradCam: the feature activations do not require grad; the features "
                        + "function must run with gradients on and depend on parameters or the input");
            }
            if (a.dim() != input.dim()) {
                throw new IllegalArgumentException("GradCam: activations must be [N, K, *h] with the input's "
                        + k + " spatial axes, got " + Arrays.toString(a.shape()));
            }
            Tensor scores = head.apply(a);
            if (scores.dim() != 2 || targetClass < 0 || targetClass >= scores.size(1)) {
                throw new IllegalArgumentException("GradCam: the head must return scores [N, classes] with class "
                        + targetClass + " among them, got " + Arrays.toString(scores.shape()));
            }
            Tensor y = scores.select(1, targetClass).sum();
            Tensor grad = Autograd.grad(new Tensor[] {y}, new Tensor[] {a}, null, false, false, false)[0];
            try (NoGrad ng = NoGrad.open()) {
                int[] spatialDims = new int[k];
                for (int d = 0; d < k; d++) {
                    spatialDims[d] = d + 2;
                }
                Tensor weights = grad.mean(spatialDims, true);
                Tensor cam = a.detach().mul(weights).sum(1, true).relu();
                int[] size = Arrays.copyOfRange(input.shape(), 2, input.dim());
                String mode = k == 1 ? "linear" : k == 2 ? "bilinear" : "trilinear";
                Tensor up = cam.toFloat().interpolate(size, mode, false).squeeze(1);
                // per-image min-max to [0, 1]
                int[] all = new int[k];
                for (int d = 0; d < k; d++) {
                    all[d] = d + 1;
                }
                Tensor min = up.amin(all, true);
                Tensor range = up.amax(all, true).sub(min).clampMin(1e-12);
                return s.keep(up.sub(min).div(range));
            }
        }
    }
}
