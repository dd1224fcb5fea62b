using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// A ResNet-like CNN at 224×224: stem conv 7×7/2 + ReLU + maxpool 3×3/2, three basic residual blocks
/// (64, 128/2, 256/2; 1×1 projection where the shape changes), global average pool, FC 1000.
/// The same weights are written as fp32, QDQ and QOperator so the three are comparable.
/// </summary>
internal static class ResNetModel
{
    public const int Classes = 1000;

    private static readonly (int Cout, int Stride)[] Stages = [(64, 1), (128, 2), (256, 2)];

    public static ModelProto BuildFloat() => Emit(new ResNetFloatEmitter(), "ResNet-like CNN, fp32").Model;

    public static ModelProto BuildQdq(IReadOnlyDictionary<string, (float Min, float Max)> ranges) =>
        Emit(new ResNetQdqEmitter(ranges), "ResNet-like CNN, QDQ int8").Model;

    public static ModelProto BuildQOperator(IReadOnlyDictionary<string, (float Min, float Max)> ranges) =>
        Emit(new ResNetQOperatorEmitter(ranges), "ResNet-like CNN, QOperator int8").Model;

    /// <summary>The fp32 model plus every step's output name, for calibration.</summary>
    public static (ModelProto Model, IReadOnlyList<string> Keys) BuildFloatWithKeys()
    {
        var emitter = new ResNetFloatEmitter();
        var (model, _) = Emit(emitter, "ResNet-like CNN, fp32");
        return (model, emitter.Keys);
    }

    private static (ModelProto Model, IResNetEmitter Emitter) Emit<T>(T e, string doc) where T : IResNetEmitter, IModelEmitter
    {
        // The seed is fixed so all three formats carry identical float weights.
        var rng = new Random(224);
        string x = e.Input("input");
        x = e.Conv(x, ConvLayer.Create(rng, "stem", 3, 64, 7, 2), relu: true, "stem");
        x = e.MaxPool(x, "pool");
        int cin = 64;
        for (int s = 0; s < Stages.Length; s++)
        {
            var (cout, stride) = Stages[s];
            string name = $"s{s + 1}";
            string a = e.Conv(x, ConvLayer.Create(rng, name + "_c1", cin, cout, 3, stride), relu: true, name + "_c1");
            string b = e.Conv(a, ConvLayer.Create(rng, name + "_c2", cout, cout, 3, 1), relu: false, name + "_c2");
            string shortcut = cin == cout && stride == 1 ? x : e.Conv(x, ConvLayer.Create(rng, name + "_proj", cin, cout, 1, stride), relu: false, name + "_proj");
            x = e.AddRelu(b, shortcut, name + "_out");
            cin = cout;
        }
        x = e.GlobalAveragePool(x, "gap");
        e.Classifier(x, Weights.He(rng, Classes * cin, cin), Weights.Uniform(rng, Classes, 0.05f), cin, Classes, "logits");
        return (e.ToModel(doc), e);
    }
}
