using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>ReduceMin: minimum over axes (an input from opset 18); an empty reduction gives the type's highest value.</summary>
public sealed class ReduceMinOperator : ReduceOperator
{
    public override string OpType => "ReduceMin";

    protected override bool ComparesOnly => true;

    internal override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => new ReduceKernel<float, MinReduction<float>>(layout),
        DataType.Int32 => new ReduceKernel<int, MinReduction<int>>(layout),
        DataType.Int64 => new ReduceKernel<long, MinReduction<long>>(layout),
        DataType.UInt8 => new ReduceKernel<byte, MinReduction<byte>>(layout),
        _ => new ReduceKernel<sbyte, MinReduction<sbyte>>(layout),
    };
}
