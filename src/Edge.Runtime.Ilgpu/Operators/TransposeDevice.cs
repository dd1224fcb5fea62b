using Edge.Runtime.Ilgpu.Kernels;
using Edge.Runtime.Operators;
using Edge.Runtime.Operators.Layout;
using ILGPU;
using ILGPU.Runtime;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>Float Transpose of up to four axes.</summary>
internal sealed class TransposeDevice : DeviceOperator
{
    public override string OpType => "Transpose";

    public override string Types => "float";

    public override bool Supports(NodeContext context, IlgpuBackend backend) =>
        FloatLaunchers.FloatsUpTo4(context, 0) && TransposeOperator.Resolve(context).Input.Rank <= FloatLaunchers.MaxRank;

    public override void Build(NodeContext context, PartitionBuilder builder)
    {
        // A Reshape fused in by the planner only reinterprets the contiguous buffer: permute the shape it gives.
        var (input, permuted, _) = TransposeOperator.Resolve(context);
        int rank = input.Rank;
        var perm = context.Attributes.GetInts("perm")?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        var inStrides = new int[rank];
        for (int d = rank - 1, stride = 1; d >= 0; stride *= input[d], d--)
            inStrides[d] = stride;
        // Output axis j reads input axis perm[j]; pad on the left with size-1 axes.
        var strides = new int[FloatLaunchers.MaxRank];
        for (int j = 0; j < rank; j++)
            strides[FloatLaunchers.MaxRank - rank + j] = inStrides[perm[j]];
        var output = FloatLaunchers.Pad(permuted);
        var shape = new FloatKernels.Transpose4 { D1 = output[1], D2 = output[2], D3 = output[3], S0 = strides[0], S1 = strides[1], S2 = strides[2], S3 = strides[3] };
        var x = builder.Input<float>(context, 0);
        var y = builder.Output<float>(context, 0);
        var kernel = builder.Backend.Kernel<Action<Index1D, ArrayView<float>, ArrayView<float>, FloatKernels.Transpose4>,
            Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, FloatKernels.Transpose4>>(
            FloatKernels.Transpose, (a, k) => a.LoadAutoGroupedKernel(k));
        var stream = builder.Stream;
        int n = input.ElementCount;
        if (n > 0)
            builder.Launch("transpose", () => kernel(stream, n, x, y, shape));
    }
}
