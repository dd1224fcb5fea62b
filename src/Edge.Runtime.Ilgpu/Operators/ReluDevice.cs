using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Relu on float.</summary>
internal sealed class ReluDevice : DeviceOperator
{
    public override string OpType => "Relu";

    public override string Types => "float";

    public override bool Supports(NodeContext context, IlgpuBackend backend) => context.InputType(0) == DataType.Float32;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var relu = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>>, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>>>(
            ElementwiseKernels.Relu, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = context.InputShape(0).ElementCount;
        if (n > 0)
            builder.Launch("relu", () => relu(stream, n, x, y));
    }
}
