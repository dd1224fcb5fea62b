using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float Softmax over the last axis (opset 13+).</summary>
internal sealed class SoftmaxDevice : DeviceOperator
{
    public override string OpType => "Softmax";

    public override bool Supports(NodeContext context, IlgpuBackend backend)
    {
        var x = context.InputShape(0);
        long axis = context.Attributes.GetInt("axis", -1);
        return context.InputType(0) == DataType.Float32 && x.Rank > 0 && (axis == -1 || axis == x.Rank - 1) && x[x.Rank - 1] > 0;
    }

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var shape = context.InputShape(0);
        int size = shape[shape.Rank - 1], rows = shape.ElementCount / size;
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, int>, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>>(
            FloatKernels.Softmax, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        if (rows > 0)
            builder.Launch("softmax", () => kernel(stream, rows, x, y, size));
    }
}
