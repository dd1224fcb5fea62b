using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>
/// Shape: the input's dimensions (from <c>start</c> to <c>end</c> since opset 15) as int64. Plans are
/// made per concrete input shape, so the value is known at plan time and consumers fold with it.
/// </summary>
public sealed class ShapeOperator : Operator
{
    public override string OpType => "Shape";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; T1: int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.SetOutputValue(0, Value(context));
    }

    public override Kernel CreateKernel(NodeContext context) => new ShapeKernel(Value(context));

    public override long CountOperations(NodeContext context) => 0;

    private static Tensor Value(NodeContext context)
    {
        var input = context.InputShape(0);
        int rank = input.Rank;
        int start = 0, end = rank;
        if (context.Opset >= 15)
        {
            start = Clamp(context.Attributes.GetInt("start", 0), rank);
            end = Clamp(context.Attributes.GetInt("end", rank), rank);
        }
        int count = Math.Max(0, end - start);
        var dims = new long[count];
        for (int i = 0; i < count; i++)
            dims[i] = input[start + i];
        return Tensor.FromArray<long>(new TensorShape(count), dims);
    }

    private static int Clamp(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);

    private sealed class ShapeKernel(Tensor value) : Kernel
    {
        public override void Execute(KernelContext context) => value.Bytes.CopyTo(context.Output(0).Bytes);
    }
}
