using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>ReduceProd: product over axes (an input from opset 18).</summary>
public sealed class ReduceProdOperator : ReduceOperator
{
    public override string OpType => "ReduceProd";

    internal override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => new ReduceKernel<float, ProdReduction<float>>(layout),
        DataType.Int32 => new ReduceKernel<int, ProdReduction<int>>(layout),
        _ => new ReduceKernel<long, ProdReduction<long>>(layout),
    };
}
