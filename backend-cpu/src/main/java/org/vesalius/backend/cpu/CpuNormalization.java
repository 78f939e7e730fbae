package org.vesalius.backend.cpu;

import static org.vesalius.backend.cpu.NnTensors.doubleArray;
import static org.vesalius.backend.cpu.NnTensors.floatArray;
import static org.vesalius.backend.cpu.NnTensors.floatType;
import static org.vesalius.backend.cpu.NnTensors.offset;
import static org.vesalius.backend.cpu.NnTensors.requireContiguous;
import static org.vesalius.backend.cpu.NnTensors.store;
import static org.vesalius.backend.cpu.NnTensors.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.backend.cpu.dnnl.DnnlException;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The backend's batch, layer and group norm entry points. float32 runs on oneDNN
 * ({@link DnnlNormalization}) where it is available; float64, group and instance norm over short
 * spatial extents, and input-free backward passes (no input gradient wanted) run the Java kernels:
 * weights and statistics are read into Java arrays, the dtype's kernels stream through the large
 * tensors, and updated statistics and parameter gradients are written back.
 *
 * <p>{@code -Dvesalius.dnnl.norm=false} keeps float32 in Java too (the Java kernels are the reference
 * the oneDNN route is tested against).
 */
final class CpuNormalization {
    private static final Logger LOG = LoggerFactory.getLogger(CpuNormalization.class);
    private static final ParallelRange PAR = ParallelRange.POOL;
    private static volatile boolean dnnl = !"false".equalsIgnoreCase(System.getProperty("vesalius.dnnl.norm"));

    private CpuNormalization() {
    }

    /** Routes float32 normalization to oneDNN (true, the default) or to the Java kernels. */
    static void setUseDnnl(boolean use) {
        dnnl = use;
    }

    static boolean usesDnnl() {
        return dnnl;
    }

    /** float32, non-empty, oneDNN enabled and loadable. */
    private static boolean onDnnl(Tensor x) {
        return dnnl && x.dtype() == DType.FLOAT32 && x.numel() > 0 && DnnlNormalization.available();
    }

    /** A configuration oneDNN has no kernel for is computed in Java; any other oneDNN error propagates. */
    private static void fallback(String op, Tensor x, DnnlException e) {
        if (!e.isUnimplemented()) {
            throw e;
        }
        LOG.debug("oneDNN has no kernel for {} of {}; computing in Java", op, java.util.Arrays.toString(x.shape()));
    }

    /** [n, c, s] sizes of a [N, C, *] tensor. */
    private static int[] ncs(Tensor x) {
        int n = x.size(0);
        int c = x.dim() > 1 ? x.size(1) : 1;
        int s = n * c == 0 ? 0 : x.checkedNumel("normalization") / (n * c);
        return new int[] {n, c, s};
    }

    static void batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                          boolean training, double momentum, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        requireContiguous("batchNorm", x, weight, bias, runningMean, runningVar, out, saveMean, saveInvStd);
        int[] d = ncs(x);
        if (floatType("batchNorm", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, out,
                        saveMean, saveInvStd)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("batchNorm", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] rm = floatArray(runningMean);
            float[] rv = floatArray(runningVar);
            float[] sm = new float[d[1]];
            float[] si = new float[d[1]];
            NormKernelsF32.batchNorm(storage(x), x.offset(), storage(out), out.offset(), d[0], d[1], d[2],
                    floatArray(weight), floatArray(bias), rm, rv, training, momentum, eps, sm, si, PAR);
            if (training) {
                store(rm, runningMean);
                store(rv, runningVar);
            }
            store(sm, saveMean);
            store(si, saveInvStd);
        } else {
            double[] rm = doubleArray(runningMean);
            double[] rv = doubleArray(runningVar);
            double[] sm = new double[d[1]];
            double[] si = new double[d[1]];
            NormKernelsF64.batchNorm(storage(x), x.offset(), storage(out), out.offset(), d[0], d[1], d[2],
                    doubleArray(weight), doubleArray(bias), rm, rv, training, momentum, eps, sm, si, PAR);
            if (training) {
                store(rm, runningMean);
                store(rv, runningVar);
            }
            store(sm, saveMean);
            store(si, saveInvStd);
        }
    }

    static void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                                  boolean training, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        requireContiguous("batchNormBackward", gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        int[] d = ncs(x);
        if (floatType("batchNormBackward", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.batchNormBackward(gradOut, x, weight, saveMean, saveInvStd, training, gradIn,
                        gradWeight, gradBias)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("batchNormBackward", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] gw = gradWeight == null ? null : new float[d[1]];
            float[] gb = gradBias == null ? null : new float[d[1]];
            NormKernelsF32.batchNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), d[0], d[1], d[2], floatArray(weight), floatArray(saveMean),
                    floatArray(saveInvStd), training, gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        } else {
            double[] gw = gradWeight == null ? null : new double[d[1]];
            double[] gb = gradBias == null ? null : new double[d[1]];
            NormKernelsF64.batchNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), d[0], d[1], d[2], doubleArray(weight), doubleArray(saveMean),
                    doubleArray(saveInvStd), training, gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        }
    }

    static void layerNorm(Tensor x, int k, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        requireContiguous("layerNorm", x, weight, bias, out, saveMean, saveInvStd);
        int rows = k == 0 ? 0 : x.checkedNumel("layerNorm") / k;
        if (floatType("layerNorm", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.layerNorm(x, k, weight, bias, eps, out, saveMean, saveInvStd)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("layerNorm", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] sm = new float[rows];
            float[] si = new float[rows];
            NormKernelsF32.layerNorm(storage(x), x.offset(), storage(out), out.offset(), rows, k, floatArray(weight),
                    floatArray(bias), eps, sm, si, PAR);
            store(sm, saveMean);
            store(si, saveInvStd);
        } else {
            double[] sm = new double[rows];
            double[] si = new double[rows];
            NormKernelsF64.layerNorm(storage(x), x.offset(), storage(out), out.offset(), rows, k, doubleArray(weight),
                    doubleArray(bias), eps, sm, si, PAR);
            store(sm, saveMean);
            store(si, saveInvStd);
        }
    }

    static void layerNormBackward(Tensor gradOut, Tensor x, int k, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                                  Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        requireContiguous("layerNormBackward", gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        int rows = k == 0 ? 0 : x.checkedNumel("layerNormBackward") / k;
        if (floatType("layerNormBackward", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.layerNormBackward(gradOut, x, k, weight, saveMean, saveInvStd, gradIn, gradWeight,
                        gradBias)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("layerNormBackward", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] gw = gradWeight == null ? null : new float[k];
            float[] gb = gradBias == null ? null : new float[k];
            NormKernelsF32.layerNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), rows, k, floatArray(weight), floatArray(saveMean),
                    floatArray(saveInvStd), gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        } else {
            double[] gw = gradWeight == null ? null : new double[k];
            double[] gb = gradBias == null ? null : new double[k];
            NormKernelsF64.layerNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), rows, k, doubleArray(weight), doubleArray(saveMean),
                    doubleArray(saveInvStd), gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        }
    }

    static void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor out, Tensor saveMean,
                          Tensor saveInvStd) {
        requireContiguous("groupNorm", x, weight, bias, out, saveMean, saveInvStd);
        int[] d = ncs(x);
        if (floatType("groupNorm", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.groupNorm(x, groups, weight, bias, eps, out, saveMean, saveInvStd)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("groupNorm", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] sm = new float[d[0] * groups];
            float[] si = new float[d[0] * groups];
            NormKernelsF32.groupNorm(storage(x), x.offset(), storage(out), out.offset(), d[0], d[1], d[2], groups,
                    floatArray(weight), floatArray(bias), eps, sm, si, PAR);
            store(sm, saveMean);
            store(si, saveInvStd);
        } else {
            double[] sm = new double[d[0] * groups];
            double[] si = new double[d[0] * groups];
            NormKernelsF64.groupNorm(storage(x), x.offset(), storage(out), out.offset(), d[0], d[1], d[2], groups,
                    doubleArray(weight), doubleArray(bias), eps, sm, si, PAR);
            store(sm, saveMean);
            store(si, saveInvStd);
        }
    }

    static void groupNormBackward(Tensor gradOut, Tensor x, int groups, Tensor weight, Tensor saveMean,
                                  Tensor saveInvStd, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {
        requireContiguous("groupNormBackward", gradOut, x, weight, saveMean, saveInvStd, gradIn, gradWeight, gradBias);
        int[] d = ncs(x);
        if (floatType("groupNormBackward", x) == DType.FLOAT32 && onDnnl(x)) {
            try {
                if (DnnlNormalization.groupNormBackward(gradOut, x, groups, weight, saveMean, saveInvStd, gradIn,
                        gradWeight, gradBias)) {
                    return;
                }
            } catch (DnnlException e) {
                fallback("groupNormBackward", x, e);
            }
        }
        if (x.dtype() == DType.FLOAT32) {
            float[] gw = gradWeight == null ? null : new float[d[1]];
            float[] gb = gradBias == null ? null : new float[d[1]];
            NormKernelsF32.groupNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), d[0], d[1], d[2], groups, floatArray(weight), floatArray(saveMean),
                    floatArray(saveInvStd), gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        } else {
            double[] gw = gradWeight == null ? null : new double[d[1]];
            double[] gb = gradBias == null ? null : new double[d[1]];
            NormKernelsF64.groupNormBackward(storage(gradOut), gradOut.offset(), storage(x), x.offset(),
                    storage(gradIn), offset(gradIn), d[0], d[1], d[2], groups, doubleArray(weight),
                    doubleArray(saveMean), doubleArray(saveInvStd), gw, gb, PAR);
            storeIf(gw, gradWeight);
            storeIf(gb, gradBias);
        }
    }

    private static void storeIf(float[] a, Tensor t) {
        if (a != null) {
            store(a, t);
        }
    }

    private static void storeIf(double[] a, Tensor t) {
        if (a != null) {
            store(a, t);
        }
    }
}
