package org.vesalius.backend.cpu;

import static org.vesalius.backend.cpu.NnTensors.floatType;
import static org.vesalius.backend.cpu.NnTensors.indices;
import static org.vesalius.backend.cpu.NnTensors.offset;
import static org.vesalius.backend.cpu.NnTensors.planes;
import static org.vesalius.backend.cpu.NnTensors.requireContiguous;
import static org.vesalius.backend.cpu.NnTensors.spatial;
import static org.vesalius.backend.cpu.NnTensors.storage;

import org.vesalius.backend.PoolParams;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** The backend's pooling entry points: geometry from the tensors' shapes, then the dtype's kernels. */
final class CpuPooling {
    private static final ParallelRange PAR = ParallelRange.POOL;

    private CpuPooling() {
    }

    static void maxPool(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        int nd = p.spatialDims();
        max("maxPool", x, out, indices, PoolGeometry.window(spatial(x, nd), spatial(out, nd), p, false));
    }

    static void adaptiveMaxPool(Tensor x, Tensor out, Tensor indices) {
        int nd = x.dim() - 2;
        max("adaptiveMaxPool", x, out, indices, PoolGeometry.adaptive(spatial(x, nd), spatial(out, nd)));
    }

    private static void max(String op, Tensor x, Tensor out, Tensor indices, PoolGeometry g) {
        requireContiguous(op, x, out, indices);
        int planes = planes(x, x.dim() - 2);
        if (floatType(op, x) == DType.FLOAT32) {
            PoolKernelsF32.maxPool(storage(x), x.offset(), storage(out), out.offset(), indices(indices),
                    offset(indices), planes, g, PAR);
        } else {
            PoolKernelsF64.maxPool(storage(x), x.offset(), storage(out), out.offset(), indices(indices),
                    offset(indices), planes, g, PAR);
        }
    }

    static void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        requireContiguous("maxPoolBackward", gradOut, indices, gradIn);
        int nd = gradIn.dim() - 2;
        int planes = planes(gradIn, nd);
        int inP = gradIn.checkedNumel("maxPoolBackward") / Math.max(planes, 1);
        int outP = gradOut.checkedNumel("maxPoolBackward") / Math.max(planes, 1);
        if (floatType("maxPoolBackward", gradOut) == DType.FLOAT32) {
            PoolKernelsF32.maxPoolBackward(storage(gradOut), gradOut.offset(), indices(indices), indices.offset(),
                    storage(gradIn), gradIn.offset(), planes, inP, outP, PAR);
        } else {
            PoolKernelsF64.maxPoolBackward(storage(gradOut), gradOut.offset(), indices(indices), indices.offset(),
                    storage(gradIn), gradIn.offset(), planes, inP, outP, PAR);
        }
    }

    static void avgPool(Tensor x, PoolParams p, Tensor out) {
        int nd = p.spatialDims();
        avg("avgPool", x, out, PoolGeometry.window(spatial(x, nd), spatial(out, nd), p, true));
    }

    static void adaptiveAvgPool(Tensor x, Tensor out) {
        int nd = x.dim() - 2;
        avg("adaptiveAvgPool", x, out, PoolGeometry.adaptive(spatial(x, nd), spatial(out, nd)));
    }

    private static void avg(String op, Tensor x, Tensor out, PoolGeometry g) {
        requireContiguous(op, x, out);
        int planes = planes(x, x.dim() - 2);
        if (floatType(op, x) == DType.FLOAT32) {
            PoolKernelsF32.avgPool(storage(x), x.offset(), storage(out), out.offset(), planes, g, PAR);
        } else {
            PoolKernelsF64.avgPool(storage(x), x.offset(), storage(out), out.offset(), planes, g, PAR);
        }
    }

    static void avgPoolBackward(Tensor gradOut, PoolParams p, Tensor gradIn) {
        int nd = p.spatialDims();
        avgBackward("avgPoolBackward", gradOut, gradIn,
                PoolGeometry.window(spatial(gradIn, nd), spatial(gradOut, nd), p, true));
    }

    static void adaptiveAvgPoolBackward(Tensor gradOut, Tensor gradIn) {
        int nd = gradIn.dim() - 2;
        avgBackward("adaptiveAvgPoolBackward", gradOut, gradIn,
                PoolGeometry.adaptive(spatial(gradIn, nd), spatial(gradOut, nd)));
    }

    private static void avgBackward(String op, Tensor gradOut, Tensor gradIn, PoolGeometry g) {
        requireContiguous(op, gradOut, gradIn);
        int planes = planes(gradIn, gradIn.dim() - 2);
        if (floatType(op, gradOut) == DType.FLOAT32) {
            PoolKernelsF32.avgPoolBackward(storage(gradOut), gradOut.offset(), storage(gradIn), gradIn.offset(), planes,
                    g, PAR);
        } else {
            PoolKernelsF64.avgPoolBackward(storage(gradOut), gradOut.offset(), storage(gradIn), gradIn.offset(), planes,
                    g, PAR);
        }
    }
}
