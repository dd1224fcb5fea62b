using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>ReduceMean: mean over axes (an input from opset 18); integer means truncate.</summary>
public sealed class ReduceMeanOperator : ReduceOperator
{
    public override string OpType => "ReduceMean";

    internal override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => new ReduceKernel<float, MeanReduction<float>>(layout),
        DataType.Int32 => new ReduceKernel<int, MeanReduction<int>>(layout),
        _ => new ReduceKernel<long, MeanReduction<long>>(layout),
    };
}
