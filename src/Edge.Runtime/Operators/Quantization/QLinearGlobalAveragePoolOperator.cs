using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft QLinearGlobalAveragePool (NCHW, or NHWC with channels_last = 1). As MLAS's x64 path
/// (qlgavgpool.cpp): the int32 sum of the window minus x_zp · size, requantized with the float scale
/// x_scale / (y_scale · size), round half to even, + y_zp, saturate.
/// </summary>
public sealed class QLinearGlobalAveragePoolOperator : Operator
{
    public override string OpType => "QLinearGlobalAveragePool";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(5, 5);
        var type = context.RequireType(0, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireFloat(context, 1, "x_scale");
        QuantizedValues.RequireFloat(context, 3, "y_scale");
        QuantizedValues.RequireZeroPointType(context, 2, type, "x_zero_point");
        QuantizedValues.RequireZeroPointType(context, 4, type, "y_zero_point");
        for (int i = 1; i < 5; i++)
            QuantizedValues.RequireScalar(context, i, "scale or zero point");
        var x = context.InputShape(0);
        if (x.Rank < 3)
            throw context.Fail($"input has shape {x}; expected rank ≥ 3");
        bool channelsLast = context.Attributes.GetInt("channels_last", 0) != 0;
        var dims = x.ToArray();
        for (int d = channelsLast ? 1 : 2; d < (channelsLast ? x.Rank - 1 : x.Rank); d++)
            dims[d] = 1;
        int imageSize = x.ElementCount / Math.Max(dims.Aggregate(1, (p, v) => p * v), 1);
        if (imageSize >= 1 << 24)
            throw context.Fail($"window of {imageSize} elements is too large (ONNX Runtime's limit is 2^24)");
        if (context.InputValue(1) is { } xScale && context.InputValue(3) is { } yScale)
        {
            float scale = QuantizedValues.Scale(xScale) / (QuantizedValues.Scale(yScale) * imageSize);
            if (!(scale >= 1f / 4294967296f && scale < 256f))
                throw context.Fail($"x_scale / (y_scale · {imageSize}) = {scale} is outside [2^-32, 256) (ONNX Runtime rejects it too)");
        }
        context.SetOutput(0, type, new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var x = context.InputShape(0);
        bool channelsLast = context.Attributes.GetInt("channels_last", 0) != 0;
        int batch = x[0];
        int channels = channelsLast ? x[x.Rank - 1] : x[1];
        int imageSize = x.ElementCount / Math.Max(batch * channels, 1);
        return new PoolKernel(batch, channels, imageSize, channelsLast, context.InputType(0) == DataType.Int8);
    }

    private sealed class PoolKernel(int batch, int channels, int imageSize, bool channelsLast, bool signed) : Kernel
    {
        public override int WorkspaceBytes => channels * sizeof(int);

        public override void Execute(KernelContext context)
        {
            var x = context.Input(0).Bytes;
            var y = context.Output(0).Bytes;
            float scale = QuantizedValues.Scale(context.Input(1)) / (QuantizedValues.Scale(context.Input(3)) * (float)imageSize);
            int bias = -QuantizedValues.ZeroPoint(context.Input(2)) * imageSize;
            int yZero = QuantizedValues.ZeroPoint(context.Input(4));
            var sums = MemoryMarshal.Cast<byte, int>(context.Workspace.AsSpan(0, channels * sizeof(int)));
            ReadOnlySpan<float> scales = [scale];
            for (int b = 0; b < batch; b++)
            {
                var image = x.Slice(b * channels * imageSize, channels * imageSize);
                sums.Fill(bias);
                if (channelsLast)
                {
                    for (int p = 0; p < imageSize; p++)
                    {
                        var pixel = image.Slice(p * channels, channels);
                        for (int c = 0; c < channels; c++)
                            sums[c] += signed ? (sbyte)pixel[c] : pixel[c];
                    }
                }
                else
                {
                    for (int c = 0; c < channels; c++)
                    {
                        var plane = image.Slice(c * imageSize, imageSize);
                        int sum = 0;
                        if (signed)
                            foreach (byte v in plane)
                                sum += (sbyte)v;
                        else
                            foreach (byte v in plane)
                                sum += v;
                        sums[c] += sum;
                    }
                }
                Requantizer.Requantize(sums, default, scales, yZero, signed, y.Slice(b * channels, channels));
            }
        }
    }
}
