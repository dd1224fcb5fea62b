using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// The three single-node int8 models of the device-backend section: a QLinearMatMul GEMM, a batch-1
/// QLinearMatMul GEMV and a 3×3 QLinearConv, with fixed random weights and one fixed random input each.
/// </summary>
internal static class DeviceKernelModels
{
    private const int Uint8 = (int)TensorProto.Types.DataType.Uint8;

    // Activations: uint8 with zero point 128 and scale 1/64 (real range ±2); weights: int8 with scale 1/127 (±1).
    private const float XScale = 1f / 64, WScale = 1f / 127;
    private const byte ZeroPoint = 128;

    public static IReadOnlyList<DeviceKernelCase> All() =>
    [
        MatMul("gemm-256x512x512", m: 256, k: 512, n: 512, seed: 256),
        MatMul("gemv-1x4096x4096", m: 1, k: 4096, n: 4096, seed: 4096),
        Conv("conv3x3-64-28x28", channels: 64, size: 28, seed: 28),
    ];

    /// <summary>Y[m,n] = QLinearMatMul(X[m,k] uint8, W[k,n] int8 per tensor) → uint8.</summary>
    public static DeviceKernelCase MatMul(string name, int m, int k, int n, int seed)
    {
        var rng = new Random(seed);
        var g = new GraphBuilder();
        g.Input("x", Uint8, m, k);
        string w = g.Int8("w", RandomInt8(rng, k * n), k, n);
        g.Node("QLinearMatMul",
            ["x", g.Scalar("x_scale", XScale), g.UInt8("x_zp", [ZeroPoint]),
             w, g.Scalar("w_scale", WScale), g.Int8("w_zp", [0]),
             g.Scalar("y_scale", OutputScale(k)), g.UInt8("y_zp", [ZeroPoint])], "y");
        g.Output("y", Uint8, m, n);
        return new DeviceKernelCase(name, g.ToModel($"int8 QLinearMatMul {m}x{k}x{n}"), [m, k], RandomUint8(rng, m * k), Macs: (long)m * k * n,
            WeightBytes: (long)k * n, ActivationBytes: (long)m * k + (long)m * n);
    }

    /// <summary>Y = QLinearConv(X[1,C,S,S] uint8, W[C,C,3,3] int8 per channel, int32 bias), stride 1, pad 1 → uint8 [1,C,S,S].</summary>
    public static DeviceKernelCase Conv(string name, int channels, int size, int seed)
    {
        var rng = new Random(seed);
        var g = new GraphBuilder();
        int patch = channels * 9;
        g.Input("x", Uint8, 1, channels, size, size);
        var scales = Enumerable.Range(0, channels).Select(_ => WScale * (0.5f + (float)rng.NextDouble())).ToArray();
        var bias = Enumerable.Range(0, channels).Select(_ => rng.Next(-2000, 2000)).ToArray();
        string w = g.Int8("w", RandomInt8(rng, channels * patch), channels, channels, 3, 3);
        g.Node("QLinearConv",
            ["x", g.Scalar("x_scale", XScale), g.UInt8("x_zp", [ZeroPoint]),
             w, g.Float("w_scale", scales, channels), g.Int8("w_zp", new sbyte[channels], channels),
             g.Scalar("y_scale", OutputScale(patch)), g.UInt8("y_zp", [ZeroPoint]), g.Int32("bias", bias, channels)],
            "y", "", GraphBuilder.Attr("kernel_shape", 3, 3), GraphBuilder.Attr("pads", 1, 1, 1, 1), GraphBuilder.Attr("strides", 1, 1));
        g.Output("y", Uint8, 1, channels, size, size);
        int plane = size * size;
        return new DeviceKernelCase(name, g.ToModel($"int8 QLinearConv 3x3 {channels}->{channels} {size}x{size}"), [1, channels, size, size], RandomUint8(rng, channels * plane),
            Macs: (long)plane * channels * patch, WeightBytes: (long)channels * patch, ActivationBytes: 2L * channels * plane);
    }

    // A dot product of k uniform terms (x ±2, w ±1) has a standard deviation of about 0.67·√k; ±4σ spans the uint8 range.
    private static float OutputScale(int k) => 8 * 0.67f * MathF.Sqrt(k) / 255;

    private static sbyte[] RandomInt8(Random rng, int count)
    {
        var values = new sbyte[count];
        for (int i = 0; i < count; i++)
            values[i] = (sbyte)rng.Next(-127, 128);
        return values;
    }

    private static byte[] RandomUint8(Random rng, int count)
    {
        var values = new byte[count];
        rng.NextBytes(values);
        return values;
    }
}
