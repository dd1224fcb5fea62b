using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.Elementwise;

/// <summary>Element-wise and reduction kernels run in the steady state without allocating.</summary>
public sealed class ElementwiseAllocationTests
{
    private static Tensor Floats(params int[] dims)
    {
        var shape = new TensorShape(dims);
        return Tensor.FromArray(shape, Enumerable.Range(0, shape.ElementCount).Select(i => i * 0.01f - 3f).ToArray());
    }

    public static TheoryData<string> Cases() =>
    [
        "Add", "Div", "Max", "Where", "Pow", "Erf", "Gelu", "Clip", "Relu", "ReduceMean", "ReduceSumInterleaved",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExecuteAllocatesNothing(string name)
    {
        var x = Floats(4, 5, 24);
        var (opType, opset, inputs, constants) = name switch
        {
            "Add" => ("Add", 14, new Tensor?[] { x, Floats(5, 1) }, 0),
            "Div" => ("Div", 14, [Tensor.FromArray(new TensorShape(3, 20), Enumerable.Range(0, 60).ToArray()), Tensor.FromArray(new TensorShape(20), Enumerable.Range(-10, 20).ToArray())], 0),
            "Max" => ("Max", 13, [x, Floats(24), Floats(4, 1, 1)], 0),
            "Where" => ("Where", 16, [Tensor.FromArray(new TensorShape(5, 24), Enumerable.Range(0, 120).Select(i => i % 3 == 0).ToArray()), x, Tensor.Scalar(0f)], 0),
            "Pow" => ("Pow", 15, [x, Tensor.FromArray(new TensorShape(24), Enumerable.Range(0, 24).Select(i => (long)(i % 4)).ToArray())], 0),
            "Erf" => ("Erf", 13, [x], 0),
            "Gelu" => ("Gelu", 20, [x], 0),
            "Clip" => ("Clip", 13, [x, Tensor.Scalar(-1f), Tensor.Scalar(1f)], 0),
            "Relu" => ("Relu", 14, [x], 0),
            "ReduceMean" => ("ReduceMean", 18, [x, Tensor.FromArray(new TensorShape(1), new long[] { 1 })], 1),
            "ReduceSumInterleaved" => ("ReduceSum", 13, [x, Tensor.FromArray(new TensorShape(2), new long[] { 0, 2 })], 1),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var node = new Node("n", opType, "", inputs.Select((_, i) => $"in{i}"), ["out0"], opset: opset);
        var op = OperatorRegistry.Default.Resolve(node);
        // Only parameters (axes) are constant, as in a planned model; the data stays a run-time value.
        var values = inputs.Select((t, i) => i == constants && constants > 0 ? t : null).ToArray();
        var context = new NodeContext(node, inputs.Select(t => t!.Type).ToArray(), inputs.Select(t => t!.Shape).ToArray(), values);
        op.InferOutputs(context);
        var kernel = op.CreateKernel(context);
        var run = KernelContext.ForTensors(inputs, [Tensor.Allocate(context.OutputType(0), context.OutputShape(0))], kernel.WorkspaceBytes);

        kernel.Execute(run);
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Execute(run);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
