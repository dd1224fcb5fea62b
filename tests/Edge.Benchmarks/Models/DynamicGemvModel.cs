using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// A 4096×4096 dynamic-int8 GEMV (16 MiB of int8 weights): the batch-1 decoder/LSTM step shape,
/// bound by weight streaming rather than arithmetic.
/// </summary>
internal static class DynamicGemvModel
{
    public const int Size = 4096;

    public static ModelProto Build()
    {
        var rng = new Random(4096);
        var g = new GraphBuilder();
        g.Input("x", 1, 1, Size);
        var w = Weights.Uniform(rng, Size * Size, 0.02f);
        var bias = Weights.Uniform(rng, Size, 0.1f);
        string y = DynamicMatMul.Add(g, "x", w, Size, Size, bias);
        g.Node("Identity", [y], "y");
        g.Output("y", 1, 1, Size);
        return g.ToModel("dynamic int8 GEMV 4096x4096");
    }
}
