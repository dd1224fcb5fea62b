using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>com.microsoft QLinearAdd (int8 residual adds) with constant quantization parameters and broadcasting over up to four axes.</summary>
internal sealed class QLinearAddDevice : DeviceOperator
{
    public override string OpType => "QLinearAdd";

    public override string Domain => "com.microsoft";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        DeviceParameters.AbsentOrConstant(context, 1, 2, 4, 5, 6, 7)
        && context.InputShape(0).Rank <= FloatLaunchers.MaxRank && context.InputShape(3).Rank <= FloatLaunchers.MaxRank && context.OutputShape(0).Rank <= FloatLaunchers.MaxRank;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var output = FloatLaunchers.Pad(context.OutputShape(0));
        var a = FloatLaunchers.BroadcastStrides(context.InputShape(0), output);
        var b = FloatLaunchers.BroadcastStrides(context.InputShape(3), output);
        var shape = new FloatKernels.Broadcast4
        {
            D1 = output[1], D2 = output[2], D3 = output[3],
            A0 = a[0], A1 = a[1], A2 = a[2], A3 = a[3],
            B0 = b[0], B1 = b[1], B2 = b[2], B3 = b[3],
        };
        var parameters = new QuantizeKernels.AddParameters
        {
            AScale = DeviceParameters.Floats(context, 1)[0], AZero = DeviceParameters.ZeroPoints(context, 2, 1)[0],
            BScale = DeviceParameters.Floats(context, 4)[0], BZero = DeviceParameters.ZeroPoints(context, 5, 1)[0],
            CScale = DeviceParameters.Floats(context, 6)[0], CZero = DeviceParameters.ZeroPoints(context, 7, 1)[0],
            Signed = DeviceParameters.Flag(context.InputType(0) == DataType.Int8),
        };
        var x = builder.Input(context, 0);
        var z = builder.Input(context, 3);
        var y = builder.Output(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, FloatKernels.Broadcast4, QuantizeKernels.AddParameters>,
            Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, FloatKernels.Broadcast4, QuantizeKernels.AddParameters>>(
            QuantizeKernels.AddQuantized, (acc, k) => acc.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = context.OutputShape(0).ElementCount;
        if (n > 0)
            builder.Launch("int8 add", () => kernel(stream, n, x, z, y, shape, parameters));
    }
}
