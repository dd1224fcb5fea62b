using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float ReduceMean over one contiguous run of axes (the pooling of a Transformer's tokens).</summary>
internal sealed class ReduceMeanDevice : DeviceOperator
{
    public override string OpType => "ReduceMean";

    public override string Types => "float";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.InputType(0) == DataType.Float32 && Axes(context) is { } axes && axes.Count > 0 && axes[^1] - axes[0] == axes.Count - 1
        && context.InputShape(0).ElementCount > 0;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var shape = context.InputShape(0);
        var axes = Axes(context)!;
        int outer = shape.SizeBetween(0, axes[0]), reduced = shape.SizeBetween(axes[0], axes[^1] + 1), inner = shape.SizeBetween(axes[^1] + 1, shape.Rank);
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int>>(
            FloatKernels.ReduceMean, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        builder.Launch("reduce mean", () => kernel(stream, outer * inner, x, y, reduced, inner));
    }

    /// <summary>The reduced axes, sorted and normalized; null when they are not known at plan time or are empty (reduce all / no-op).</summary>
    private static List<int>? Axes(NodeContext context)
    {
        int rank = context.InputShape(0).Rank;
        long[]? axes = context.Opset >= 18
            ? (context.HasInput(1) ? context.InputValue(1)?.ToInt64Array() : null)
            : context.Attributes.GetInts("axes");
        return axes is null ? null : axes.Select(a => (int)(a < 0 ? a + rank : a)).Order().ToList();
    }
}
