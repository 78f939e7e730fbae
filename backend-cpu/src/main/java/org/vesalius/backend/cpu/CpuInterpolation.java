package org.vesalius.backend.cpu;

import static org.vesalius.backend.cpu.NnTensors.floatType;
import static org.vesalius.backend.cpu.NnTensors.planes;
import static org.vesalius.backend.cpu.NnTensors.requireContiguous;
import static org.vesalius.backend.cpu.NnTensors.spatial;
import static org.vesalius.backend.cpu.NnTensors.storage;

import java.util.Arrays;
import org.vesalius.backend.InterpolationMode;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** The backend's resampling entry points: sizes padded to 3 spatial dims, then the dtype's kernels. */
final class CpuInterpolation {
    private static final ParallelRange PAR = ParallelRange.POOL;

    private CpuInterpolation() {
    }

    static void interpolate(Tensor x, InterpolationMode mode, boolean alignCorners, double[] scaleFactors, Tensor out) {
        requireContiguous("interpolate", x, out);
        int nd = x.dim() - 2;
        requireBicubic2d("interpolate", mode, x);
        int[] in = PoolGeometry.to3(spatial(x, nd));
        int[] o = PoolGeometry.to3(spatial(out, nd));
        double[] sf = scales3(scaleFactors, nd);
        int planes = planes(x, nd);
        if (floatType("interpolate", x) == DType.FLOAT32) {
            InterpKernelsF32.interpolate(storage(x), x.offset(), storage(out), out.offset(), planes, in, o, mode,
                    alignCorners, sf, PAR);
        } else {
            InterpKernelsF64.interpolate(storage(x), x.offset(), storage(out), out.offset(), planes, in, o, mode,
                    alignCorners, sf, PAR);
        }
    }

    static void interpolateBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double[] scaleFactors,
                                    Tensor gradIn) {
        requireContiguous("interpolateBackward", gradOut, gradIn);
        int nd = gradIn.dim() - 2;
        requireBicubic2d("interpolateBackward", mode, gradIn);
        int[] in = PoolGeometry.to3(spatial(gradIn, nd));
        int[] o = PoolGeometry.to3(spatial(gradOut, nd));
        double[] sf = scales3(scaleFactors, nd);
        int planes = planes(gradIn, nd);
        if (floatType("interpolateBackward", gradOut) == DType.FLOAT32) {
            InterpKernelsF32.interpolateBackward(storage(gradOut), gradOut.offset(), storage(gradIn), gradIn.offset(),
                    planes, in, o, mode, alignCorners, sf, PAR);
        } else {
            InterpKernelsF64.interpolateBackward(storage(gradOut), gradOut.offset(), storage(gradIn), gradIn.offset(),
                    planes, in, o, mode, alignCorners, sf, PAR);
        }
    }

    private static void requireBicubic2d(String op, InterpolationMode mode, Tensor t) {
        if (mode == InterpolationMode.BICUBIC && t.dim() != 4) {
            throw new IllegalArgumentException(op + ": bicubic is 2-D only, as in PyTorch: it needs [N, C, H, W] "
                    + "tensors, got shape " + Arrays.toString(t.shape()));
        }
    }

    private static double[] scales3(double[] scaleFactors, int nd) {
        double[] sf = new double[3];
        if (scaleFactors != null) {
            if (scaleFactors.length != nd) {
                throw new IllegalArgumentException("interpolate: " + scaleFactors.length + " scale factors for " + nd
                        + " spatial dims");
            }
            System.arraycopy(scaleFactors, 0, sf, 3 - nd, nd);
        }
        return sf;
    }
}
