using Edge.Onnx.Protos;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Runtime.Tests.Planning.Transforms;

/// <summary>
/// A model run twice on the same inputs: with the default graph transforms (what the planner made of it)
/// and with none (the graph as written), so a fusion test can compare the two.
/// </summary>
internal static class FusedAndUnfused
{
    public static (List<string> Ops, Tensor Fused, Tensor Unfused) Run(ModelProto model, IReadOnlyDictionary<string, Tensor> inputs, string output = "y")
    {
        string path = Path.Combine(Path.GetTempPath(), $"fusion-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        try
        {
            using var fused = InferenceSession.Load(path);
            using var unfused = InferenceSession.Load(path, new SessionOptions { Optimizer = GraphOptimizer.None });
            var ordered = fused.Inputs.Select(i => inputs[i.Name]).ToList();
            var ops = fused.GetPlan(ordered.Select(t => (t.Type, t.Shape)).ToArray()).Steps.Select(s => s.Node.OpType).ToList();
            return (ops, fused.Run(inputs)[output], unfused.Run(inputs)[output]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Uniform random floats in [low, high) of the given shape.</summary>
    public static Tensor RandomFloats(Random random, float low, float high, params int[] dims)
    {
        var shape = new TensorShape(dims);
        return Tensor.FromArray<float>(shape, Enumerable.Range(0, shape.ElementCount).Select(_ => low + (float)random.NextDouble() * (high - low)).ToArray());
    }
}
