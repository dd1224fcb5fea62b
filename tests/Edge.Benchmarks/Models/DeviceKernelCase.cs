using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>One single-node int8 model with its uint8 input and the work one run does: multiply-accumulates and the bytes it must touch.</summary>
/// <param name="ActivationBytes">Input plus output bytes.</param>
internal sealed record DeviceKernelCase(string Name, ModelProto Model, int[] InputShape, byte[] Input, long Macs, long WeightBytes, long ActivationBytes)
{
    /// <summary>Integer operations per run, counting a multiply-accumulate as two.</summary>
    public long Operations => 2 * Macs;

    public long TouchedBytes => WeightBytes + ActivationBytes;
}
