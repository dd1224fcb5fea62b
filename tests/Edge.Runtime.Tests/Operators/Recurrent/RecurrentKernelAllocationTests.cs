using Edge.Runtime.Graphs;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Recurrent;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class RecurrentKernelAllocationTests
{
    public static TheoryData<string> Ops() => ["LSTM", "GRU"];

    [Theory]
    [MemberData(nameof(Ops))]
    public void ExecuteAllocatesNothingInSteadyState(string opType)
    {
        Operator op = opType == "LSTM" ? new LstmOperator() : new GruOperator();
        int gates = opType == "LSTM" ? 4 : 3;
        var c = RecurrentCase.Random(gates, seed: 1, sequenceLength: 8, batch: 3, inputSize: 16, hiddenSize: 16, "bidirectional", 0, withOptionalInputs: true);
        var attributes = new NodeAttributes();
        attributes.Set("hidden_size", new AttributeValue(AttributeKind.Int, Int: 16));
        attributes.Set("direction", new AttributeValue(AttributeKind.String, String: "bidirectional"));
        // W, R and B constant (packed at plan time); X, sequence_lens and initial_h computed.
        var inputs = new Tensor?[]
        {
            Tensor.FromArray<float>(new TensorShape(8, 3, 16), c.X),
            Tensor.FromArray<float>(new TensorShape(2, gates * 16, 16), c.W),
            Tensor.FromArray<float>(new TensorShape(2, gates * 16, 16), c.R),
            Tensor.FromArray<float>(new TensorShape(2, 2 * gates * 16), c.B),
            Tensor.FromArray<int>(new TensorShape(3), c.SequenceLens),
            Tensor.FromArray<float>(new TensorShape(2, 3, 16), c.InitialH),
        };
        var node = new Node("n", opType, "", ["X", "W", "R", "B", "lens", "h0"], gates == 4 ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"], attributes, 14);
        var context = new NodeContext(node, inputs.Select(t => t!.Type).ToArray(), inputs.Select(t => t!.Shape).ToArray(), [null, inputs[1], inputs[2], inputs[3], null, null]);
        op.InferOutputs(context);
        var kernel = op.CreateKernel(context);
        var outputs = Enumerable.Range(0, node.Outputs.Count).Select(i => Tensor.Allocate(context.OutputType(i), context.OutputShape(i))).ToArray();
        var kernelContext = KernelContext.ForTensors(inputs, outputs, kernel.WorkspaceBytes);
        kernel.Execute(kernelContext);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            kernel.Execute(kernelContext);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
