using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using static Edge.Runtime.Tests.Operators.Layout.LayoutGraphs;

namespace Edge.Runtime.Tests.Operators.Layout;

/// <summary>Layout kernels run in the steady state without allocating.</summary>
public sealed class SteadyStateAllocationTests
{
    public static TheoryData<string> Ops() => ["Transpose", "Slice", "Gather", "Cast", "Concat", "Split", "Expand"];

    [Theory]
    [MemberData(nameof(Ops))]
    public void ExecuteAllocatesNothing(string opType)
    {
        var x = Floats([4, 40, 24]);
        var (inputs, attributes, outputs) = opType switch
        {
            "Transpose" => (new Tensor?[] { x }, (Action<NodeAttributes>)(a => a.SetInts("perm", 0, 2, 1)), 1),
            "Slice" => ([x, Ints(1), Ints(0), Ints(1), Ints(-1)], _ => { }, 1),
            "Gather" => ([x, Tensor.FromArray(new TensorShape(3), new[] { 3, -1, 0 })], a => a.SetInt("axis", 1), 1),
            "Cast" => ([x], a => a.SetInt("to", (int)DataType.Int32), 1),
            "Concat" => ([x, x], a => a.SetInt("axis", 2), 1),
            "Split" => ([x], a => a.SetInt("axis", 1), 2),
            "Expand" => ([Floats([40, 1])], _ => { }, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(opType)),
        };
        if (opType == "Expand")
            inputs = [inputs[0], Ints(3, 40, 24)];
        var node = new Node("n", opType, "", inputs.Select((_, i) => $"in{i}"), Enumerable.Range(0, outputs).Select(o => $"out{o}"), opset: 13);
        attributes(node.Attributes);
        var op = OperatorRegistry.Default.Resolve(node);
        // Only parameters are constant, as in a planned model; the data stays a run-time value.
        var values = inputs.Select((t, i) => i == 0 || (opType == "Gather" && i == 1) ? null : t).ToArray();
        var context = new NodeContext(node, inputs.Select(t => t!.Type).ToArray(), inputs.Select(t => t!.Shape).ToArray(), values);
        op.InferOutputs(context);
        var kernel = op.CreateKernel(context);
        var results = Enumerable.Range(0, outputs).Select(o => Tensor.Allocate(context.OutputType(o), context.OutputShape(o))).ToArray();
        var run = KernelContext.ForTensors(inputs, results, kernel.WorkspaceBytes);

        kernel.Execute(run);
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Execute(run);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
