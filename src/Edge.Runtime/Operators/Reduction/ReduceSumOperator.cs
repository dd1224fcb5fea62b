using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>ReduceSum: sum over axes (an input from opset 13).</summary>
public sealed class ReduceSumOperator : ReduceOperator
{
    public override string OpType => "ReduceSum";

    protected override int AxesInputOpset => 13;

    internal override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => new ReduceKernel<float, SumReduction<float>>(layout),
        DataType.Int32 => new ReduceKernel<int, SumReduction<int>>(layout),
        _ => new ReduceKernel<long, SumReduction<long>>(layout),
    };
}
