using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.NN;
using Edge.Runtime.Operators.Quantization;
using Edge.Runtime.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float MatMul with batch broadcasting (attention's Q·Kᵀ and P·V between int8 projections).</summary>
internal sealed class MatMulFloatDevice : DeviceOperator
{
    public override string OpType => "MatMul";

    public override string Types => "float";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        context.InputType(0) == DataType.Float32 && context.InputType(1) == DataType.Float32;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        var layout = MatMulLayout.Create(context, 0, 1, pack: false);
        int m = layout.M, k = layout.K, n = layout.N;
        var aMatrix = builder.Upload<int>(layout.AMatrix);
        var bMatrix = builder.Upload<int>(layout.BMatrix);
        var a = builder.Input<float>(context, 0);
        var b = builder.Input<float>(context, 1);
        var y = builder.Output<float>(context, 0);
        bool hasBias = context.InputCount > 2 && context.HasInput(2);
        var bias = hasBias ? builder.Input<float>(context, 2) : builder.Scratch<float>(1);
        float alpha = context.Attributes.GetFloat(MatMulOperator.AlphaAttribute, 1f);
        var epilogue = new FloatKernels.MatMulEpilogue { Alpha = alpha, Scale = DeviceParameters.Flag(alpha != 1f), HasBias = DeviceParameters.Flag(hasBias) };
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, int, FloatKernels.MatMulEpilogue, ArrayView<float>>,
            Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int, int, FloatKernels.MatMulEpilogue, ArrayView<float>>>(
            FloatKernels.MatMul, (acc, kk) => acc.LoadAutoGroupedKernel(kk));
        var stream = builder.Stream;
        int count = layout.Batches * m * n;
        if (count > 0)
            builder.Launch($"matmul {layout.Batches}x{m}x{k}x{n}", () => kernel(stream, count, a, b, aMatrix, bMatrix, y, m, k, n, epilogue, bias));
    }
}
