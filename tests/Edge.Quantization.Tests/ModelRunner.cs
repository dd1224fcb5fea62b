using Edge.Onnx.Protos;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Edge.Quantization.Tests;

/// <summary>Runs a model (in memory) in Edge and in ONNX Runtime on one float input; returns the first output.</summary>
internal static class ModelRunner
{
    public static float[] RunEdge(ModelProto model, string inputName, Tensor input)
    {
        using var session = new InferenceSession(GraphImporter.Import(model));
        var outputs = session.Run(new Dictionary<string, Tensor> { [inputName] = input });
        return outputs[session.Outputs[0].Name].AsSpan<float>().ToArray();
    }

    public static float[] RunOrt(ModelProto model, string inputName, Tensor input)
    {
        using var options = new Ort.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Ort.InferenceSession(model.ToByteArray(), options);
        using var value = Ort.OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.Dims.ToArray().Select(d => (long)d).ToArray());
        string outputName = session.OutputNames[0];
        using var results = session.Run(new Ort.RunOptions(), new Dictionary<string, Ort.OrtValue> { [inputName] = value }, [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The scale of the DequantizeLinear that writes <paramref name="output"/>: one step of the last quantized tensor.</summary>
    public static float OutputStep(ModelProto model, string output)
    {
        var dq = model.Graph.Node.Single(n => n.Output.Contains(output));
        Assert.Equal("DequantizeLinear", dq.OpType);
        var scale = model.Graph.Initializer.Single(i => i.Name == dq.Input[1]);
        return TensorProtoConverter.ToTensor(scale, scale.Name).AsSpan<float>()[0];
    }
}
