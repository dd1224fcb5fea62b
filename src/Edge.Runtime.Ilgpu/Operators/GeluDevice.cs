using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Gelu on float (opset 20), exact through erf or the tanh approximation.</summary>
internal sealed class GeluDevice : DeviceOperator
{
    public override string OpType => "Gelu";

    public override bool Supports(NodeContext context, IlgpuBackend backend) => context.InputType(0) == DataType.Float32;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        int tanh = DeviceParameters.Flag(context.Attributes.GetString("approximate", "none") == "tanh");
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, int>, Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>>(
            ElementwiseKernels.Gelu, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = context.InputShape(0).ElementCount;
        if (n > 0)
            builder.Launch("gelu", () => kernel(stream, n, x, y, tanh));
    }
}
