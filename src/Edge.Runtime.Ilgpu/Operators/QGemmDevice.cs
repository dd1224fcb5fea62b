using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>
/// com.microsoft QGemm (transA = 0) with constant B, C and quantization parameters: device GEMM, + C,
/// then requantized by (alpha · a_scale · b_scale[n]) / y_scale, or scaled to float without y.
/// </summary>
internal sealed class QGemmDevice : DeviceOperator
{
    public override string OpType => "QGemm";

    public override string Domain => "com.microsoft";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.Attributes.GetInt("transA", 0) == 0
        && DeviceParameters.IsRunTime(context, 0) && context.InputValue(3) is not null
        && DeviceParameters.AbsentOrConstant(context, 1, 2, 4, 5, 6, 7, 8)
        && (!context.HasInput(6) || context.InputShape(6) is { Rank: >= 1 } c && c[c.Rank - 1] == c.ElementCount && c.ElementCount == context.OutputShape(0)[1]);

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        bool transB = context.Attributes.GetInt("transB", 0) != 0;
        var b = context.InputShape(3);
        int k = transB ? b[1] : b[0], n = transB ? b[0] : b[1], m = context.InputShape(0)[0];
        var gemm = new DeviceInt8Gemm(builder, context.InputValue(3)!.Bytes, DeviceParameters.IsInt8(context, 3), k, n, transB, DeviceParameters.ZeroPoints(context, 5, n));
        float alpha = context.Attributes.GetFloat("alpha", 1f);
        float aScale = DeviceParameters.Floats(context, 1)[0];
        bool quantized = context.HasInput(8);
        float yScale = quantized ? DeviceParameters.Floats(context, 7)[0] : 1f;
        // The CPU's order: alpha · a_scale · b_scale[n], then / y_scale.
        var multipliers = DeviceParameters.Floats(context, 4).Select(s => quantized ? alpha * aScale * s / yScale : alpha * aScale * s).ToArray();
        var bias = context.HasInput(6) ? builder.Input<int>(context, 6) : builder.Scratch<int>(1);
        var acc = builder.Scratch<int>(m * n);
        gemm.Launch(builder, builder.Input(context, 0), builder.Input(context, 2), DeviceParameters.IsInt8(context, 0), m, acc);
        if (quantized)
        {
            QLinearMatMulDevice.Requantize(builder, acc, m, n, bias, context.HasInput(6), multipliers, DeviceParameters.ZeroPoints(context, 8, 1)[0],
                context.OutputType(0) == DataType.Int8, builder.Output(context, 0));
            return;
        }
        var shape = new EpilogueKernels.ScaleShape { Columns = Math.Max(n, 1), HasIntBias = DeviceParameters.Flag(context.HasInput(6)), HasBias = 0, PerColumn = DeviceParameters.Flag(multipliers.Length > 1) };
        var scales = builder.Upload<float>(multipliers);
        var one = builder.Upload<float>([1f]);
        var noBias = builder.Scratch<float>(1);
        var y = builder.Output<float>(context, 0);
        var scale = DeviceLaunchers.Scale(builder.Backend);
        var stream = builder.Stream;
        if (m * n > 0)
            builder.Launch("scale", () => scale(stream, m * n, acc, bias, one, scales, noBias, y, shape));
    }
}
