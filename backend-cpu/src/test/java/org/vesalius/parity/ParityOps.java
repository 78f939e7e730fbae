package org.vesalius.parity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vesalius.parity.FixtureTensors.Tolerance;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * How each fixture op key is called in Vesalius (one lambda per key), the ops whose fixtures exist
 * before their Java methods do, and the tolerances the comparison uses.
 *
 * <p>An op key is the Java method name, optionally followed by a variant after a dot that picks an
 * overload ({@code sum}, {@code sum.dim}, {@code sum.dims}). A lambda returns a {@link Tensor}, an
 * array or list of tensors, a {@link org.vesalius.tensor.ValuesIndices} or a {@code boolean}.
 */
public final class ParityOps {
    /** The Vesalius call for one fixture case. */
    @FunctionalInterface
    public interface Op {
        Object apply(Args a);
    }

    private static final Map<String, Op> OPS_MUTABLE = new LinkedHashMap<>();

    /** Op key -> the Vesalius call. */
    public static final Map<String, Op> OPS = Collections.unmodifiableMap(OPS_MUTABLE);

    /**
     * Fixture ops Vesalius lacks: a method name (all its variants) or an op key with a variant (one
     * mode of an existing method, keyed {@code method.variant}). The parity test prints them
     * and skips their cases; every other fixture op must have a mapping. Remove an entry when its op
     * lands (the parity test fails while a listed method exists on Tensor or a listed key is mapped).
     */
    public static final Set<String> NOT_YET_IMPLEMENTED = Collections.unmodifiableSet(new TreeSet<>(Set.of(
            // empty: every fixture op is implemented; a new fixture op without its method goes here
            )));

    /**
     * Inputs an op updates in place by design (PyTorch's running statistics), by op key and input
     * index: their new values are compared as outputs instead of being required unchanged.
     */
    public static final Map<String, Set<Integer>> MUTATED_INPUTS = Map.of(
            "batchNorm", Set.of(1, 2),
            "instanceNorm.running", Set.of(1, 2));

    static {
        // ---- unary
        op("neg", a -> a.t(0).neg());
        op("abs", a -> a.t(0).abs());
        op("exp", a -> a.t(0).exp());
        op("log", a -> a.t(0).log());
        op("log1p", a -> a.t(0).log1p());
        op("expm1", a -> a.t(0).expm1());
        op("sqrt", a -> a.t(0).sqrt());
        op("rsqrt", a -> a.t(0).rsqrt());
        op("sin", a -> a.t(0).sin());
        op("cos", a -> a.t(0).cos());
        op("tanh", a -> a.t(0).tanh());
        op("sigmoid", a -> a.t(0).sigmoid());
        op("erf", a -> a.t(0).erf());
        op("reciprocal", a -> a.t(0).reciprocal());
        op("square", a -> a.t(0).square());
        op("sign", a -> a.t(0).sign());
        op("floor", a -> a.t(0).floor());
        op("ceil", a -> a.t(0).ceil());
        op("round", a -> a.t(0).round());
        op("trunc", a -> a.t(0).trunc());
        op("relu", a -> a.t(0).relu());
        op("leakyRelu", a -> a.t(0).leakyRelu(a.d("negativeSlope")));
        op("elu", a -> a.t(0).elu(a.d("alpha")));
        op("selu", a -> a.t(0).selu());
        op("gelu", a -> a.t(0).gelu());
        op("gelu.approximate", a -> a.t(0).gelu(a.s("approximate")));
        op("silu", a -> a.t(0).silu());
        op("softplus", a -> a.t(0).softplus());
        op("softplus.params", a -> a.t(0).softplus(a.d("beta"), a.d("threshold")));
        op("clamp", a -> a.t(0).clamp(a.d("min"), a.d("max")));
        op("clampMin", a -> a.t(0).clampMin(a.d("min")));
        op("clampMax", a -> a.t(0).clampMax(a.d("max")));
        op("isNan", a -> a.t(0).isNan());
        op("isInf", a -> a.t(0).isInf());
        op("logicalNot", a -> a.t(0).logicalNot());
        // ---- binary and scalar variants
        op("add", a -> a.has("alpha") ? a.t(0).add(a.t(1), a.d("alpha")) : a.t(0).add(a.t(1)));
        op("add.scalar", a -> a.t(0).add(a.d("other")));
        op("sub", a -> a.t(0).sub(a.t(1)));
        op("sub.scalar", a -> a.t(0).sub(a.d("other")));
        op("rsub", a -> a.t(0).rsub(a.d("other")));
        op("mul", a -> a.t(0).mul(a.t(1)));
        op("mul.scalar", a -> a.t(0).mul(a.d("other")));
        op("div", a -> a.t(0).div(a.t(1)));
        op("div.scalar", a -> a.t(0).div(a.d("other")));
        op("pow", a -> a.t(0).pow(a.t(1)));
        op("pow.scalar", a -> a.t(0).pow(a.d("exponent")));
        op("remainder", a -> a.t(0).remainder(a.t(1)));
        op("floorDivide", a -> a.t(0).floorDivide(a.t(1)));
        op("atan2", a -> a.t(0).atan2(a.t(1)));
        op("maximum", a -> a.t(0).maximum(a.t(1)));
        op("minimum", a -> a.t(0).minimum(a.t(1)));
        // ---- comparisons, logic, selection
        op("eq", a -> a.t(0).eq(a.t(1)));
        op("ne", a -> a.t(0).ne(a.t(1)));
        op("lt", a -> a.t(0).lt(a.t(1)));
        op("le", a -> a.t(0).le(a.t(1)));
        op("gt", a -> a.t(0).gt(a.t(1)));
        op("ge", a -> a.t(0).ge(a.t(1)));
        op("eq.scalar", a -> a.t(0).eq(a.d("other")));
        op("ne.scalar", a -> a.t(0).ne(a.d("other")));
        op("lt.scalar", a -> a.t(0).lt(a.d("other")));
        op("le.scalar", a -> a.t(0).le(a.d("other")));
        op("gt.scalar", a -> a.t(0).gt(a.d("other")));
        op("ge.scalar", a -> a.t(0).ge(a.d("other")));
        op("logicalAnd", a -> a.t(0).logicalAnd(a.t(1)));
        op("logicalOr", a -> a.t(0).logicalOr(a.t(1)));
        op("logicalXor", a -> a.t(0).logicalXor(a.t(1)));
        op("equal", a -> a.t(0).equal(a.t(1)));
        op("allclose", a -> a.t(0).allclose(a.t(1), a.d("rtol"), a.d("atol")));
        op("where", a -> Tensor.where(a.t(0), a.t(1), a.t(2)));
        op("where.method", a -> a.t(1).where(a.t(0), a.t(2)));
        op("maskedFill", a -> a.t(0).maskedFill(a.t(1), a.d("value")));
        // ---- in place
        op("add_", a -> a.has("alpha") ? a.t(0).add_(a.t(1), a.d("alpha")) : a.t(0).add_(a.t(1)));
        op("add_.scalar", a -> a.t(0).add_(a.d("other")));
        op("sub_", a -> a.t(0).sub_(a.t(1)));
        op("mul_", a -> a.t(0).mul_(a.t(1)));
        op("mul_.scalar", a -> a.t(0).mul_(a.d("other")));
        op("div_", a -> a.t(0).div_(a.t(1)));
        op("div_.scalar", a -> a.t(0).div_(a.d("other")));
        op("clamp_", a -> a.t(0).clamp_(a.d("min"), a.d("max")));
        op("fill_", a -> a.t(0).fill_(a.d("value")));
        op("zero_", a -> a.t(0).zero_());
        op("copy_", a -> a.t(0).copy_(a.t(1)));
        // ---- reductions
        op("sum", a -> a.t(0).sum());
        op("sum.dim", a -> a.t(0).sum(a.i("dim"), a.b("keepDim")));
        op("sum.dims", a -> a.t(0).sum(a.ints("dims"), a.b("keepDim")));
        op("mean", a -> a.t(0).mean());
        op("mean.dim", a -> a.t(0).mean(a.i("dim"), a.b("keepDim")));
        op("mean.dims", a -> a.t(0).mean(a.ints("dims"), a.b("keepDim")));
        op("var", a -> a.t(0).var(a.b("unbiased")));
        op("var.dims", a -> a.t(0).var(a.ints("dims"), a.b("unbiased"), a.b("keepDim")));
        op("std", a -> a.t(0).std(a.b("unbiased")));
        op("std.dims", a -> a.t(0).std(a.ints("dims"), a.b("unbiased"), a.b("keepDim")));
        op("prod", a -> a.t(0).prod());
        op("prod.dim", a -> a.t(0).prod(a.i("dim"), a.b("keepDim")));
        op("max", a -> a.t(0).max());
        op("max.dim", a -> a.t(0).max(a.i("dim"), a.b("keepDim")));
        op("min", a -> a.t(0).min());
        op("min.dim", a -> a.t(0).min(a.i("dim"), a.b("keepDim")));
        op("amax", a -> a.t(0).amax(a.ints("dims"), a.b("keepDim")));
        op("amin", a -> a.t(0).amin(a.ints("dims"), a.b("keepDim")));
        op("argmax", a -> a.t(0).argmax());
        op("argmax.dim", a -> a.t(0).argmax(a.i("dim"), a.b("keepDim")));
        op("argmin", a -> a.t(0).argmin());
        op("argmin.dim", a -> a.t(0).argmin(a.i("dim"), a.b("keepDim")));
        op("logsumexp.dim", a -> a.t(0).logsumexp(a.i("dim"), a.b("keepDim")));
        op("logsumexp.dims", a -> a.t(0).logsumexp(a.ints("dims"), a.b("keepDim")));
        op("norm", a -> a.t(0).norm());
        op("norm.p", a -> a.t(0).norm(a.d("p")));
        op("norm.dims", a -> a.t(0).norm(a.d("p"), a.ints("dims"), a.b("keepDim")));
        op("cumsum", a -> a.t(0).cumsum(a.i("dim")));
        op("sort", a -> a.t(0).sort(a.i("dim"), a.b("descending")));
        op("argsort", a -> a.t(0).argsort(a.i("dim"), a.b("descending")));
        op("topk", a -> a.t(0).topk(a.i("k"), a.i("dim"), a.b("largest"), true));
        op("all", a -> a.t(0).all());
        op("all.dim", a -> a.t(0).all(a.i("dim"), a.b("keepDim")));
        op("any", a -> a.t(0).any());
        op("any.dim", a -> a.t(0).any(a.i("dim"), a.b("keepDim")));
        op("softmax", a -> a.t(0).softmax(a.i("dim")));
        op("logSoftmax", a -> a.t(0).logSoftmax(a.i("dim")));
        // ---- linear algebra
        op("matmul", a -> a.t(0).matmul(a.t(1)));
        op("linear", a -> Tensor.linear(a.t(0), a.t(1), a.optional(2)));
        op("mm", a -> a.t(0).mm(a.t(1)));
        op("bmm", a -> a.t(0).bmm(a.t(1)));
        op("mv", a -> a.t(0).mv(a.t(1)));
        op("outer", a -> a.t(0).outer(a.t(1)));
        op("dot", a -> a.t(0).dot(a.t(1)));
        // ---- views and layout
        op("view", a -> a.t(0).view(a.ints("shape")));
        op("reshape", a -> a.t(0).reshape(a.ints("shape")));
        op("permute", a -> a.t(0).permute(a.ints("dims")));
        op("transpose", a -> a.t(0).transpose(a.i("dim0"), a.i("dim1")));
        op("t", a -> a.t(0).t());
        op("mT", a -> a.t(0).mT());
        op("squeeze", a -> a.t(0).squeeze());
        op("squeeze.dim", a -> a.t(0).squeeze(a.i("dim")));
        op("unsqueeze", a -> a.t(0).unsqueeze(a.i("dim")));
        op("expand", a -> a.t(0).expand(a.ints("shape")));
        op("expandAs", a -> a.t(0).expandAs(a.t(1)));
        op("flatten", a -> a.t(0).flatten());
        op("flatten.range", a -> a.t(0).flatten(a.i("startDim"), a.i("endDim")));
        op("flatten.start", a -> a.t(0).flatten(a.i("startDim")));
        op("narrow", a -> a.t(0).narrow(a.i("dim"), a.i("start"), a.i("length")));
        op("slice", a -> a.t(0).slice(a.i("dim"), a.i("start"), a.i("end"), a.i("step")));
        op("select", a -> a.t(0).select(a.i("dim"), a.i("index")));
        op("unfold", a -> a.t(0).unfold(a.i("dim"), a.i("size"), a.i("step")));
        op("contiguous", a -> a.t(0).contiguous());
        op("clone", a -> a.t(0).clone());
        // ---- indexing
        op("gather", a -> a.t(0).gather(a.i("dim"), a.t(1)));
        op("scatter", a -> a.t(0).scatter(a.i("dim"), a.t(1), a.t(2)));
        op("scatter.value", a -> a.t(0).scatter(a.i("dim"), a.t(1), a.d("value")));
        op("scatterAdd", a -> a.t(0).scatterAdd(a.i("dim"), a.t(1), a.t(2)));
        op("indexSelect", a -> a.t(0).indexSelect(a.i("dim"), a.t(1)));
        // ---- creation and casts
        op("linspace", a -> a.has("dtype") ? Tensor.linspace(a.d("start"), a.d("end"), a.i("steps"), a.dtype("dtype"))
                : Tensor.linspace(a.d("start"), a.d("end"), a.i("steps")));
        op("arange", a -> Tensor.arange(a.l("end")));
        op("arange.range", a -> Tensor.arange(a.d("start"), a.d("end"), a.d("step")));
        op("arange.dtype", a -> Tensor.arange(a.d("start"), a.d("end"), a.d("step"), a.dtype("dtype")));
        op("eye", a -> Tensor.eye(a.i("n")));
        op("eye.nm", a -> Tensor.eye(a.i("n"), a.i("m"), a.dtype("dtype")));
        op("to", a -> a.t(0).to(a.dtype("dtype")));
        op("toFloat", a -> a.t(0).toFloat());
        op("toDouble", a -> a.t(0).toDouble());
        op("toLong", a -> a.t(0).toLong());
        // ---- convolution
        op("conv1d", a -> a.t(0).conv1d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"), a.ints("dilation"),
                a.i("groups")));
        op("conv2d", a -> a.t(0).conv2d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"), a.ints("dilation"),
                a.i("groups")));
        op("conv3d", a -> a.t(0).conv3d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"), a.ints("dilation"),
                a.i("groups")));
        op("conv1d.padMode", a -> a.t(0).conv1d(a.t(1), a.optional(2), a.ints("stride"), a.s("padding"),
                a.ints("dilation"), a.i("groups")));
        op("conv2d.padMode", a -> a.t(0).conv2d(a.t(1), a.optional(2), a.ints("stride"), a.s("padding"),
                a.ints("dilation"), a.i("groups")));
        op("conv3d.padMode", a -> a.t(0).conv3d(a.t(1), a.optional(2), a.ints("stride"), a.s("padding"),
                a.ints("dilation"), a.i("groups")));
        op("convTranspose1d", a -> a.t(0).convTranspose1d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"),
                a.ints("outputPadding"), a.i("groups"), a.ints("dilation")));
        op("convTranspose2d", a -> a.t(0).convTranspose2d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"),
                a.ints("outputPadding"), a.i("groups"), a.ints("dilation")));
        op("convTranspose3d", a -> a.t(0).convTranspose3d(a.t(1), a.optional(2), a.ints("stride"), a.ints("padding"),
                a.ints("outputPadding"), a.i("groups"), a.ints("dilation")));
        // ---- pooling
        op("maxPool1d", a -> a.t(0).maxPool1d(a.ints("kernelSize")[0], a.ints("stride")[0], a.ints("padding")[0],
                a.ints("dilation")[0], a.b("ceilMode")));
        op("maxPool2d", a -> a.t(0).maxPool2d(a.ints("kernelSize"), a.ints("stride"), a.ints("padding"),
                a.ints("dilation"), a.b("ceilMode")));
        op("maxPool3d", a -> a.t(0).maxPool3d(a.ints("kernelSize"), a.ints("stride"), a.ints("padding"),
                a.ints("dilation"), a.b("ceilMode")));
        op("maxPool1dWithIndices", a -> a.t(0).maxPool1dWithIndices(a.ints("kernelSize")[0], a.ints("stride")[0],
                a.ints("padding")[0], a.ints("dilation")[0], a.b("ceilMode")));
        op("maxPool2dWithIndices", a -> a.t(0).maxPool2dWithIndices(a.ints("kernelSize"), a.ints("stride"),
                a.ints("padding"), a.ints("dilation"), a.b("ceilMode")));
        op("maxPool3dWithIndices", a -> a.t(0).maxPool3dWithIndices(a.ints("kernelSize"), a.ints("stride"),
                a.ints("padding"), a.ints("dilation"), a.b("ceilMode")));
        op("avgPool1d", a -> a.t(0).avgPool1d(a.ints("kernelSize")[0], a.ints("stride")[0], a.ints("padding")[0],
                a.b("ceilMode"), a.b("countIncludePad")));
        op("avgPool2d", a -> a.t(0).avgPool2d(a.ints("kernelSize"), a.ints("stride"), a.ints("padding"),
                a.b("ceilMode"), a.b("countIncludePad"), 0));
        op("avgPool3d", a -> a.t(0).avgPool3d(a.ints("kernelSize"), a.ints("stride"), a.ints("padding"),
                a.b("ceilMode"), a.b("countIncludePad"), 0));
        op("adaptiveAvgPool1d", a -> a.t(0).adaptiveAvgPool1d(a.ints("outputSize")[0]));
        op("adaptiveAvgPool2d", a -> a.t(0).adaptiveAvgPool2d(a.ints("outputSize")));
        op("adaptiveAvgPool3d", a -> a.t(0).adaptiveAvgPool3d(a.ints("outputSize")));
        op("adaptiveMaxPool1d", a -> a.t(0).adaptiveMaxPool1d(a.ints("outputSize")[0]));
        op("adaptiveMaxPool2d", a -> a.t(0).adaptiveMaxPool2d(a.ints("outputSize")));
        op("adaptiveMaxPool3d", a -> a.t(0).adaptiveMaxPool3d(a.ints("outputSize")));
        op("adaptiveMaxPool1dWithIndices", a -> a.t(0).adaptiveMaxPool1dWithIndices(a.ints("outputSize")[0]));
        op("adaptiveMaxPool2dWithIndices", a -> a.t(0).adaptiveMaxPool2dWithIndices(a.ints("outputSize")));
        op("adaptiveMaxPool3dWithIndices", a -> a.t(0).adaptiveMaxPool3dWithIndices(a.ints("outputSize")));
        // ---- normalization (running statistics are updated in place: they are outputs too)
        op("batchNorm", a -> List.of(a.t(0).batchNorm(a.t(1), a.t(2), a.optional(3), a.optional(4), a.b("training"),
                a.d("momentum"), a.d("eps")), a.t(1), a.t(2)));
        op("layerNorm", a -> a.t(0).layerNorm(a.ints("normalizedShape"), a.optional(1), a.optional(2), a.d("eps")));
        op("groupNorm", a -> a.t(0).groupNorm(a.i("numGroups"), a.optional(1), a.optional(2), a.d("eps")));
        op("instanceNorm", a -> a.t(0).instanceNorm(a.optional(1), a.optional(2), a.d("eps")));
        op("instanceNorm.running", a -> List.of(a.t(0).instanceNorm(a.t(1), a.t(2), a.optional(3), a.optional(4),
                a.b("useInputStats"), a.d("momentum"), a.d("eps")), a.t(1), a.t(2)));
        // ---- dropout (deterministic settings only), embedding, interpolation, one-hot
        op("dropout", a -> a.t(0).dropout(a.d("p"), a.b("training")));
        op("dropout1d", a -> a.t(0).dropout1d(a.d("p"), a.b("training")));
        op("dropout2d", a -> a.t(0).dropout2d(a.d("p"), a.b("training")));
        op("dropout3d", a -> a.t(0).dropout3d(a.d("p"), a.b("training")));
        op("embedding", a -> a.has("paddingIdx") ? Tensor.embedding(a.t(0), a.t(1), a.i("paddingIdx"))
                : Tensor.embedding(a.t(0), a.t(1)));
        op("interpolate", a -> a.has("size")
                ? (a.has("alignCorners") ? a.t(0).interpolate(a.ints("size"), a.s("mode"), a.b("alignCorners"))
                        : a.t(0).interpolate(a.ints("size"), a.s("mode")))
                : a.t(0).interpolate(a.doubles("scaleFactor"), a.s("mode"), a.has("alignCorners") && a.b("alignCorners")));
        op("interpolate.bicubic", a -> a.has("size")
                ? a.t(0).interpolate(a.ints("size"), "bicubic", a.has("alignCorners") && a.b("alignCorners"))
                : a.t(0).interpolate(a.doubles("scaleFactor"), "bicubic", a.has("alignCorners") && a.b("alignCorners")));
        op("oneHot", a -> a.t(0).oneHot(a.i("numClasses")));
        op("oneHot.infer", a -> a.t(0).oneHot());
        // ---- joining and rearranging
        op("cat", a -> Tensor.cat(a.i("dim"), a.tensorsFrom(0)));
        op("stack", a -> Tensor.stack(java.util.Arrays.asList(a.tensorsFrom(0)), a.i("dim")));
        op("split", a -> a.t(0).split(a.i("splitSize"), a.i("dim")));
        op("split.sizes", a -> a.t(0).split(a.ints("sizes"), a.i("dim")));
        op("chunk", a -> a.t(0).chunk(a.i("chunks"), a.i("dim")));
        op("unbind", a -> a.t(0).unbind(a.i("dim")));
        op("pad", a -> a.has("value") ? a.t(0).pad(a.ints("pad"), a.s("mode"), a.d("value"))
                : a.t(0).pad(a.ints("pad"), a.s("mode")));
        op("flip", a -> a.t(0).flip(a.ints("dims")));
        op("roll", a -> a.t(0).roll(a.ints("shifts"), a.ints("dims")));
        op("roll.flat", a -> a.t(0).roll(a.i("shifts")));
        op("repeat", a -> a.t(0).repeat(a.ints("sizes")));
        op("tile", a -> a.t(0).tile(a.ints("reps")));
        // ---- indexing extras
        op("index", a -> a.t(0).index(a.t(1)));
        op("index.multi", a -> a.t(0).index(a.tensorsFrom(1)));
        op("indexPut", a -> a.t(0).indexPut(a.t(1), a.t(2), a.b("accumulate")));
        op("indexPut.multi", a -> a.t(0).indexPut(java.util.Arrays.copyOfRange(a.tensorsFrom(1), 0, a.count() - 2),
                a.t(a.count() - 1), a.b("accumulate")));
        op("indexPut.scalar", a -> a.t(0).indexPut(a.t(1), a.d("value")));
        op("maskedSelect", a -> a.t(0).maskedSelect(a.t(1)));
        op("maskedScatter", a -> a.t(0).maskedScatter(a.t(1), a.t(2)));
        op("nonzero", a -> a.t(0).nonzero());
    }

    private ParityOps() {
    }

    private static void op(String key, Op call) {
        if (OPS_MUTABLE.put(key, call) != null) {
            throw new IllegalStateException("op key mapped twice: " + key);
        }
    }

    /** The Java method an op key calls: the key up to its variant. */
    public static String method(String opKey) {
        int dot = opKey.indexOf('.');
        return dot < 0 ? opKey : opKey.substring(0, dot);
    }

    /** Whether a fixture op is listed as not yet implemented (by its key or its method name). */
    public static boolean notYetImplemented(String opKey) {
        return NOT_YET_IMPLEMENTED.contains(opKey) || NOT_YET_IMPLEMENTED.contains(method(opKey));
    }

    // ------------------------------------------------------------------------------ tolerances

    /** Float64 forward values: a few ulps of Java's Math/StrictMath versus glibc and SLEEF. */
    public static final Tolerance F64 = new Tolerance(1e-10, 1e-13);
    /** Float32 forward values: one or two float32 ulps, as different vectorized libm's give. */
    public static final Tolerance F32 = new Tolerance(1e-5, 1e-6);
    /** Float64 gradients: the backward formulas chain a few more roundings than the forward. */
    public static final Tolerance GRAD = new Tolerance(1e-9, 1e-12);

    /** Looser (or, for expm1/log1p, stricter) tolerances by method name and dtype, each with its reason. */
    private static final Map<String, Tolerance> F32_OVERRIDES = new LinkedHashMap<>();
    private static final Map<String, Tolerance> F64_OVERRIDES = new LinkedHashMap<>();

    static {
        // A sum of K products: BLAS and oneDNN block and fuse (FMA) in another order than PyTorch's
        // kernels, so the error scales with K * max|a*b| rather than with the result, which may cancel
        // to nearly 0. The relative part stays at float32 level; the absolute part covers cancellation.
        Tolerance dot32 = new Tolerance(1e-5, 2e-5);
        for (String op : new String[] {"matmul", "linear", "mm", "bmm", "mv", "dot", "conv1d", "conv2d", "conv3d",
            "convTranspose1d", "convTranspose2d", "convTranspose3d"}) {
            F32_OVERRIDES.put(op, dot32);
        }
        // Reductions: PyTorch sums float32 with vectorized pairwise accumulation, Vesalius in its own
        // order; the same cancellation argument applies (absolute error ~ n * ulp * max|x|).
        Tolerance reduce32 = new Tolerance(1e-5, 1e-5);
        for (String op : new String[] {"sum", "mean", "var", "std", "norm", "logsumexp", "cumsum", "prod",
            "avgPool1d", "avgPool2d", "avgPool3d", "adaptiveAvgPool1d", "adaptiveAvgPool2d", "adaptiveAvgPool3d"}) {
            F32_OVERRIDES.put(op, reduce32);
        }
        // Normalization: mean and variance are reductions, and 1/sqrt(var + eps) amplifies their relative
        // error by up to |x - mean| / std; PyTorch computes the statistics in one Welford pass.
        Tolerance norm32 = new Tolerance(1e-4, 1e-5);
        for (String op : new String[] {"batchNorm", "layerNorm", "groupNorm", "instanceNorm"}) {
            F32_OVERRIDES.put(op, norm32);
        }
        // PyTorch computes float32 source coordinates (scale * (dst + 0.5) - 0.5) in float32, so the
        // interpolation weights differ from a double computation by ~1e-7 of the coordinate.
        F32_OVERRIDES.put("interpolate", new Tolerance(1e-5, 1e-5));
        // The point of these two is relative accuracy near 0 (exp(x) - 1 would lose it), so no
        // absolute slack there.
        F64_OVERRIDES.put("expm1", new Tolerance(1e-12, 0));
        F64_OVERRIDES.put("log1p", new Tolerance(1e-12, 0));
    }

    /** The tolerance for forward outputs of {@code opKey} of dtype {@code dtype}. */
    public static Tolerance tolerance(String opKey, DType dtype) {
        String m = method(opKey);
        switch (dtype) {
            case FLOAT64: return F64_OVERRIDES.getOrDefault(m, F64);
            case FLOAT32: return F32_OVERRIDES.getOrDefault(m, F32);
            // half types only come out of casts here, which must round exactly as PyTorch does
            default: return Tolerance.EXACT;
        }
    }

    /** The tolerance for float64 gradients of {@code opKey}. */
    public static Tolerance gradTolerance(String opKey) {
        return GRAD;
    }

    /** A readable table of the tolerances, for the test log. */
    public static String toleranceTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("default float64 ").append(F64).append(", float32 ").append(F32).append(", gradients ").append(GRAD)
                .append(", integer/bool/half exact\n");
        F32_OVERRIDES.forEach((k, v) -> sb.append("  float32 ").append(k).append(": ").append(v).append('\n'));
        F64_OVERRIDES.forEach((k, v) -> sb.append("  float64 ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
