using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float Add, Sub, Mul and Div with numpy broadcasting (up to four axes).</summary>
internal sealed class BinaryFloatDevice(string opType, int op) : DeviceOperator
{
    public override string OpType => opType;

    public override string Types => "float";

    public override bool Supports(NodeContext context, IlgpuBackend backend) => FloatLaunchers.FloatsUpTo4(context, 0, 1);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var output = FloatLaunchers.Pad(context.OutputShape(0));
        var a = FloatLaunchers.BroadcastStrides(context.InputShape(0), output);
        var b = FloatLaunchers.BroadcastStrides(context.InputShape(1), output);
        var shape = new FloatKernels.Broadcast4
        {
            D1 = output[1], D2 = output[2], D3 = output[3],
            A0 = a[0], A1 = a[1], A2 = a[2], A3 = a[3],
            B0 = b[0], B1 = b[1], B2 = b[2], B3 = b[3],
            Op = op,
        };
        var x = builder.Input<float>(context, 0);
        var z = builder.Input<float>(context, 1);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatKernels.Broadcast4>,
            Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatKernels.Broadcast4>>(
            FloatKernels.Binary, (acc, k) => acc.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = context.OutputShape(0).ElementCount;
        if (n > 0)
            builder.Launch(opType.ToLowerInvariant(), () => kernel(stream, n, x, z, y, shape));
    }
}
