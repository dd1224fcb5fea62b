using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float GlobalAveragePool: the mean of each (image, channel) plane.</summary>
internal sealed class GlobalAveragePoolDevice : DeviceOperator
{
    public override string OpType => "GlobalAveragePool";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.InputType(0) == DataType.Float32 && context.InputShape(0).Rank >= 3 && context.InputShape(0).ElementCount > 0;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var shape = context.InputShape(0);
        int planes = shape[0] * shape[1], size = shape.ElementCount / planes;
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int>>(
            FloatKernels.ReduceMean, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        builder.Launch("global average pool", () => kernel(stream, planes, x, y, size, 1));
    }
}
