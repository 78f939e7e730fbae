package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.Autograd;
import org.vesalius.autograd.GradMode;
import org.vesalius.autograd.Node;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.Storage;
import org.vesalius.backend.UnaryOp;

/**
 * An n-dimensional array on a device, with PyTorch's semantics and names in camelCase.
 *
 * <p>A tensor is a strided view of a {@link Storage}: views (reshape, permute, transpose, narrow,
 * expand, ...) share memory, and {@link #contiguous()} copies only when the layout needs it. Ops
 * broadcast like NumPy, promote dtypes like PyTorch, and record an autograd graph when an input
 * {@link #requiresGrad() requires grad}. Tensors hold native memory: close them, or open a
 * {@link Scope} around a loop body; a GC cleaner is only the safety net.
 *
 * <p>Methods are grouped as in the PyTorch docs; the work is done in package-private op classes
 * ({@code Creation}, {@code Views}, {@code Elementwise}, {@code Reductions}, ...), this class only
 * names them.
 */
public final class Tensor implements AutoCloseable {
    private static final java.lang.invoke.VarHandle CLOSED;

    static {
        try {
            CLOSED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Tensor.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Storage storage;
    final DType dtype;
    final int[] shape;
    final int[] strides;
    final int offset;

    private boolean requiresGrad;
    private boolean retainsGrad;
    private Tensor grad;
    Node gradFn;
    Scope scope;
    private volatile boolean closed;
    /** The tensor this one is a view of (the root of a chain of views), or {@code null}. */
    Tensor base;

    Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        storage.retain();
        Scope.register(this);
    }

    // =====================================================================================
    // Attributes

    /** The sizes of the dimensions (a copy). A 0-dim (scalar) tensor has shape {@code []}. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dimension; negative dims count from the end. */
    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /**
     * Number of elements, a long as PyTorch's int64 numel: a view such as {@code expand} may have
     * more than 2^31-1 elements, although a tensor with its own memory holds at most 2^31-1.
     */
    public long numel() {
        return Shapes.numel(shape);
    }

    /**
     * {@link #numel()} as an int, for code that must hold every element at once (a Java array, a
     * contiguous copy). Throws an {@link IllegalArgumentException} naming {@code op}, the shape, the
     * count and the limit (2^31-1) when this tensor (a large view) has more.
     */
    public int checkedNumel(String op) {
        return Shapes.checkedElements(op, shape);
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage.device();
    }

    /** Element strides of each dimension (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the storage, in elements. */
    public int offset() {
        return offset;
    }

    /** The memory this tensor views (for backends and interop). */
    public Storage storage() {
        return storage;
    }

    /** The backend that computes on this tensor. */
    public Backend backend() {
        return storage.backend();
    }

    /** True when elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1) {
                if (strides[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
        }
        return true;
    }

    // =====================================================================================
    // Autograd

    /** Whether gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a parameter (gradients will be accumulated into {@link #grad()}).
     * Returns this tensor.
     */
    public Tensor requiresGrad_(boolean requires) {
        if (gradFn != null && !requires) {
            throw new IllegalStateException("requiresGrad_: cannot turn off grad on a non-leaf tensor (produced by "
                    + gradFn + "); use detach()");
        }
        if (requires && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad_: only floating point tensors can require grad, got " + dtype);
        }
        requiresGrad = requires;
        return this;
    }

    /** The accumulated gradient, or {@code null} before the first backward. */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient ({@code x.grad = g} in PyTorch); {@code null} clears it. The tensor takes
     * ownership: it leaves any scope and is closed when replaced again, unless it is part of a
     * recorded graph (a gradient made with {@code createGraph}): then it goes back to the current
     * {@link Scope} (or to the GC cleaner when none is open), because the graph may still read it.
     */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shapes.str(g.shape)
                    + " does not match tensor shape " + Shapes.str(shape));
        }
        Tensor old = grad;
        if (g != null) {
            Scope.detach(g);
        }
        grad = g;
        if (old != null && old != g) {
            if (old.requiresGrad) {
                Scope.register(old);
            } else {
                old.close();
            }
        }
    }

    /** The node that produced this tensor, or {@code null} for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** A leaf is a tensor not produced by a recorded op (parameters and inputs). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Makes backward store this non-leaf's gradient in {@link #grad()} too. */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad: tensor does not require grad");
        }
        retainsGrad = true;
        return this;
    }

    /** Whether {@link #retainGrad()} was called. */
    public boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * Adds {@code g} to {@link #grad()}. Called by the engine; {@code g} may be shared with other
     * tensors, so the gradient stored is always a tensor of this one's own.
     *
     * <p>With {@code createGraph} the accumulation is itself recorded ({@code grad = grad + g}, or a
     * recorded copy of {@code g} the first time), so higher-order gradients flow through gradients
     * accumulated over several backward calls, as in PyTorch. Otherwise the gradient is a detached
     * tensor, added to in place when it already holds one.
     */
    public void accumulateGrad(Tensor g, boolean createGraph) {
        if (createGraph) {
            setGrad(grad == null ? g.clone() : grad.add(g));
            return;
        }
        boolean previous = GradMode.set(false);
        try {
            if (grad == null || grad.requiresGrad) {
                // out of place when the old gradient belongs to a graph: the graph may still read it
                setGrad(grad == null ? g.detach().clone() : grad.detach().add(g));
            } else {
                grad.add_(g);
            }
        } finally {
            GradMode.set(previous);
        }
    }

    /** Backpropagates from a scalar (one-element) tensor. */
    public void backward() {
        Autograd.backward(this, Autograd.onesForScalar(this, "backward"), false, false);
    }

    /** Backpropagates with the given gradient of this tensor (same shape). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false, false);
    }

    /**
     * Backpropagates, keeping the graph ({@code retainGraph}) and/or recording the backward pass for
     * higher-order gradients ({@code createGraph}). A null gradient means ones for a scalar.
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradient == null ? Autograd.onesForScalar(this, "backward") : gradient,
                retainGraph || createGraph, createGraph);
    }

    /** A view of the same data that is cut off from the graph. */
    public Tensor detach() {
        checkOpen("detach");
        return new Tensor(storage, dtype, shape, strides, offset);
    }

    /** Clears the gradient (sets it to null and frees it), like {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        setGrad(null);
    }

    /**
     * PyTorch's {@code zero_grad(set_to_none)}: with {@code true} as {@link #zeroGrad()}; with
     * {@code false} the gradient tensor stays and is filled with zeros in place (a gradient recorded
     * with {@code createGraph} is first cut from its graph, as PyTorch's {@code detach_()} does).
     */
    public void zeroGrad(boolean setToNone) {
        if (setToNone || grad == null) {
            setGrad(null);
            return;
        }
        Tensor g = grad;
        if (g.requiresGrad) {
            g.gradFn = null;
            g.requiresGrad = false;
        }
        boolean previous = GradMode.set(false);
        try {
            g.zero_();
        } finally {
            GradMode.set(previous);
        }
    }

    // =====================================================================================
    // Lifetime

    /** Releases this tensor's hold on its storage (and its gradient). Idempotent. */
    @Override
    public void close() {
        // compare-and-set: two threads closing one tensor must release its storage once
        if (CLOSED.compareAndSet(this, false, true)) {
            gradFn = null;
            Tensor g = grad;
            grad = null;
            if (g != null) {
                g.close();
            }
            storage.release();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": tensor of shape " + Shapes.str(shape)
                    + " was closed (by close() or by the Scope it was created in; use scope.keep(t) to let it escape)");
        }
    }

    // =====================================================================================
    // Creation (see Creation)

    /** Uninitialised float32 tensor on the CPU. */
    public static Tensor empty(int... shape) {
        return Creation.empty(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor empty(DType dtype, int... shape) {
        return Creation.empty(dtype, Device.CPU, shape);
    }

    public static Tensor empty(DType dtype, Device device, int... shape) {
        return Creation.empty(dtype, device, shape);
    }

    public static Tensor zeros(int... shape) {
        return Creation.full(DType.FLOAT32, Device.CPU, 0, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return Creation.full(dtype, Device.CPU, 0, shape);
    }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        return Creation.full(dtype, device, 0, shape);
    }

    public static Tensor ones(int... shape) {
        return Creation.full(DType.FLOAT32, Device.CPU, 1, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return Creation.full(dtype, Device.CPU, 1, shape);
    }

    public static Tensor ones(DType dtype, Device device, int... shape) {
        return Creation.full(dtype, device, 1, shape);
    }

    /** Every element {@code value}; float32. */
    public static Tensor full(double value, int... shape) {
        return Creation.full(DType.FLOAT32, Device.CPU, value, shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        return Creation.full(dtype, Device.CPU, value, shape);
    }

    public static Tensor full(DType dtype, Device device, double value, int... shape) {
        return Creation.full(dtype, device, value, shape);
    }

    /** A 0-dim float32 tensor holding {@code value}. */
    public static Tensor scalar(double value) {
        return Creation.full(DType.FLOAT32, Device.CPU, value);
    }

    /** A 0-dim tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return Creation.full(dtype, Device.CPU, value);
    }

    /** {@code [0, 1, ..., end-1]} as int64, like {@code torch.arange(end)}. */
    public static Tensor arange(long end) {
        return Creation.arange(0, end, 1, DType.INT64, Device.CPU);
    }

    /** Values from start (inclusive) to end (exclusive) by step; int64 when all three are integers, else float32. */
    public static Tensor arange(double start, double end, double step) {
        boolean integral = start == Math.rint(start) && end == Math.rint(end) && step == Math.rint(step);
        return Creation.arange(start, end, step, integral ? DType.INT64 : DType.FLOAT32, Device.CPU);
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype, Device.CPU);
    }

    /** {@code steps} evenly spaced float32 values from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(start, end, steps, DType.FLOAT32, Device.CPU);
    }

    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        return Creation.linspace(start, end, steps, dtype, Device.CPU);
    }

    /** {@code n x n} identity, float32. */
    public static Tensor eye(int n) {
        return Creation.eye(n, n, DType.FLOAT32, Device.CPU);
    }

    /** {@code n x m} matrix with ones on the diagonal. */
    public static Tensor eye(int n, int m, DType dtype) {
        return Creation.eye(n, m, dtype, Device.CPU);
    }

    /** Uniform in [0, 1), float32, from the default generator. */
    public static Tensor rand(int... shape) {
        return Creation.rand(DType.FLOAT32, Device.CPU, Generator.defaultGenerator(), shape);
    }

    public static Tensor rand(Generator gen, int... shape) {
        return Creation.rand(DType.FLOAT32, Device.CPU, gen, shape);
    }

    public static Tensor rand(DType dtype, Device device, Generator gen, int... shape) {
        return Creation.rand(dtype, device, gen, shape);
    }

    /** Standard normal, float32, from the default generator. */
    public static Tensor randn(int... shape) {
        return Creation.randn(DType.FLOAT32, Device.CPU, Generator.defaultGenerator(), shape);
    }

    public static Tensor randn(Generator gen, int... shape) {
        return Creation.randn(DType.FLOAT32, Device.CPU, gen, shape);
    }

    public static Tensor randn(DType dtype, Device device, Generator gen, int... shape) {
        return Creation.randn(dtype, device, gen, shape);
    }

    /** Integers in [low, high) as int64, from the default generator. */
    public static Tensor randint(long low, long high, int... shape) {
        return Creation.randint(low, high, DType.INT64, Device.CPU, Generator.defaultGenerator(), shape);
    }

    public static Tensor randint(long low, long high, Generator gen, int... shape) {
        return Creation.randint(low, high, DType.INT64, Device.CPU, gen, shape);
    }

    /** A random permutation of {@code 0 .. n-1}, int64 {@code [n]}, drawn from the default generator. */
    public static Tensor randperm(int n) {
        return Sorting.randperm(n, Generator.defaultGenerator(), Device.CPU);
    }

    /** A random permutation of {@code 0 .. n-1}, int64 {@code [n]}, drawn from {@code gen}. */
    public static Tensor randperm(int n, Generator gen) {
        return Sorting.randperm(n, gen, Device.CPU);
    }

    /**
     * Seeds the calling thread's default generator, like {@code torch.manual_seed} but per thread:
     * afterwards this thread's unseeded random ops ({@code rand}, {@code randn}, {@code randint},
     * {@code randperm}, {@code dropout}, the initial weights of layers built without a generator and
     * {@code Dropout} modules without one) draw the same numbers on every run, whatever other threads
     * draw. Other threads' default generators are not touched; each thread that needs repeatable
     * numbers seeds its own (see {@link Generator} for the seeds of threads that do not).
     */
    public static void manualSeed(long seed) {
        Generator.seedDefault(seed);
    }

    /** A float32 tensor holding {@code data} (row-major) with the given shape; no shape means 1-D. */
    public static Tensor of(float[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.FLOAT32, shape);
    }

    /** A float64 tensor. */
    public static Tensor of(double[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.FLOAT64, shape);
    }

    /** An int64 tensor. */
    public static Tensor of(long[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.INT64, shape);
    }

    /** An int32 tensor. */
    public static Tensor of(int[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.INT32, shape);
    }

    /** A uint8 tensor (bytes read as 0..255). */
    public static Tensor of(byte[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.UINT8, shape);
    }

    /** A bool tensor. */
    public static Tensor of(boolean[] data, int... shape) {
        return Creation.fromArray(data, data.length, DType.BOOL, shape);
    }

    /** A float32 matrix from rows of equal length. */
    public static Tensor of(float[][] rows) {
        return Creation.fromRows(rows);
    }

    /** Same shape, dtype and device, uninitialised. */
    public static Tensor emptyLike(Tensor t) {
        return Creation.empty("emptyLike", t.dtype, t.device(), t.shape);
    }

    public static Tensor zerosLike(Tensor t) {
        return Creation.full(t.dtype, t.device(), 0, t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return Creation.full(t.dtype, t.device(), 1, t.shape);
    }

    public static Tensor fullLike(Tensor t, double value) {
        return Creation.full(t.dtype, t.device(), value, t.shape);
    }

    public static Tensor randLike(Tensor t) {
        return Creation.rand(t.dtype, t.device(), Generator.defaultGenerator(), t.shape);
    }

    public static Tensor randnLike(Tensor t) {
        return Creation.randn(t.dtype, t.device(), Generator.defaultGenerator(), t.shape);
    }

    public static Tensor randintLike(Tensor t, long low, long high) {
        return Creation.randint(low, high, t.dtype, t.device(), Generator.defaultGenerator(), t.shape);
    }

    // =====================================================================================
    // Conversion and host access (see Conversion)

    /** This tensor as {@code dtype} (itself when already of that dtype). Differentiable between floats. */
    public Tensor to(DType dtype) {
        return Conversion.to(this, dtype);
    }

    /** This tensor on {@code device} (itself when already there). Differentiable. */
    public Tensor to(Device device) {
        return Conversion.to(this, device);
    }

    /** This tensor on the CPU. */
    public Tensor cpu() {
        return Conversion.to(this, Device.CPU);
    }

    public Tensor toFloat() {
        return to(DType.FLOAT32);
    }

    public Tensor toDouble() {
        return to(DType.FLOAT64);
    }

    public Tensor toLong() {
        return to(DType.INT64);
    }

    /** The single element as a double (waits for the device). */
    public double item() {
        return Conversion.item(this);
    }

    /** All elements, row-major, converted to float. */
    public float[] toFloatArray() {
        return (float[]) Conversion.toArray(this, DType.FLOAT32, "toFloatArray");
    }

    public double[] toDoubleArray() {
        return (double[]) Conversion.toArray(this, DType.FLOAT64, "toDoubleArray");
    }

    public long[] toLongArray() {
        return (long[]) Conversion.toArray(this, DType.INT64, "toLongArray");
    }

    public int[] toIntArray() {
        return (int[]) Conversion.toArray(this, DType.INT32, "toIntArray");
    }

    /** Elements as uint8 bytes. */
    public byte[] toByteArray() {
        return (byte[]) Conversion.toArray(this, DType.UINT8, "toByteArray");
    }

    public boolean[] toBooleanArray() {
        return (boolean[]) Conversion.toArray(this, DType.BOOL, "toBooleanArray");
    }

    /** PyTorch-style printout: {@code tensor([[1., 2.], [3., 4.]])}. */
    @Override
    public String toString() {
        return closed ? "tensor(<closed>, shape=" + Shapes.str(shape) + ")" : Printing.format(this);
    }

    // =====================================================================================
    // Views and copies of layout (see Views)

    /** Same data with a new shape (one dim may be -1); fails if the layout does not allow a view. */
    public Tensor view(int... shape) {
        return Views.view(this, shape);
    }

    /** Same data with a new shape: a view when possible, a copy otherwise. */
    public Tensor reshape(int... shape) {
        return Views.reshape(this, shape);
    }

    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** Transpose of a matrix (rank 2), or the tensor itself for rank 0 and 1. */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got shape " + Shapes.str(shape)
                    + "; use transpose(dim0, dim1) or mT()");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** Transpose of the last two dims (batched matrices). */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    /** Removes every dim of size 1. */
    public Tensor squeeze() {
        return Views.squeeze(this, null);
    }

    /** Removes {@code dim} if it has size 1. */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, new int[] {dim});
    }

    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** Broadcasts to {@code shape} without copying (-1 keeps a dim). */
    public Tensor expand(int... shape) {
        return Views.expand(this, shape);
    }

    public Tensor expandAs(Tensor other) {
        return Views.expand(this, other.shape);
    }

    /** Flattens into one dim. */
    public Tensor flatten() {
        return Views.flatten(this, 0, -1);
    }

    /** Flattens dims {@code startDim..} into one, e.g. {@code flatten(1)} keeps the batch dim. */
    public Tensor flatten(int startDim) {
        return Views.flatten(this, startDim, -1);
    }

    /** Flattens dims {@code startDim..endDim} (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    /** Elements {@code start .. start+length-1} of {@code dim}, as a view. */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /** Python's {@code x[:, start:end:step]} on {@code dim}; negative and out-of-range bounds clamp like Python. */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step, "slice");
    }

    /** {@code x[:, index]} on {@code dim}: a view with that dim removed. */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** Sliding windows of {@code size} with {@code step} along {@code dim}, as a new last dim (a view). */
    public Tensor unfold(int dim, int size, int step) {
        return Views.unfold(this, dim, size, step);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copyOf(this, "contiguous");
    }

    /** A contiguous copy that stays in the graph. */
    public Tensor clone() {
        return Views.copyOf(this, "clone");
    }

    /**
     * Copies {@code src} (broadcast to this shape, any dtype and device) into this tensor, in place.
     * Returns this tensor.
     */
    public Tensor copy_(Tensor src) {
        return Views.copyInto(this, src);
    }

    // =====================================================================================
    // Elementwise math (see Elementwise)

    public Tensor add(Tensor other) {
        return Elementwise.binary(BinaryOp.ADD, this, other);
    }

    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) {
        return alpha == 1 ? add(other) : add(other.mul(alpha));
    }

    public Tensor add(double value) {
        return Elementwise.affine(this, 1, value, "add");
    }

    public Tensor sub(Tensor other) {
        return Elementwise.binary(BinaryOp.SUB, this, other);
    }

    public Tensor sub(double value) {
        return Elementwise.affine(this, 1, -value, "sub");
    }

    /** {@code value - this}. */
    public Tensor rsub(double value) {
        return Elementwise.affine(this, -1, value, "rsub");
    }

    public Tensor mul(Tensor other) {
        return Elementwise.binary(BinaryOp.MUL, this, other);
    }

    public Tensor mul(double value) {
        return Elementwise.affine(this, value, 0, "mul");
    }

    /** True division: integer inputs give float32. */
    public Tensor div(Tensor other) {
        return Elementwise.binary(BinaryOp.DIV, this, other);
    }

    public Tensor div(double value) {
        return Elementwise.divScalar(this, value);
    }

    public Tensor pow(Tensor exponent) {
        return Elementwise.binary(BinaryOp.POW, this, exponent);
    }

    public Tensor pow(double exponent) {
        return Elementwise.powScalar(this, exponent);
    }

    /** Python's {@code %}: result has the divisor's sign. */
    public Tensor remainder(Tensor other) {
        return Elementwise.binary(BinaryOp.REMAINDER, this, other);
    }

    public Tensor floorDivide(Tensor other) {
        return Elementwise.binary(BinaryOp.FLOOR_DIVIDE, this, other);
    }

    public Tensor atan2(Tensor other) {
        return Elementwise.binary(BinaryOp.ATAN2, this, other);
    }

    public Tensor maximum(Tensor other) {
        return Elementwise.binary(BinaryOp.MAXIMUM, this, other);
    }

    public Tensor minimum(Tensor other) {
        return Elementwise.binary(BinaryOp.MINIMUM, this, other);
    }

    public Tensor neg() {
        return Elementwise.unary(UnaryOp.NEG, this);
    }

    public Tensor abs() {
        return Elementwise.unary(UnaryOp.ABS, this);
    }

    public Tensor exp() {
        return Elementwise.unary(UnaryOp.EXP, this);
    }

    public Tensor log() {
        return Elementwise.unary(UnaryOp.LOG, this);
    }

    public Tensor log1p() {
        return Elementwise.unary(UnaryOp.LOG1P, this);
    }

    public Tensor expm1() {
        return Elementwise.unary(UnaryOp.EXPM1, this);
    }

    public Tensor sqrt() {
        return Elementwise.unary(UnaryOp.SQRT, this);
    }

    public Tensor rsqrt() {
        return Elementwise.unary(UnaryOp.RSQRT, this);
    }

    public Tensor sin() {
        return Elementwise.unary(UnaryOp.SIN, this);
    }

    public Tensor cos() {
        return Elementwise.unary(UnaryOp.COS, this);
    }

    public Tensor tanh() {
        return Elementwise.unary(UnaryOp.TANH, this);
    }

    public Tensor sigmoid() {
        return Elementwise.unary(UnaryOp.SIGMOID, this);
    }

    public Tensor erf() {
        return Elementwise.unary(UnaryOp.ERF, this);
    }

    public Tensor reciprocal() {
        return Elementwise.unary(UnaryOp.RECIPROCAL, this);
    }

    public Tensor square() {
        return Elementwise.unary(UnaryOp.SQUARE, this);
    }

    public Tensor relu() {
        return Elementwise.unary(UnaryOp.RELU, this);
    }

    public Tensor leakyRelu(double negativeSlope) {
        return Elementwise.unary(UnaryOp.LEAKY_RELU, this, negativeSlope, 0);
    }

    public Tensor elu(double alpha) {
        return Elementwise.unary(UnaryOp.ELU, this, alpha, 0);
    }

    public Tensor selu() {
        return Elementwise.unary(UnaryOp.SELU, this);
    }

    /** Exact GELU, {@code x * Phi(x)}. */
    public Tensor gelu() {
        return Elementwise.unary(UnaryOp.GELU, this);
    }

    /** GELU with {@code approximate="tanh"} ({@code "none"} is {@link #gelu()}). */
    public Tensor gelu(String approximate) {
        switch (approximate) {
            case "none": return gelu();
            case "tanh": return Elementwise.unary(UnaryOp.GELU_TANH, this);
            default: throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
    }

    public Tensor silu() {
        return Elementwise.unary(UnaryOp.SILU, this);
    }

    /** {@code log(1 + exp(beta x)) / beta}, linear where {@code beta x > threshold}. */
    public Tensor softplus(double beta, double threshold) {
        return Elementwise.unary(UnaryOp.SOFTPLUS, this, beta, threshold);
    }

    public Tensor softplus() {
        return softplus(1, 20);
    }

    /** Clamps to [min, max]; pass {@code Double.NaN} for no bound on a side. */
    public Tensor clamp(double min, double max) {
        return Elementwise.unary(UnaryOp.CLAMP, this, min, max);
    }

    public Tensor clampMin(double min) {
        return clamp(min, Double.NaN);
    }

    public Tensor clampMax(double max) {
        return clamp(Double.NaN, max);
    }

    public Tensor sign() {
        return Elementwise.unary(UnaryOp.SIGN, this);
    }

    public Tensor floor() {
        return Elementwise.unary(UnaryOp.FLOOR, this);
    }

    public Tensor ceil() {
        return Elementwise.unary(UnaryOp.CEIL, this);
    }

    /** Rounds half to even, as PyTorch. */
    public Tensor round() {
        return Elementwise.unary(UnaryOp.ROUND, this);
    }

    public Tensor trunc() {
        return Elementwise.unary(UnaryOp.TRUNC, this);
    }

    // ---- comparisons and logic: bool results

    public Tensor eq(Tensor other) {
        return Elementwise.binary(BinaryOp.EQ, this, other);
    }

    public Tensor eq(double value) {
        return eq(scalarLike(value));
    }

    public Tensor ne(Tensor other) {
        return Elementwise.binary(BinaryOp.NE, this, other);
    }

    public Tensor ne(double value) {
        return ne(scalarLike(value));
    }

    public Tensor lt(Tensor other) {
        return Elementwise.binary(BinaryOp.LT, this, other);
    }

    public Tensor lt(double value) {
        return lt(scalarLike(value));
    }

    public Tensor le(Tensor other) {
        return Elementwise.binary(BinaryOp.LE, this, other);
    }

    public Tensor le(double value) {
        return le(scalarLike(value));
    }

    public Tensor gt(Tensor other) {
        return Elementwise.binary(BinaryOp.GT, this, other);
    }

    public Tensor gt(double value) {
        return gt(scalarLike(value));
    }

    public Tensor ge(Tensor other) {
        return Elementwise.binary(BinaryOp.GE, this, other);
    }

    public Tensor ge(double value) {
        return ge(scalarLike(value));
    }

    public Tensor logicalAnd(Tensor other) {
        return Elementwise.binary(BinaryOp.LOGICAL_AND, this, other);
    }

    public Tensor logicalOr(Tensor other) {
        return Elementwise.binary(BinaryOp.LOGICAL_OR, this, other);
    }

    public Tensor logicalXor(Tensor other) {
        return Elementwise.binary(BinaryOp.LOGICAL_XOR, this, other);
    }

    public Tensor logicalNot() {
        return Elementwise.unary(UnaryOp.LOGICAL_NOT, this);
    }

    public Tensor isNan() {
        return Elementwise.unary(UnaryOp.ISNAN, this);
    }

    public Tensor isInf() {
        return Elementwise.unary(UnaryOp.ISINF, this);
    }

    /** True when shapes are equal and every element is equal. */
    public boolean equal(Tensor other) {
        return Arrays.equals(shape, other.shape) && eq(other).all().item() != 0;
    }

    /** {@code |this - other| <= atol + rtol * |other|} everywhere (NaNs unequal). */
    public boolean allclose(Tensor other, double rtol, double atol) {
        return Elementwise.allclose(this, other, rtol, atol);
    }

    /** {@code cond ? this : other}, broadcasting all three, like {@code torch.where(cond, this, other)}. */
    public Tensor where(Tensor cond, Tensor other) {
        return Elementwise.where(cond, this, other);
    }

    /** {@code torch.where(cond, a, b)}. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /**
     * Elements where {@code mask} is true replaced by {@code value} (mask broadcasts). The result
     * keeps this tensor's dtype, as in PyTorch ({@code value} is cast: 2.5 into int64 is 2).
     */
    public Tensor maskedFill(Tensor mask, double value) {
        return Elementwise.where(mask, Creation.full(dtype, device(), value), this);
    }

    // ---- in place (not recorded: use under NoGrad, e.g. in optimizers)

    public Tensor add_(Tensor other) {
        return Elementwise.inPlace(BinaryOp.ADD, this, other);
    }

    /** {@code this += alpha * other}, in place. */
    public Tensor add_(Tensor other, double alpha) {
        return alpha == 1 ? add_(other) : Elementwise.inPlace(BinaryOp.ADD, this, other.mul(alpha));
    }

    public Tensor add_(double value) {
        return Elementwise.affineInPlace(this, 1, value, "add_");
    }

    public Tensor sub_(Tensor other) {
        return Elementwise.inPlace(BinaryOp.SUB, this, other);
    }

    public Tensor mul_(Tensor other) {
        return Elementwise.inPlace(BinaryOp.MUL, this, other);
    }

    public Tensor mul_(double value) {
        return Elementwise.affineInPlace(this, value, 0, "mul_");
    }

    public Tensor div_(Tensor other) {
        return Elementwise.inPlace(BinaryOp.DIV, this, other);
    }

    public Tensor div_(double value) {
        return Elementwise.affineInPlace(this, 1 / value, 0, "div_");
    }

    public Tensor clamp_(double min, double max) {
        return Elementwise.unaryInPlace(UnaryOp.CLAMP, this, min, max);
    }

    /** Sets every element to {@code value}. */
    public Tensor fill_(double value) {
        return Elementwise.fillInPlace(this, value);
    }

    public Tensor zero_() {
        return fill_(0);
    }

    // =====================================================================================
    // Reductions (see Reductions); dims may be negative; no dims means all

    /** Sum of all elements, a 0-dim tensor. */
    public Tensor sum() {
        return Reductions.sum(this, null, false);
    }

    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sum(this, new int[] {dim}, keepDim);
    }

    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    public Tensor mean() {
        return Reductions.mean(this, null, false);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.mean(this, new int[] {dim}, keepDim);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    /** Variance over all elements ({@code unbiased}: divide by n-1). */
    public Tensor var(boolean unbiased) {
        return Reductions.var(this, null, unbiased, false);
    }

    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) {
        return Reductions.var(this, dims, unbiased, keepDim);
    }

    public Tensor std(boolean unbiased) {
        return Reductions.var(this, null, unbiased, false).sqrt();
    }

    public Tensor std(int[] dims, boolean unbiased, boolean keepDim) {
        return Reductions.var(this, dims, unbiased, keepDim).sqrt();
    }

    public Tensor prod() {
        return Reductions.prod(this, null, false);
    }

    public Tensor prod(int dim, boolean keepDim) {
        return Reductions.prod(this, new int[] {dim}, keepDim);
    }

    /** Largest element (0-dim). */
    public Tensor max() {
        return Reductions.amax(this, null, false, true);
    }

    /** Largest values and their indices along {@code dim}. */
    public ValuesIndices max(int dim, boolean keepDim) {
        return Reductions.maxMin(this, dim, keepDim, true);
    }

    public Tensor min() {
        return Reductions.amax(this, null, false, false);
    }

    public ValuesIndices min(int dim, boolean keepDim) {
        return Reductions.maxMin(this, dim, keepDim, false);
    }

    /**
     * Sorts along {@code dim} (PyTorch's {@code torch.sort(stable=True)}): values of this tensor's shape and
     * the int64 indices they came from. Equal values keep their order; NaN sorts as the largest value.
     */
    public ValuesIndices sort(int dim, boolean descending) {
        return Sorting.sort(this, dim, descending);
    }

    /** Ascending sort along the last dim. */
    public ValuesIndices sort() {
        return Sorting.sort(this, -1, false);
    }

    /** The int64 indices that sort this tensor along {@code dim} (stable). */
    public Tensor argsort(int dim, boolean descending) {
        return Sorting.sort(this, dim, descending).indices();
    }

    /**
     * The {@code k} largest (or smallest) values along {@code dim} and their int64 indices, in sorted
     * order: shape as this tensor's with {@code k} in {@code dim}. {@code sorted} is accepted for
     * PyTorch's signature; the result is always sorted.
     */
    public ValuesIndices topk(int k, int dim, boolean largest, boolean sorted) {
        return Sorting.topk(this, k, dim, largest, sorted);
    }

    /** The {@code k} largest values along the last dim and their indices. */
    public ValuesIndices topk(int k) {
        return Sorting.topk(this, k, -1, true, true);
    }

    /** Max over several dims (gradient shared evenly among ties, as PyTorch's amax). */
    public Tensor amax(int[] dims, boolean keepDim) {
        return Reductions.amax(this, dims, keepDim, true);
    }

    public Tensor amin(int[] dims, boolean keepDim) {
        return Reductions.amax(this, dims, keepDim, false);
    }

    /** Index of the largest element of the flattened tensor (int64, 0-dim). */
    public Tensor argmax() {
        return Reductions.argAll(this, true);
    }

    public Tensor argmax(int dim, boolean keepDim) {
        return Reductions.maxMin(this, dim, keepDim, true).indices();
    }

    public Tensor argmin() {
        return Reductions.argAll(this, false);
    }

    public Tensor argmin(int dim, boolean keepDim) {
        return Reductions.maxMin(this, dim, keepDim, false).indices();
    }

    /** {@code log(sum(exp(x)))} over dims, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepDim) {
        return Reductions.logsumexp(this, dims, keepDim);
    }

    public Tensor logsumexp(int dim, boolean keepDim) {
        return Reductions.logsumexp(this, new int[] {dim}, keepDim);
    }

    /** The p-norm over all elements: p = 1, 2, or {@code Double.POSITIVE_INFINITY} (any p > 0 works). */
    public Tensor norm(double p) {
        return Reductions.norm(this, p, null, false);
    }

    /** The Frobenius / 2-norm over all elements. */
    public Tensor norm() {
        return Reductions.norm(this, 2, null, false);
    }

    public Tensor norm(double p, int[] dims, boolean keepDim) {
        return Reductions.norm(this, p, dims, keepDim);
    }

    /** Inclusive prefix sum along {@code dim}. */
    public Tensor cumsum(int dim) {
        return Reductions.cumsum(this, dim);
    }

    /** True (bool, 0-dim) when every element is nonzero. */
    public Tensor all() {
        return Reductions.allAny(this, null, false, true);
    }

    public Tensor all(int dim, boolean keepDim) {
        return Reductions.allAny(this, new int[] {dim}, keepDim, true);
    }

    public Tensor any() {
        return Reductions.allAny(this, null, false, false);
    }

    public Tensor any(int dim, boolean keepDim) {
        return Reductions.allAny(this, new int[] {dim}, keepDim, false);
    }

    /** Softmax along {@code dim}. */
    public Tensor softmax(int dim) {
        return Reductions.softmax(this, dim, false);
    }

    /** Log-softmax along {@code dim}, computed stably. */
    public Tensor logSoftmax(int dim) {
        return Reductions.softmax(this, dim, true);
    }

    // =====================================================================================
    // Indexing (see Indexing)

    /** {@code out[i][j] = this[i][index[i][j]]} along {@code dim}; index int64 of this rank. */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    /** A copy with {@code src} values written at {@code index} along {@code dim}. */
    public Tensor scatter(int dim, Tensor index, Tensor src) {
        return Indexing.scatter(this, dim, index, src, false);
    }

    /** A copy with {@code value} written at {@code index} along {@code dim}. */
    public Tensor scatter(int dim, Tensor index, double value) {
        return Indexing.scatter(this, dim, index, Creation.full(dtype, device(), value, index.shape), false);
    }

    /** A copy with {@code src} values added at {@code index} along {@code dim} (repeats accumulate). */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Indexing.scatter(this, dim, index, src, true);
    }

    /** The entries of {@code index} (1-D integers) along {@code dim}, as a copy. */
    public Tensor indexSelect(int dim, Tensor index) {
        return Indexing.indexSelect(this, dim, index);
    }

    /**
     * PyTorch's {@code x[idx]} on dim 0. With an int64 or int32 {@code idx} of any shape {@code S}
     * (negative entries count from the end), the result has shape {@code S + shape[1:]}: rows of
     * {@code x} gathered into the index's layout. With a bool mask whose shape equals the leading
     * {@code k} dims of {@code x}, the result is {@code [count, shape[k:]...]}, the selected entries
     * in row-major order. Always a copy; differentiable (repeated rows accumulate gradient).
     */
    public Tensor index(Tensor idx) {
        return Indexing.index(this, idx);
    }

    /**
     * PyTorch's {@code x[i0, i1, ...]} with {@code k <= dim()} integer (int64 or int32) index tensors
     * on the leading {@code k} dims. The index tensors broadcast together to a shape {@code B}; the
     * result has shape {@code B + shape[k:]} and holds {@code x[i0[b], i1[b], ...]} at each {@code b}.
     * Negative entries count from the end. With one index this is {@link #index(Tensor)} (which also
     * takes a bool mask); a bool mask among several indices is refused. Always a copy; differentiable
     * (repeated index tuples accumulate gradient).
     */
    public Tensor index(Tensor... indices) {
        return Indexing.index(this, indices);
    }

    /**
     * An out-of-place {@code x[idx] = values} (or {@code +=} with {@code accumulate}, where repeated
     * indices add up), with {@code idx} as in {@link #index(Tensor)}; {@code values} broadcasts to
     * the shape {@code index(idx)} would have. Same shape as this tensor; differentiable in both.
     */
    public Tensor indexPut(Tensor idx, Tensor values, boolean accumulate) {
        return Indexing.indexPut(this, idx, values, accumulate);
    }

    /**
     * An out-of-place {@code x[i, j, ...] = values} (PyTorch's {@code index_put} with a tuple): the
     * index tensors address the leading dims as in {@link #index(Tensor...)}, and {@code values}
     * broadcasts to the shape that call would return. With {@code accumulate}, repeated index tuples add
     * up. Same shape as this tensor; differentiable in both.
     */
    public Tensor indexPut(Tensor[] indices, Tensor values, boolean accumulate) {
        return Indexing.indexPut(this, indices, values, accumulate);
    }

    /** An out-of-place {@code x[idx] = value}; see {@link #indexPut(Tensor, Tensor, boolean)}. */
    public Tensor indexPut(Tensor idx, double value) {
        return Indexing.indexPut(this, idx, scalarLike(value), false);
    }

    /**
     * The elements where the bool {@code mask} is true, as a 1-D tensor in row-major order; mask and
     * this tensor broadcast together ({@code torch.masked_select}).
     */
    public Tensor maskedSelect(Tensor mask) {
        return Indexing.maskedSelect(this, mask);
    }

    /**
     * A copy with the positions where the bool {@code mask} is true filled, in row-major order, by
     * consecutive elements of {@code source} (which needs at least that many elements). The result
     * has the broadcast shape of this tensor and the mask ({@code torch.masked_scatter}).
     */
    public Tensor maskedScatter(Tensor mask, Tensor source) {
        return Indexing.maskedScatter(this, mask, source);
    }

    /** Coordinates of the nonzero (true) elements as int64 {@code [count, rank]}, row-major order. */
    public Tensor nonzero() {
        return Indexing.nonzero(this);
    }

    // =====================================================================================
    // Linear algebra (see LinearAlgebra)

    /** {@code torch.matmul}: dot, matrix-vector, matrix-matrix or batched with broadcasting. */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /**
     * A fully connected layer's {@code y = input W^T + b}, like {@code F.linear}: {@code input [*, in]},
     * {@code weight [out, in]}, {@code bias [out]} (or null) to {@code [*, out]}. One autograd op,
     * whose backward writes the weight's gradient {@code g^T input} as {@code [out, in]} directly (no
     * transposed copy) and sums the bias's over the leading dims.
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(input, weight, bias);
    }

    /** Matrix product of two rank-2 tensors. */
    public Tensor mm(Tensor other) {
        return LinearAlgebra.mm(this, other);
    }

    /** Batched matrix product {@code [B, n, m] x [B, m, p]} with no broadcasting. */
    public Tensor bmm(Tensor other) {
        return LinearAlgebra.bmm(this, other);
    }

    /** Matrix-vector product. */
    public Tensor mv(Tensor vec) {
        return LinearAlgebra.mv(this, vec);
    }

    /** Outer product of two vectors. */
    public Tensor outer(Tensor vec) {
        return LinearAlgebra.outer(this, vec);
    }

    /** Dot product of two vectors (0-dim). */
    public Tensor dot(Tensor vec) {
        return LinearAlgebra.dot(this, vec);
    }

    // =====================================================================================
    // Joining and rearranging copies: cat, stack, split, chunk, pad, flip, roll, repeat (see Joining)

    /**
     * Concatenates tensors along an existing dim, like {@code torch.cat}. Shapes must match except
     * in {@code dim} ({@code [2, 3]} and {@code [4, 3]} along 0 give {@code [6, 3]}); dtypes promote;
     * 1-D empty tensors are skipped, as in PyTorch. Differentiable: each input gets its slice of the
     * gradient.
     */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Joining.cat(Arrays.asList(tensors), dim);
    }

    /** {@link #cat(int, Tensor...)} with the tensors in a list. */
    public static Tensor cat(java.util.List<Tensor> tensors, int dim) {
        return Joining.cat(tensors, dim);
    }

    /**
     * Joins tensors of one shape along a new dim, like {@code torch.stack}: n tensors of shape
     * {@code [a, b]} stacked at dim 1 give {@code [a, n, b]}. {@code dim} ranges over rank + 1 places.
     */
    public static Tensor stack(int dim, Tensor... tensors) {
        return Joining.stack(Arrays.asList(tensors), dim);
    }

    /** {@link #stack(int, Tensor...)} with the tensors in a list. */
    public static Tensor stack(java.util.List<Tensor> tensors, int dim) {
        return Joining.stack(tensors, dim);
    }

    /**
     * Views of consecutive pieces of {@code splitSize} along {@code dim} (the last may be shorter):
     * shape {@code [5, 3]} split by 2 on dim 0 gives {@code [2, 3], [2, 3], [1, 3]}.
     */
    public java.util.List<Tensor> split(int splitSize, int dim) {
        return Joining.split(this, splitSize, dim);
    }

    /** Views of pieces with the given sizes along {@code dim}; the sizes must sum to {@code size(dim)}. */
    public java.util.List<Tensor> split(int[] sizes, int dim) {
        return Joining.split(this, sizes, dim);
    }

    /**
     * At most {@code chunks} views along {@code dim}, each {@code ceil(size(dim) / chunks)} long but
     * the last (so possibly fewer pieces than asked, as {@code torch.chunk}).
     */
    public java.util.List<Tensor> chunk(int chunks, int dim) {
        return Joining.chunk(this, chunks, dim);
    }

    /** The slices along {@code dim} as views with that dim removed: {@code [3, 4]} on dim 0 gives three {@code [4]}. */
    public java.util.List<Tensor> unbind(int dim) {
        return Joining.unbind(this, dim);
    }

    /**
     * Pads with {@code F.pad}'s convention: {@code pad} holds (before, after) pairs starting from the
     * last dim, so {@code {1, 1, 2, 2}} adds 1 on each side of the last dim and 2 on each side of
     * the one before. Negative sizes crop. {@code mode} is {@code "constant"} (fills {@code value}),
     * {@code "reflect"} (mirror without repeating the edge; pads must be smaller than the dim),
     * {@code "replicate"} (repeat the edge) or {@code "circular"} (wrap around). Unlike PyTorch, the
     * non-constant modes accept any rank and any number of padded dims.
     */
    public Tensor pad(int[] pad, String mode, double value) {
        return Joining.pad(this, pad, mode, value);
    }

    /** Pads with {@code mode} ({@code "reflect"}, {@code "replicate"}, {@code "circular"} or zeros for {@code "constant"}). */
    public Tensor pad(int[] pad, String mode) {
        return Joining.pad(this, pad, mode, 0);
    }

    /** Constant padding with {@code value}; see {@link #pad(int[], String, double)}. */
    public Tensor pad(int[] pad, double value) {
        return Joining.pad(this, pad, "constant", value);
    }

    /** Zero padding; see {@link #pad(int[], String, double)}. */
    public Tensor pad(int... pad) {
        return Joining.pad(this, pad, "constant", 0);
    }

    /** A copy with the order of elements reversed along each of {@code dims}; same shape. */
    public Tensor flip(int... dims) {
        return Joining.flip(this, dims);
    }

    /**
     * A copy shifted by {@code shifts} along {@code dim}, elements wrapping around: roll by 1 of
     * {@code [0, 1, 2]} is {@code [2, 0, 1]}. Negative shifts go the other way. Same shape.
     */
    public Tensor roll(int shifts, int dim) {
        return Joining.roll(this, new int[] {shifts}, new int[] {dim});
    }

    /** Rolls by {@code shifts[i]} along {@code dims[i]} for each i; same shape. */
    public Tensor roll(int[] shifts, int[] dims) {
        return Joining.roll(this, shifts, dims);
    }

    /** Rolls the flattened tensor by {@code shifts} and restores the shape, as {@code torch.roll(x, s)}. */
    public Tensor roll(int shifts) {
        return Joining.roll(this, new int[] {shifts}, new int[0]);
    }

    /**
     * A copy tiled {@code repeats[i]} times along each dim, like {@code Tensor.repeat}: {@code [2, 3]}
     * repeated {@code (2, 1, 2)} is {@code [2, 2, 6]}. There must be at least as many repeats as
     * dims; extra ones add leading dims.
     */
    public Tensor repeat(int... repeats) {
        return Joining.repeat(this, repeats);
    }

    /** {@link #repeat} that also accepts fewer repetitions than dims (missing leading ones count as 1), like {@code torch.tile}. */
    public Tensor tile(int... reps) {
        return Joining.tile(this, reps);
    }

    // =====================================================================================
    // Convolution (see Convolution)

    private static final int[] ONE = {1};
    private static final int[] ZERO = {0};

    /**
     * 1-d convolution (PyTorch's {@code conv1d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight [O, C/groups, kL], output [N, O, L'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv1d(Tensor weight) {
        return Convolution.conv(1, this, weight, null, ONE, ZERO, ONE, 1);
    }

    /** 1-d convolution with a bias ({@code [O]}, may be null); stride 1, no padding. See {@link #conv1d(Tensor)}. */
    public Tensor conv1d(Tensor weight, Tensor bias) {
        return Convolution.conv(1, this, weight, bias, ONE, ZERO, ONE, 1);
    }

    /**
     * 1-d convolution with one stride and padding for every spatial dim; bias {@code [O]} may be null.
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight [O, C/groups, kL], output [N, O, L'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv1d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.conv(1, this, weight, bias, new int[] {stride}, new int[] {padding}, ONE, 1);
    }

    /**
     * 1-d convolution with {@code padding = "same"} (output size = input size; needs stride 1; an
     * even kernel gets the extra zero at the end, as in PyTorch) or {@code "valid"} (no padding).
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight [O, C/groups, kL], bias {@code [O]} or null.
     */
    public Tensor conv1d(Tensor weight, Tensor bias, String padding) {
        return Convolution.conv(1, this, weight, bias, ONE, padding, ONE, 1);
    }

    /**
     * 1-d convolution, every option: {@code stride}, {@code padding} and {@code dilation} take one
     * value for all spatial dims or one per dim (dilation 1 = dense); the channels are split into
     * {@code groups} (input and output channels divisible by it; {@code groups = C} is depthwise).
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight [O, C/groups, kL], output [N, O, L'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor conv1d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv(1, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 1-d convolution with {@code padding = "same"} or {@code "valid"} and every other option; see
     * {@link #conv1d(Tensor, Tensor, int[], int[], int[], int)}. "same" needs stride 1.
     */
    public Tensor conv1d(Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        return Convolution.conv(1, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 2-d convolution (PyTorch's {@code conv2d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kH, kW], output [N, O, H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv2d(Tensor weight) {
        return Convolution.conv(2, this, weight, null, ONE, ZERO, ONE, 1);
    }

    /** 2-d convolution with a bias ({@code [O]}, may be null); stride 1, no padding. See {@link #conv2d(Tensor)}. */
    public Tensor conv2d(Tensor weight, Tensor bias) {
        return Convolution.conv(2, this, weight, bias, ONE, ZERO, ONE, 1);
    }

    /**
     * 2-d convolution with one stride and padding for every spatial dim; bias {@code [O]} may be null.
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kH, kW], output [N, O, H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.conv(2, this, weight, bias, new int[] {stride}, new int[] {padding}, ONE, 1);
    }

    /**
     * 2-d convolution with {@code padding = "same"} (output size = input size; needs stride 1; an
     * even kernel gets the extra zero at the end, as in PyTorch) or {@code "valid"} (no padding).
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kH, kW], bias {@code [O]} or null.
     */
    public Tensor conv2d(Tensor weight, Tensor bias, String padding) {
        return Convolution.conv(2, this, weight, bias, ONE, padding, ONE, 1);
    }

    /**
     * 2-d convolution, every option: {@code stride}, {@code padding} and {@code dilation} take one
     * value for all spatial dims or one per dim (dilation 1 = dense); the channels are split into
     * {@code groups} (input and output channels divisible by it; {@code groups = C} is depthwise).
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kH, kW], output [N, O, H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv(2, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 2-d convolution with {@code padding = "same"} or {@code "valid"} and every other option; see
     * {@link #conv2d(Tensor, Tensor, int[], int[], int[], int)}. "same" needs stride 1.
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        return Convolution.conv(2, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 3-d convolution (PyTorch's {@code conv3d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight [O, C/groups, kD, kH, kW], output [N, O, D', H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv3d(Tensor weight) {
        return Convolution.conv(3, this, weight, null, ONE, ZERO, ONE, 1);
    }

    /** 3-d convolution with a bias ({@code [O]}, may be null); stride 1, no padding. See {@link #conv3d(Tensor)}. */
    public Tensor conv3d(Tensor weight, Tensor bias) {
        return Convolution.conv(3, this, weight, bias, ONE, ZERO, ONE, 1);
    }

    /**
     * 3-d convolution with one stride and padding for every spatial dim; bias {@code [O]} may be null.
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight [O, C/groups, kD, kH, kW], output [N, O, D', H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     */
    public Tensor conv3d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.conv(3, this, weight, bias, new int[] {stride}, new int[] {padding}, ONE, 1);
    }

    /**
     * 3-d convolution with {@code padding = "same"} (output size = input size; needs stride 1; an
     * even kernel gets the extra zero at the end, as in PyTorch) or {@code "valid"} (no padding).
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight [O, C/groups, kD, kH, kW], bias {@code [O]} or null.
     */
    public Tensor conv3d(Tensor weight, Tensor bias, String padding) {
        return Convolution.conv(3, this, weight, bias, ONE, padding, ONE, 1);
    }

    /**
     * 3-d convolution, every option: {@code stride}, {@code padding} and {@code dilation} take one
     * value for all spatial dims or one per dim (dilation 1 = dense); the channels are split into
     * {@code groups} (input and output channels divisible by it; {@code groups = C} is depthwise).
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight [O, C/groups, kD, kH, kW], output [N, O, D', H', W'] with
     * {@code out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1} per spatial dim.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor conv3d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv(3, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 3-d convolution with {@code padding = "same"} or {@code "valid"} and every other option; see
     * {@link #conv3d(Tensor, Tensor, int[], int[], int[], int)}. "same" needs stride 1.
     */
    public Tensor conv3d(Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        return Convolution.conv(3, this, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 1-d transposed convolution (PyTorch's {@code conv_transpose1d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight {@code [C, O/groups, kL]}, output
     * [N, O, L'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose1d(Tensor weight) {
        return Convolution.convTranspose(1, this, weight, null, ONE, ZERO, ZERO, 1, ONE);
    }

    /** 1-d transposed convolution with a bias ({@code [O]}, may be null). See {@link #convTranspose1d(Tensor)}. */
    public Tensor convTranspose1d(Tensor weight, Tensor bias) {
        return Convolution.convTranspose(1, this, weight, bias, ONE, ZERO, ZERO, 1, ONE);
    }

    /**
     * 1-d transposed convolution with one stride and padding for all spatial dims; bias may be null.
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight {@code [C, O/groups, kL]}, output
     * [N, O, L'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose1d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.convTranspose(1, this, weight, bias, new int[] {stride}, new int[] {padding}, ZERO, 1, ONE);
    }

    /**
     * 1-d transposed convolution with output padding (extra size at the end, to undo a strided
     * convolution exactly; must be smaller than the stride or the dilation).
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight {@code [C, O/groups, kL]}, output
     * [N, O, L'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose1d(Tensor weight, Tensor bias, int stride, int padding, int outputPadding) {
        return Convolution.convTranspose(1, this, weight, bias, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, 1, ONE);
    }

    /**
     * 1-d transposed convolution, every option, in PyTorch's argument order; each array takes one
     * value for all spatial dims or one per dim.
     *
     * <p>Input [N, C, L] (or unbatched [C, L]), weight {@code [C, O/groups, kL]}, output
     * [N, O, L'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor convTranspose1d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding, int groups,
            int[] dilation) {
        return Convolution.convTranspose(1, this, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /**
     * 2-d transposed convolution (PyTorch's {@code conv_transpose2d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight {@code [C, O/groups, kH, kW]}, output
     * [N, O, H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose2d(Tensor weight) {
        return Convolution.convTranspose(2, this, weight, null, ONE, ZERO, ZERO, 1, ONE);
    }

    /** 2-d transposed convolution with a bias ({@code [O]}, may be null). See {@link #convTranspose2d(Tensor)}. */
    public Tensor convTranspose2d(Tensor weight, Tensor bias) {
        return Convolution.convTranspose(2, this, weight, bias, ONE, ZERO, ZERO, 1, ONE);
    }

    /**
     * 2-d transposed convolution with one stride and padding for all spatial dims; bias may be null.
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight {@code [C, O/groups, kH, kW]}, output
     * [N, O, H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose2d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.convTranspose(2, this, weight, bias, new int[] {stride}, new int[] {padding}, ZERO, 1, ONE);
    }

    /**
     * 2-d transposed convolution with output padding (extra size at the end, to undo a strided
     * convolution exactly; must be smaller than the stride or the dilation).
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight {@code [C, O/groups, kH, kW]}, output
     * [N, O, H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose2d(Tensor weight, Tensor bias, int stride, int padding, int outputPadding) {
        return Convolution.convTranspose(2, this, weight, bias, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, 1, ONE);
    }

    /**
     * 2-d transposed convolution, every option, in PyTorch's argument order; each array takes one
     * value for all spatial dims or one per dim.
     *
     * <p>Input [N, C, H, W] (or unbatched [C, H, W]), weight {@code [C, O/groups, kH, kW]}, output
     * [N, O, H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor convTranspose2d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding, int groups,
            int[] dilation) {
        return Convolution.convTranspose(2, this, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /**
     * 3-d transposed convolution (PyTorch's {@code conv_transpose3d}), stride 1, no padding, no bias.
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight {@code [C, O/groups, kD, kH, kW]}, output
     * [N, O, D', H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose3d(Tensor weight) {
        return Convolution.convTranspose(3, this, weight, null, ONE, ZERO, ZERO, 1, ONE);
    }

    /** 3-d transposed convolution with a bias ({@code [O]}, may be null). See {@link #convTranspose3d(Tensor)}. */
    public Tensor convTranspose3d(Tensor weight, Tensor bias) {
        return Convolution.convTranspose(3, this, weight, bias, ONE, ZERO, ZERO, 1, ONE);
    }

    /**
     * 3-d transposed convolution with one stride and padding for all spatial dims; bias may be null.
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight {@code [C, O/groups, kD, kH, kW]}, output
     * [N, O, D', H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose3d(Tensor weight, Tensor bias, int stride, int padding) {
        return Convolution.convTranspose(3, this, weight, bias, new int[] {stride}, new int[] {padding}, ZERO, 1, ONE);
    }

    /**
     * 3-d transposed convolution with output padding (extra size at the end, to undo a strided
     * convolution exactly; must be smaller than the stride or the dilation).
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight {@code [C, O/groups, kD, kH, kW]}, output
     * [N, O, D', H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     */
    public Tensor convTranspose3d(Tensor weight, Tensor bias, int stride, int padding, int outputPadding) {
        return Convolution.convTranspose(3, this, weight, bias, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, 1, ONE);
    }

    /**
     * 3-d transposed convolution, every option, in PyTorch's argument order; each array takes one
     * value for all spatial dims or one per dim.
     *
     * <p>Input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight {@code [C, O/groups, kD, kH, kW]}, output
     * [N, O, D', H', W'] with {@code out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     *
     * @param bias {@code [O]}, or null
     */
    public Tensor convTranspose3d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding, int groups,
            int[] dilation) {
        return Convolution.convTranspose(3, this, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    // =====================================================================================
    // Pooling (see Pooling)
    //
    // Inputs are [N, C, *spatial] or, without the batch dim, [C, *spatial]; outputs keep the same
    // layout. A size of a window argument given as one int applies to every spatial dim; the stride
    // defaults to the kernel size, as in PyTorch. Output size per dim:
    // floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1 (ceil with ceilMode, the last
    // window starting inside the input or its left padding).

    /** 1-D max pooling with stride = kernel: {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, C, Lout]}. */
    public Tensor maxPool1d(int kernelSize) {
        return maxPool1d(kernelSize, kernelSize, 0, 1, false);
    }

    /** 1-D max pooling: {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, C, Lout]}; padding counts as -infinity. */
    public Tensor maxPool1d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return Pooling.maxPool(this, 1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, ceilMode, false).values();
    }

    /**
     * 1-D max pooling that also returns, for each output, the position of its maximum within the input
     * row ({@code return_indices=True}): values and int64 indices, both {@code [N, C, Lout]}.
     */
    public ValuesIndices maxPool1dWithIndices(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return Pooling.maxPool(this, 1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, ceilMode, true);
    }

    /** 2-D max pooling with stride = kernel: {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]}. */
    public Tensor maxPool2d(int kernelSize) {
        return maxPool2d(kernelSize, kernelSize);
    }

    /** 2-D max pooling: {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]}. */
    public Tensor maxPool2d(int kernelSize, int stride) {
        return maxPool2d(kernelSize, stride, 0, 1, false);
    }

    /** 2-D max pooling with the same window in both dims; padding counts as -infinity. */
    public Tensor maxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool2d(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /**
     * 2-D max pooling, {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]}, each
     * argument one value or one per dim (height, width); a null stride means the kernel size.
     */
    public Tensor maxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return Pooling.maxPool(this, 2, kernelSize, stride, padding, dilation, ceilMode, false).values();
    }

    /**
     * 2-D max pooling returning values and int64 indices ({@code [N, C, Hout, Wout]} each); an index is
     * the flat position {@code h * W + w} of the maximum within its input plane, as PyTorch's
     * {@code return_indices=True}.
     */
    public ValuesIndices maxPool2dWithIndices(int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                              boolean ceilMode) {
        return Pooling.maxPool(this, 2, kernelSize, stride, padding, dilation, ceilMode, true);
    }

    /** 3-D max pooling with stride = kernel: {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, C, Dout, Hout, Wout]}. */
    public Tensor maxPool3d(int kernelSize) {
        return maxPool3d(kernelSize, kernelSize);
    }

    /** 3-D max pooling: {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, C, Dout, Hout, Wout]}. */
    public Tensor maxPool3d(int kernelSize, int stride) {
        return maxPool3d(kernelSize, stride, 0, 1, false);
    }

    /** 3-D max pooling with the same window in all dims. */
    public Tensor maxPool3d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool3d(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** 3-D max pooling with one value or one per dim (depth, height, width) for each argument; null stride = kernel. */
    public Tensor maxPool3d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return Pooling.maxPool(this, 3, kernelSize, stride, padding, dilation, ceilMode, false).values();
    }

    /** 3-D max pooling returning values and int64 indices (flat {@code (d * H + h) * W + w} within the plane). */
    public ValuesIndices maxPool3dWithIndices(int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                              boolean ceilMode) {
        return Pooling.maxPool(this, 3, kernelSize, stride, padding, dilation, ceilMode, true);
    }

    /** 1-D average pooling with stride = kernel: {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, C, Lout]}. */
    public Tensor avgPool1d(int kernelSize) {
        return avgPool1d(kernelSize, kernelSize, 0, false, true);
    }

    /**
     * 1-D average pooling, {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, C, Lout]}; padding counts
     * as zeros, and towards the divisor when {@code countIncludePad}.
     */
    public Tensor avgPool1d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return Pooling.avgPool(this, 1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode,
                countIncludePad, 0);
    }

    /** 1-D average pooling as {@link #avgPool1d(int, int, int, boolean, boolean)}, dividing by {@code divisorOverride} when nonzero. */
    public Tensor avgPool1d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad,
                            int divisorOverride) {
        return Pooling.avgPool(this, 1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode,
                countIncludePad, divisorOverride);
    }

    /** 2-D average pooling with stride = kernel: {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]}. */
    public Tensor avgPool2d(int kernelSize) {
        return avgPool2d(kernelSize, kernelSize);
    }

    /** 2-D average pooling without padding: {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]}. */
    public Tensor avgPool2d(int kernelSize, int stride) {
        return avgPool2d(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, false, true, 0);
    }

    /**
     * 2-D average pooling, {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, Hout, Wout]},
     * each window argument one value or one per dim; null stride = kernel. Padding counts as zeros,
     * and towards the divisor when {@code countIncludePad}; a nonzero {@code divisorOverride} replaces
     * the divisor.
     */
    public Tensor avgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                            int divisorOverride) {
        return Pooling.avgPool(this, 2, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    /** 3-D average pooling with stride = kernel: {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, C, Dout, Hout, Wout]}. */
    public Tensor avgPool3d(int kernelSize) {
        return avgPool3d(new int[] {kernelSize}, null, new int[] {0}, false, true, 0);
    }

    /** 3-D average pooling, as {@link #avgPool2d(int[], int[], int[], boolean, boolean, int)} over (depth, height, width). */
    public Tensor avgPool3d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                            int divisorOverride) {
        return Pooling.avgPool(this, 3, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * Adaptive average pooling to {@code [N, C, outputSize]} from {@code [N, C, L]} (or {@code [C, L]}):
     * output {@code i} averages input {@code [floor(i*L/out), ceil((i+1)*L/out))}.
     */
    public Tensor adaptiveAvgPool1d(int outputSize) {
        return Pooling.adaptiveAvgPool(this, 1, new int[] {outputSize});
    }

    /** Adaptive average pooling of {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, outH, outW]}; one size means square. */
    public Tensor adaptiveAvgPool2d(int... outputSize) {
        return Pooling.adaptiveAvgPool(this, 2, outputSize);
    }

    /** Adaptive average pooling of {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, C, outD, outH, outW]}; one size means cubic. */
    public Tensor adaptiveAvgPool3d(int... outputSize) {
        return Pooling.adaptiveAvgPool(this, 3, outputSize);
    }

    /** Adaptive max pooling of {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, C, outputSize]}. */
    public Tensor adaptiveMaxPool1d(int outputSize) {
        return Pooling.adaptiveMaxPool(this, 1, new int[] {outputSize}, false).values();
    }

    /** Adaptive max pooling of {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, outH, outW]}; one size means square. */
    public Tensor adaptiveMaxPool2d(int... outputSize) {
        return Pooling.adaptiveMaxPool(this, 2, outputSize, false).values();
    }

    /** Adaptive max pooling of {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, C, outD, outH, outW]}. */
    public Tensor adaptiveMaxPool3d(int... outputSize) {
        return Pooling.adaptiveMaxPool(this, 3, outputSize, false).values();
    }

    /** {@link #adaptiveMaxPool1d} with int64 indices of the maxima within each input row. */
    public ValuesIndices adaptiveMaxPool1dWithIndices(int outputSize) {
        return Pooling.adaptiveMaxPool(this, 1, new int[] {outputSize}, true);
    }

    /** {@link #adaptiveMaxPool2d} with int64 indices of the maxima within each input plane. */
    public ValuesIndices adaptiveMaxPool2dWithIndices(int... outputSize) {
        return Pooling.adaptiveMaxPool(this, 2, outputSize, true);
    }

    /** {@link #adaptiveMaxPool3d} with int64 indices of the maxima within each input volume. */
    public ValuesIndices adaptiveMaxPool3dWithIndices(int... outputSize) {
        return Pooling.adaptiveMaxPool(this, 3, outputSize, true);
    }

    // =====================================================================================
    // Normalization (see Normalization)

    /**
     * Batch norm of {@code [N, C, *]} (output the same shape), like {@code F.batch_norm}. In training
     * each channel is normalized with the batch's mean and biased variance, and the running statistics
     * (if given) are updated in place: {@code running = (1 - momentum) * running + momentum * batchStat},
     * with the unbiased variance. In eval the running statistics are used.
     *
     * @param runningMean {@code [C]} or null (training only)
     * @param runningVar  {@code [C]} or null (training only)
     * @param weight      {@code [C]} scale, or null
     * @param bias        {@code [C]} shift, or null
     */
    public Tensor batchNorm(Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                            double momentum, double eps) {
        return Normalization.batchNorm(this, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Batch norm of {@code [N, C, *]} (same shape out) with PyTorch's defaults, momentum 0.1 and eps 1e-5. */
    public Tensor batchNorm(Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training) {
        return batchNorm(runningMean, runningVar, weight, bias, training, 0.1, 1e-5);
    }

    /**
     * Layer norm over the trailing dims given by {@code normalizedShape} (output x's shape); weight and
     * bias have {@code normalizedShape} (either may be null).
     */
    public Tensor layerNorm(int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(this, normalizedShape, weight, bias, eps);
    }

    /** Layer norm over the trailing {@code normalizedShape} dims (same shape out), no affine, eps 1e-5. */
    public Tensor layerNorm(int... normalizedShape) {
        return layerNorm(normalizedShape, null, null, 1e-5);
    }

    /**
     * Group norm of {@code [N, C, *]} (output the same shape): the C channels split into
     * {@code numGroups} groups, each (sample, group) normalized on its own, then scaled and shifted
     * per channel by {@code weight [C]} and {@code bias [C]} (either may be null).
     */
    public Tensor groupNorm(int numGroups, Tensor weight, Tensor bias, double eps) {
        return Normalization.groupNorm(this, numGroups, weight, bias, eps);
    }

    /** Group norm of {@code [N, C, *]} (same shape out) without affine parameters, eps 1e-5. */
    public Tensor groupNorm(int numGroups) {
        return groupNorm(numGroups, null, null, 1e-5);
    }

    /**
     * Instance norm of {@code [N, C, *spatial]} (output the same shape), like {@code F.instance_norm}:
     * with {@code useInputStats} each (sample, channel) is normalized by its own statistics and the
     * running statistics (if given) are updated with their mean over the batch; otherwise the running
     * statistics normalize every sample.
     *
     * @param runningMean {@code [C]} or null
     * @param runningVar  {@code [C]} or null
     * @param weight      {@code [C]} or null
     * @param bias        {@code [C]} or null
     */
    public Tensor instanceNorm(Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                               boolean useInputStats, double momentum, double eps) {
        return Normalization.instanceNorm(this, runningMean, runningVar, weight, bias, useInputStats, momentum, eps);
    }

    /**
     * Instance norm of {@code [N, C, *spatial]} (same shape out) by each instance's own statistics, with
     * optional per-channel affine ({@code [C]} or null).
     */
    public Tensor instanceNorm(Tensor weight, Tensor bias, double eps) {
        return instanceNorm(null, null, weight, bias, true, 0.1, eps);
    }

    /** Instance norm of {@code [N, C, *spatial]} (same shape out) by each instance's own statistics, eps 1e-5. */
    public Tensor instanceNorm() {
        return instanceNorm(null, null, 1e-5);
    }

    // =====================================================================================
    // Dropout, embedding, interpolation, one-hot (see NetworkOps)

    /**
     * Dropout (same shape out): in training each element is zeroed with probability {@code p} and the
     * rest scaled by {@code 1/(1-p)}, drawing from the default generator; in eval the input itself is
     * returned.
     */
    public Tensor dropout(double p, boolean training) {
        return NetworkOps.dropout(this, p, training, Generator.defaultGenerator());
    }

    /** Dropout (same shape out) drawing from {@code generator}, so a seed makes the mask repeatable. */
    public Tensor dropout(double p, boolean training, Generator generator) {
        return NetworkOps.dropout(this, p, training, generator);
    }

    /**
     * Channel dropout of {@code [N, C, L]} (or {@code [C, L]}), same shape out: whole channels zeroed
     * with probability p, survivors scaled by 1/(1-p).
     */
    public Tensor dropout1d(double p, boolean training) {
        return NetworkOps.featureDropout(this, p, training, Generator.defaultGenerator(), 1);
    }

    /** {@link #dropout1d(double, boolean)} drawing from {@code generator}. */
    public Tensor dropout1d(double p, boolean training, Generator generator) {
        return NetworkOps.featureDropout(this, p, training, generator, 1);
    }

    /**
     * Channel dropout of {@code [N, C, H, W]}: whole channels zeroed with probability p, survivors
     * scaled by 1/(1-p). A 3-D input is read as {@code [N, C, L]}, as PyTorch 1.13's dropout2d does.
     */
    public Tensor dropout2d(double p, boolean training) {
        return NetworkOps.featureDropout(this, p, training, Generator.defaultGenerator(), 2);
    }

    /** {@link #dropout2d(double, boolean)} drawing from {@code generator}. */
    public Tensor dropout2d(double p, boolean training, Generator generator) {
        return NetworkOps.featureDropout(this, p, training, generator, 2);
    }

    /** Channel dropout of {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}), same shape out. */
    public Tensor dropout3d(double p, boolean training) {
        return NetworkOps.featureDropout(this, p, training, Generator.defaultGenerator(), 3);
    }

    /** {@link #dropout3d(double, boolean)} drawing from {@code generator}. */
    public Tensor dropout3d(double p, boolean training, Generator generator) {
        return NetworkOps.featureDropout(this, p, training, generator, 3);
    }

    /**
     * Embedding lookup, like {@code F.embedding(indices, weight)}: int64 (or int32) {@code indices} of
     * any shape pick rows of {@code weight [numEmbeddings, dim]}, giving {@code [*indices.shape, dim]}.
     * The weight's gradient sums the rows of repeated indices.
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return NetworkOps.embedding(indices, weight, null);
    }

    /** Embedding lookup where row {@code paddingIdx} (negative counts from the end) gets no gradient. */
    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        return NetworkOps.embedding(indices, weight, paddingIdx);
    }

    /**
     * Resamples {@code [N, C, *spatial]} (1 to 3 spatial dims) to {@code [N, C, *size]}, like
     * {@code F.interpolate(x, size, mode=...)}. Modes: {@code nearest}, {@code nearest-exact},
     * {@code linear} (3-D input), {@code bilinear} and {@code bicubic} (4-D), {@code trilinear} (5-D),
     * {@code area}. One size applies to every spatial dim. Bicubic output may overshoot the input's
     * range (PyTorch does not clamp it either).
     */
    public Tensor interpolate(int[] size, String mode) {
        return NetworkOps.interpolate(this, size, null, mode, false);
    }

    /** {@link #interpolate(int[], String)} with {@code alignCorners} for the linear and bicubic modes. */
    public Tensor interpolate(int[] size, String mode, boolean alignCorners) {
        return NetworkOps.interpolate(this, size, null, mode, alignCorners);
    }

    /**
     * Resamples by scale factors (one, or one per spatial dim): output size {@code floor(in * scale)},
     * and positions mapped with {@code 1 / scale}, as PyTorch does by default.
     */
    public Tensor interpolate(double[] scaleFactor, String mode, boolean alignCorners) {
        return NetworkOps.interpolate(this, null, scaleFactor, mode, alignCorners);
    }

    /** Resamples every spatial dim by {@code scaleFactor}, e.g. {@code x.interpolate(2, "nearest")}. */
    public Tensor interpolate(double scaleFactor, String mode) {
        return NetworkOps.interpolate(this, null, new double[] {scaleFactor}, mode, false);
    }

    /**
     * One-hot encoding of integer class labels of any shape: int64 {@code [*shape, numClasses]} with a
     * 1 at each label. Labels must lie in {@code [0, numClasses)}.
     */
    public Tensor oneHot(int numClasses) {
        return NetworkOps.oneHot(this, numClasses);
    }

    /** One-hot encoding with {@code numClasses = max(labels) + 1}. */
    public Tensor oneHot() {
        return NetworkOps.oneHot(this, -1);
    }

    // =====================================================================================
    // Recurrent layers (see Recurrent)

    /**
     * One recurrent layer over whole sequences on the backend's fused kernel, both directions when
     * the weights have two: {@code x [T, N, I]} (any strides), {@code hx} (and for an LSTM {@code cx})
     * {@code [D, N, H]}, PyTorch's weights per direction in {@code w}, which also keeps the
     * backend's layout of them from call to call until a parameter is written. Returns
     * {@code {output [T, N, D*H], h [D, N, H], c [D, N, H] or null}}, differentiable once. Callers check
     * {@code x.backend().supportsRnn(mode, x.dtype())} first; {@code org.vesalius.rnn}'s layers do,
     * and compose tensor ops where it is not.
     */
    public static Tensor[] rnnLayer(Tensor x, Tensor hx, Tensor cx, org.vesalius.backend.RnnWeights w) {
        return Recurrent.layer(x, hx, cx, w);
    }

    // =====================================================================================
    // Attention (see Attention)

    /**
     * Scaled dot-product attention on the backend's blocked (online-softmax) kernel, which never holds
     * the {@code [L, S]} score matrix: {@code query [..., L, E]}, {@code key [..., S, E]},
     * {@code value [..., S, Ev]} (batch dims broadcast) give {@code [..., L, Ev]}. {@code mask} is null,
     * bool (true = takes part) or of the query's dtype (added to the scores), broadcastable to
     * {@code [..., L, S]}, and must not require grad; {@code isCausal} lets query i see keys
     * {@code j <= i} (not together with a mask); the scores are {@code scale * q.k}; dropout with
     * probability {@code dropoutP} draws from {@code generator} the same mask as
     * {@code softmax(...).dropout(dropoutP, true, generator)} would. Differentiable once with respect to
     * query, key and value. Callers check {@code query.backend().supportsAttention(query.dtype())};
     * {@code org.vesalius.nn.F.scaledDotProductAttention} chooses between this and the composed path.
     */
    public static Tensor blockedAttention(Tensor query, Tensor key, Tensor value, Tensor mask, double dropoutP,
                                          boolean isCausal, double scale, Generator generator) {
        return Attention.blocked(query, key, value, mask, dropoutP, isCausal, scale,
                generator == null ? Generator.defaultGenerator() : generator);
    }

    // =====================================================================================
    // Helpers for the op classes

    /**
     * Makes this freshly computed tensor the output of a differentiable op, like PyTorch's
     * {@code autograd.Function}: when grad mode is on and an input requires grad, backward will call
     * {@code backward} with the gradient of this tensor and expects one gradient per input (input's
     * shape; null where none). Compute the output itself without recording (under {@code NoGrad}, or from
     * arrays). {@code saved} lists every tensor the backward reads, so that an in-place change to one
     * between forward and backward is refused instead of giving a wrong gradient. Backward functions
     * written with tensor ops are differentiable again ({@code createGraph}); ones that are not should
     * throw when {@code GradMode.isEnabled()}. Returns this tensor.
     *
     * @throws IllegalStateException when this tensor already has a gradient function or requires grad
     */
    public Tensor record(String name, Tensor[] saved, Node.Backward backward, Tensor... inputs) {
        if (gradFn != null || requiresGrad) {
            throw new IllegalStateException("record: the output of " + name + " must be a fresh tensor computed without "
                    + "recording, but this one " + (gradFn != null ? "is the output of " + gradFn : "requires grad"));
        }
        Node n = Autograd.node(name, backward, inputs);
        if (n != null) {
            n.save(saved);
            gradFn = n;
            requiresGrad = true;
        }
        return this;
    }

    /** A 0-dim tensor with this tensor's device and (for floats) dtype, holding {@code value}. */
    Tensor scalarLike(double value) {
        DType dt = dtype;
        if (!dtype.isFloatingPoint() && value != Math.rint(value)) {
            dt = DType.FLOAT32;
        }
        return Creation.full(dt, device(), value);
    }

    /** A view of the same storage. */
    Tensor asStrided(int[] newShape, int[] newStrides, int newOffset) {
        Tensor v = new Tensor(storage, dtype, newShape, newStrides, newOffset);
        v.base = base != null ? base : this;
        return v;
    }

    int[] shapeRef() {
        return shape;
    }

    int[] stridesRef() {
        return strides;
    }
}
