using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// DynamicQuantizeLinear: uint8 quantization with a scale and zero point computed from the data as
/// ONNX Runtime does (qmath.h GetQuantizationParameter): the range is widened to include 0,
/// scale = (max − min) / 255 (1 when max = min), zero point = roundEven(clamp(0 − min / scale, 0, 255)).
/// </summary>
public sealed class DynamicQuantizeLinearOperator : Operator
{
    public override string OpType => "DynamicQuantizeLinear";

    public override string TypeConstraints => "float → uint8";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        context.SetOutput(0, DataType.UInt8, context.InputShape(0));
        context.SetOutput(1, DataType.Float32, TensorShape.Scalar);
        context.SetOutput(2, DataType.UInt8, TensorShape.Scalar);
    }

    public override Kernel CreateKernel(NodeContext context) => new DynamicQuantizeKernel(context.HasOutput(1), context.HasOutput(2), context.InputShape(0).ElementCount);

    /// <summary>ONNX Runtime's uint8 scale and zero point for <paramref name="data"/>.</summary>
    internal static (float Scale, byte ZeroPoint) Parameters(ReadOnlySpan<float> data)
    {
        var (min, max) = Range(data);
        return FromRange(min, max);
    }

    /// <summary>Min and max of <paramref name="data"/> and 0 (ONNX Runtime widens the range to include zero).</summary>
    private static (float Min, float Max) Range(ReadOnlySpan<float> data)
    {
        float min = 0f, max = 0f;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && data.Length >= 2 * System.Numerics.Vector<float>.Count)
        {
            int w = System.Numerics.Vector<float>.Count;
            var vMin = System.Numerics.Vector<float>.Zero;
            var vMax = System.Numerics.Vector<float>.Zero;
            for (; i <= data.Length - w; i += w)
            {
                var v = new System.Numerics.Vector<float>(data.Slice(i, w));
                vMin = System.Numerics.Vector.Min(vMin, v);
                vMax = System.Numerics.Vector.Max(vMax, v);
            }
            for (int j = 0; j < w; j++)
            {
                min = Math.Min(min, vMin[j]);
                max = Math.Max(max, vMax[j]);
            }
        }
        for (; i < data.Length; i++)
        {
            min = Math.Min(min, data[i]);
            max = Math.Max(max, data[i]);
        }
        return (min, max);
    }

    private static (float Scale, byte ZeroPoint) FromRange(float min, float max)
    {
        float scale = max == min ? 1.0f : (max - min) / 255f;
        float initialZeroPoint = 0 - min / scale;
        byte zeroPoint = (byte)MathF.Round(Math.Max(0f, Math.Min(255f, initialZeroPoint)), MidpointRounding.ToEven);
        return (scale, zeroPoint);
    }

    /// <summary>
    /// Min/max per block of <see cref="Block"/> values, then quantization, each split across threads when
    /// the tensor spans several blocks: min and max do not depend on the order they are taken in, and
    /// quantization is per value, so the result is the same on any number of threads.
    /// </summary>
    private sealed class DynamicQuantizeKernel(bool writeScale, bool writeZeroPoint, int count) : Kernel
    {
        private const int Block = 16 * 1024;

        private readonly int _blocks = (count + Block - 1) / Block;

        public override int WorkspaceBytes => _blocks > 1 ? 2 * _blocks * sizeof(float) : 0;

        public override unsafe void Execute(KernelContext context)
        {
            var x = context.Input(0);
            float scale;
            byte zeroPoint;
            if (_blocks <= 1 || context.Parallel.Threads == 1)
            {
                (scale, zeroPoint) = Parameters(x.AsSpan<float>());
                Requantizer.Quantize(x.AsSpan<float>(), scale, zeroPoint, signed: false, context.Output(0).Bytes);
            }
            else
            {
                var ranges = new RangeJob(x, context.Workspace);
                context.Parallel.For(_blocks, 2, in ranges, &BlockRanges);
                var perBlock = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan(0, WorkspaceBytes));
                float min = 0f, max = 0f;
                for (int b = 0; b < _blocks; b++)
                {
                    min = Math.Min(min, perBlock[2 * b]);
                    max = Math.Max(max, perBlock[2 * b + 1]);
                }
                (scale, zeroPoint) = FromRange(min, max);
                var quantize = new QuantizeJob(x, context.Output(0), scale, zeroPoint);
                context.Parallel.For(_blocks, 2, in quantize, &QuantizeBlocks);
            }
            if (writeScale)
                context.Output(1).AsSpan<float>()[0] = scale;
            if (writeZeroPoint)
                context.Output(2).Bytes[0] = zeroPoint;
        }

        private readonly record struct RangeJob(Tensor X, byte[] Workspace);

        private readonly record struct QuantizeJob(Tensor X, Tensor Y, float Scale, byte ZeroPoint);

        private static void BlockRanges(in RangeJob job, int start, int end)
        {
            var x = job.X.AsSpan<float>();
            var perBlock = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(job.Workspace.AsSpan());
            for (int b = start; b < end; b++)
            {
                int first = b * Block;
                var (min, max) = Range(x.Slice(first, Math.Min(Block, x.Length - first)));
                perBlock[2 * b] = min;
                perBlock[2 * b + 1] = max;
            }
        }

        private static void QuantizeBlocks(in QuantizeJob job, int start, int end)
        {
            var x = job.X.AsSpan<float>();
            int first = start * Block;
            int last = Math.Min(end * Block, x.Length);
            Requantizer.Quantize(x[first..last], job.Scale, job.ZeroPoint, signed: false, job.Y.Bytes[first..last]);
        }
    }
}
