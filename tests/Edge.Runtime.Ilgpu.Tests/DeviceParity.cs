using Edge.Runtime.Graphs;
using Edge.Runtime.Planning;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Ilgpu.Tests;

/// <summary>
/// Runs one node on the CPU backend and on an ILGPU backend (graph as written, no fusions) and checks
/// the node really went to the device and every output is the same bit for bit.
/// </summary>
internal static class DeviceParity
{
    public static void AssertSameAsCpu(IlgpuBackend backend, Func<Node> node, IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, Tensor> constants, params DataType[] outputTypes)
    {
        var cpu = Run(node, inputs, constants, outputTypes, null, out _);
        var device = Run(node, inputs, constants, outputTypes, backend, out var plan);
        Assert.Contains(plan.Steps, s => s.Backend == backend);
        for (int o = 0; o < cpu.Length; o++)
        {
            Assert.Equal(cpu[o].Shape, device[o].Shape);
            var expected = cpu[o].Bytes;
            var actual = device[o].Bytes;
            int elementSize = cpu[o].Type.SizeOf();
            for (int i = 0; i < expected.Length; i += elementSize)
                if (!expected.Slice(i, elementSize).SequenceEqual(actual.Slice(i, elementSize)))
                    Assert.Fail($"{node().OpType} output {o} element {i / elementSize} of {cpu[o].Shape}: device {Describe(device[o], i / elementSize)}, cpu {Describe(cpu[o], i / elementSize)}");
        }
    }

    public static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    public static Tensor RandomFloats(Random random, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 8 - 4);
        return Tensor.FromArray<float>(shape, values);
    }

    public static Tensor Bytes(DataType type, byte[] bytes, params int[] dims)
    {
        var tensor = Tensor.Allocate(type, new TensorShape(dims));
        bytes.AsSpan(0, tensor.ByteLength).CopyTo(tensor.Bytes);
        return tensor;
    }

    public static Node Node(string opType, string domain, string[] inputs, string[] outputs, params (string Name, AttributeValue Value)[] attributes)
    {
        var node = new Node(opType.ToLowerInvariant(), opType, domain, inputs, outputs, opset: domain.Length == 0 ? 17 : 1);
        foreach (var (name, value) in attributes)
            node.Attributes.Set(name, value);
        return node;
    }

    public static (string, AttributeValue) Int(string name, long value) => (name, new AttributeValue(AttributeKind.Int, Int: value));

    public static (string, AttributeValue) Ints(string name, params long[] values) => (name, new AttributeValue(AttributeKind.Ints, Ints: values));

    public static (string, AttributeValue) Float(string name, float value) => (name, new AttributeValue(AttributeKind.Float, Float: value));

    private static Tensor[] Run(Func<Node> node, IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, Tensor> constants, DataType[] outputTypes, IlgpuBackend? backend, out ExecutionPlan plan)
    {
        var n = node();
        var graph = new Graph { Name = "parity" };
        graph.OpsetImports[""] = 17;
        graph.OpsetImports["com.microsoft"] = 1;
        foreach (var (name, value) in constants)
            graph.Initializers[name] = value;
        var runtime = n.Inputs.Where(i => i.Length > 0 && !constants.ContainsKey(i)).Distinct().ToList();
        for (int i = 0; i < runtime.Count; i++)
            graph.Inputs.Add(new ValueInfo(runtime[i], inputs[i].Type, inputs[i].Shape.ToArray().Select(d => (int?)d).ToArray()));
        for (int o = 0; o < outputTypes.Length; o++)
            graph.Outputs.Add(new ValueInfo(n.Outputs[o], outputTypes[o], null));
        graph.Nodes.Add(n);
        using var session = new InferenceSession(graph, new SessionOptions { Optimizer = GraphOptimizer.None, Backends = backend is null ? [] : [backend] });
        plan = session.GetPlan(inputs.Select(t => (t.Type, t.Shape)).ToList());
        var outputs = new Tensor[outputTypes.Length];
        session.Run(inputs.ToArray(), outputs);
        return outputs;
    }

    private static string Describe(Tensor tensor, int index) => tensor.Type switch
    {
        DataType.Float32 => tensor.AsSpan<float>()[index].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        DataType.Int32 => tensor.AsSpan<int>()[index].ToString(System.Globalization.CultureInfo.InvariantCulture),
        DataType.Int8 => ((sbyte)tensor.Bytes[index]).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => tensor.Bytes[index].ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
