using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Edge.Runtime.Ilgpu.Tests;

/// <summary>
/// An int8 fixture planned onto an ILGPU backend: every output equals the CPU backend's (bit for bit
/// unless float ops with another summation order run on the device too),
/// agrees with ONNX Runtime as the runtime's parity tests demand, and the int8 work lands on the device
/// in few partitions.
/// </summary>
internal static class FixtureParity
{
    private const int Samples = 8;

    public static void AssertFixtureMatches(IlgpuBackend backend, string name, bool qdq, int maxDevicePartitions, bool bitExact = true)
    {
        string folder = Path.Combine(RepositoryPaths.Fixtures, name);
        string modelPath = Path.Combine(folder, "model.onnx");
        var all = TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Path.Combine(folder, "test_split", "inputs.pb")), "inputs.pb");
        var dims = all.Shape.ToArray();
        dims[0] = Samples;
        var input = Tensor.FromArray<float>(new TensorShape(dims), all.AsSpan<float>()[..(all.ElementCount / all.Shape[0] * Samples)]);

        using var cpuSession = InferenceSession.Load(modelPath);
        using var deviceSession = InferenceSession.Load(modelPath, new SessionOptions { Backends = [backend] });
        string inputName = cpuSession.Inputs[0].Name, outputName = cpuSession.Outputs[0].Name;
        var cpu = cpuSession.Run(new Dictionary<string, Tensor> { [inputName] = input })[outputName];
        var device = deviceSession.Run(new Dictionary<string, Tensor> { [inputName] = input })[outputName];

        var plan = deviceSession.GetPlan([(DataType.Float32, input.Shape)]);
        var deviceSteps = plan.Steps.Where(s => s.Backend == backend).ToList();
        Assert.NotEmpty(deviceSteps);
        Assert.InRange(deviceSteps.Count, 1, maxDevicePartitions);

        Assert.Equal(cpu.Shape, device.Shape);
        var c = cpu.AsSpan<float>();
        var d = device.AsSpan<float>();
        // Int8 kernels and their epilogues are exact; float ops between them (LayerNorm, Softmax, MatMul)
        // sum in another order than the CPU backend's SIMD code, so those models agree within tolerance.
        for (int i = 0; i < c.Length; i++)
            Assert.True(bitExact ? BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(d[i]) : Math.Abs(c[i] - d[i]) <= 1e-4 * Math.Abs(c[i]) + 1e-5,
                $"{name}: element {i} is {d[i]} on the ILGPU kernels, {c[i]} on the CPU backend");

        var ort = RunOrt(modelPath, inputName, input, outputName).AsSpan<float>();
        double step = qdq ? OutputScale(modelPath, outputName) * 1.001 : 0;
        for (int i = 0; i < ort.Length; i++)
        {
            double limit = qdq ? step + 1e-6 : 1e-4 * Math.Abs(ort[i]) + 1e-5;
            Assert.True(Math.Abs(d[i] - ort[i]) <= limit, $"{name}: element {i} is {d[i]}, ORT gives {ort[i]}");
        }
    }

    private static Tensor RunOrt(string modelPath, string inputName, Tensor input, string outputName)
    {
        using var options = new Ort.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Ort.InferenceSession(modelPath, options);
        using var value = Ort.OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.ToArray().Select(d => (long)d).ToArray());
        using var results = session.Run(new Ort.RunOptions(), new Dictionary<string, Ort.OrtValue> { [inputName] = value }, [outputName]);
        var shape = results[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
        return Tensor.FromArray<float>(new TensorShape(shape), results[0].GetTensorDataAsSpan<float>());
    }

    /// <summary>The scale of the DequantizeLinear producing the output, walking back through Reshape/Flatten.</summary>
    private static double OutputScale(string modelPath, string outputName)
    {
        var graph = Graphs.GraphImporter.Import(OnnxModelReader.ReadModel(modelPath));
        string value = outputName;
        for (int hops = 0; hops < 8; hops++)
        {
            var producer = graph.Nodes.First(n => n.Outputs.Contains(value));
            if (producer.OpType == "DequantizeLinear")
                return graph.Initializers[producer.Input(1)].AsSpan<float>()[0];
            value = producer.Input(0);
        }
        throw new InvalidOperationException($"{modelPath}: no DequantizeLinear produces '{outputName}'");
    }
}
