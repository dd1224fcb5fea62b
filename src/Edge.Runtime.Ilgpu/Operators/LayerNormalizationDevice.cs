using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float LayerNormalization over the trailing axes, without the optional Mean / InvStdDev outputs.</summary>
internal sealed class LayerNormalizationDevice : DeviceOperator
{
    public override string OpType => "LayerNormalization";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.InputType(0) == DataType.Float32 && !context.HasOutput(1) && !context.HasOutput(2) && context.InputShape(0).ElementCount > 0;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var x = context.InputShape(0);
        long axis = context.Attributes.GetInt("axis", -1);
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        int size = x.SizeBetween(a, x.Rank), rows = x.ElementCount / size;
        var shape = new FloatKernels.NormShape
        {
            Size = size, Epsilon = context.Attributes.GetFloat("epsilon", 1e-5f),
            ScaleStride = context.InputShape(1).ElementCount == 1 ? 0 : 1,
            BiasStride = context.HasInput(2) && context.InputShape(2).ElementCount != 1 ? 1 : 0,
            HasBias = DeviceParameters.Flag(context.HasInput(2)),
        };
        var input = builder.Input<float>(context, 0);
        var scale = builder.Input<float>(context, 1);
        var bias = context.HasInput(2) ? builder.Input<float>(context, 2) : builder.Scratch<float>(1);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatKernels.NormShape>,
            Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FloatKernels.NormShape>>(
            FloatKernels.LayerNorm, (acc, k) => acc.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        builder.Launch("layer norm", () => kernel(stream, rows, input, scale, bias, y, shape));
    }
}
