using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Runtime.Tests;
using Edge.Runtime.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Edge.Quantization.Tests.Distillation;

/// <summary>The real PyTorch fixtures under tests/fixtures, and ONNX Runtime as the independent oracle.</summary>
internal static class Fixtures
{
    public static string Model(string name) => Path.Combine(RepositoryPaths.Fixtures, name, "model.onnx");

    public static string Split(string name) => Path.Combine(RepositoryPaths.Fixtures, name, "test_split");

    public static ModelProto ReadModel(string name) => OnnxModelReader.ReadModel(Model(name));

    public static Tensor SplitInputs(string name) =>
        TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Path.Combine(Split(name), "inputs.pb")), name);

    public static long[] SplitLabels(string name) =>
        TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Path.Combine(Split(name), "labels.pb")), name).AsSpan<long>().ToArray();

    /// <summary>The first <paramref name="count"/> samples of a batch, copied.</summary>
    public static Tensor Slice(Tensor batch, int start, int count)
    {
        var dims = batch.Shape.ToArray();
        int sample = batch.ElementCount / dims[0];
        dims[0] = count;
        var result = Tensor.Allocate(batch.Type, new TensorShape(dims));
        batch.Bytes.Slice(start * sample * batch.Type.SizeOf(), result.ByteLength).CopyTo(result.Bytes);
        return result;
    }

    /// <summary>The accuracy PyTorch measured for a fixture (its info.json).</summary>
    public static double TorchAccuracy(string name)
    {
        using var info = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Fixtures, name, "info.json")));
        return info.RootElement.GetProperty("torch_accuracy").GetDouble();
    }

    /// <summary>ONNX Runtime's first output for a float input batch.</summary>
    public static float[] RunOrt(byte[] model, Tensor input)
    {
        using var options = new Ort.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Ort.InferenceSession(model, options);
        using var value = Ort.OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.Dims.ToArray().Select(d => (long)d).ToArray());
        using var results = session.Run(new Ort.RunOptions(), new Dictionary<string, Ort.OrtValue> { [session.InputNames[0]] = value }, [session.OutputNames[0]]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
