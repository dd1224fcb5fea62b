// Writes ONNX Runtime's outputs as output_K.pb beside every test_data_set_N/input_K.pb of the
// given fixture folders, so that `edge test-model` (and the ARM64 run under qemu, which has no ORT)
// compares with ORT, the oracle. Run: dotnet run tests/tools/WriteOrtOutputs.cs -- tests/fixtures/*/
#:package Microsoft.ML.OnnxRuntime
#:package Google.Protobuf
#:project ../../src/Edge.Onnx/Edge.Onnx.csproj
#:property PublishAot=false

using Edge.Onnx;
using Edge.Onnx.Protos;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

foreach (string folder in args)
{
    string model = Path.Combine(folder, "model.onnx");
    if (!File.Exists(model))
        continue;
    using var options = new SessionOptions { IntraOpNumThreads = 1 };
    using var session = new InferenceSession(model, options);
    foreach (string dataSet in Directory.GetDirectories(folder, "test_data_set_*"))
    {
        var feeds = new Dictionary<string, OrtValue>();
        foreach (string file in Directory.GetFiles(dataSet, "input_*.pb").Order())
        {
            var tensor = OnnxModelReader.ReadTensor(file);
            var dims = tensor.Dims.ToArray();
            feeds[tensor.Name] = tensor.DataType switch
            {
                1 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray(), dims),
                2 => OrtValue.CreateTensorValueFromMemory(tensor.RawData.ToByteArray(), dims),
                _ => throw new NotSupportedException($"{file}: input type {tensor.DataType}"),
            };
        }
        using var results = session.Run(new RunOptions(), feeds, session.OutputNames);
        for (int k = 0; k < results.Count; k++)
        {
            var info = results[k].GetTensorTypeAndShape();
            var proto = new TensorProto { Name = session.OutputNames[k], DataType = (int)info.ElementDataType };
            proto.Dims.Add(info.Shape);
            proto.RawData = ByteString.CopyFrom(results[k].GetTensorDataAsSpan<byte>());
            OnnxModelWriter.WriteTensor(proto, Path.Combine(dataSet, $"output_{k}.pb"));
        }
        Console.WriteLine($"{dataSet}: {results.Count} outputs from ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
        foreach (var value in feeds.Values)
            value.Dispose();
    }
}
