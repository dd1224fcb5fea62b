using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.NN;

/// <summary>Runs one operator on tensors the way the planner does: infer, prepare (constants visible), execute.</summary>
internal static class NodeHarness
{
    public static Node Node(string opType, int inputs, int outputs = 1, int opset = 17, params (string Name, AttributeValue Value)[] attributes)
    {
        var node = new Node("n1", opType, "", Enumerable.Range(0, inputs).Select(i => $"in{i}"), Enumerable.Range(0, outputs).Select(i => $"out{i}"), opset: opset);
        foreach (var (name, value) in attributes)
            node.Attributes.Set(name, value);
        return node;
    }

    public static AttributeValue Int(long v) => new(AttributeKind.Int, Int: v);
    public static AttributeValue Ints(params long[] v) => new(AttributeKind.Ints, Ints: v);
    public static AttributeValue Float(float v) => new(AttributeKind.Float, Float: v);
    public static AttributeValue Floats(params float[] v) => new(AttributeKind.Floats, Floats: v);
    public static AttributeValue String(string v) => new(AttributeKind.String, String: v);

    /// <summary>Runs <paramref name="node"/>; inputs flagged in <paramref name="constant"/> are visible at prepare time.</summary>
    public static Tensor[] Run(Operator op, Node node, Tensor?[] inputs, bool[]? constant = null, int threads = 1)
    {
        var types = inputs.Select(t => t?.Type ?? DataType.Undefined).ToArray();
        var shapes = inputs.Select(t => t?.Shape).ToArray();
        var values = inputs.Select((t, i) => constant is not null && i < constant.Length && constant[i] ? t : null).ToArray();
        var context = new NodeContext(node, types, shapes, values);
        op.InferOutputs(context);
        var kernel = op.CreateKernel(context);
        var outputs = Enumerable.Range(0, node.Outputs.Count).Select(o => Tensor.Allocate(context.OutputType(o), context.OutputShape(o))).ToArray();
        // The arena does not zero outputs: poison them so a kernel that skips an element fails.
        foreach (var output in outputs)
            if (output.Type == DataType.Float32)
                output.AsSpan<float>().Fill(float.NaN);
        var kernelContext = KernelContext.ForTensors(inputs, outputs, kernel.WorkspaceBytes, threads == 1 ? ParallelRunner.Sequential : new ParallelRunner(threads));
        // Sessions share one workspace between nodes: poison it too, so a kernel that reads scratch it never wrote fails.
        kernelContext.Workspace.AsSpan().Fill(0xFF);
        kernel.Execute(kernelContext);
        return outputs;
    }

    /// <summary>Infers and prepares only, for tests of errors and of which kernel a node gets.</summary>
    public static Kernel Prepare(Operator op, Node node, Tensor?[] inputs, bool[]? constant = null)
    {
        var context = new NodeContext(node, inputs.Select(t => t?.Type ?? DataType.Undefined).ToArray(), inputs.Select(t => t?.Shape).ToArray(),
            inputs.Select((t, i) => constant is not null && i < constant.Length && constant[i] ? t : null).ToArray());
        op.InferOutputs(context);
        return op.CreateKernel(context);
    }

    public static Tensor Random(Random random, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return Tensor.FromArray<float>(shape, values);
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i]))))
                Assert.Fail($"element {i} is {actual[i]}, expected {expected[i]}");
    }
}
