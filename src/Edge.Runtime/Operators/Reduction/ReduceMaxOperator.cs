using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Reduction;

/// <summary>ReduceMax: maximum over axes (an input from opset 18); an empty reduction gives the type's lowest value.</summary>
public sealed class ReduceMaxOperator : ReduceOperator
{
    public override string OpType => "ReduceMax";

    protected override bool ComparesOnly => true;

    internal override Kernel CreateKernel(DataType type, ReduceLayout layout) => type switch
    {
        DataType.Float32 => new ReduceKernel<float, MaxReduction<float>>(layout),
        DataType.Int32 => new ReduceKernel<int, MaxReduction<int>>(layout),
        DataType.Int64 => new ReduceKernel<long, MaxReduction<long>>(layout),
        DataType.UInt8 => new ReduceKernel<byte, MaxReduction<byte>>(layout),
        _ => new ReduceKernel<sbyte, MaxReduction<sbyte>>(layout),
    };
}
