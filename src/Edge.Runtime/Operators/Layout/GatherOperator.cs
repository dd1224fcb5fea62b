using System.Runtime.InteropServices;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Layout;

/// <summary>Gather: picks slices of <c>data</c> along <c>axis</c> by (possibly negative) int32/int64 indices, constant or computed (embedding lookups).</summary>
public sealed class GatherOperator : Operator
{
    public override string OpType => "Gather";

    public override string TypeConstraints => "T: float, int64, int32, uint8, int8, bool; Tind: int32, int64";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(2, 2);
        context.RequireType(1, DataType.Int32, DataType.Int64);
        var data = context.InputShape(0);
        var indices = context.InputShape(1);
        int axis = Axis(context, data.Rank);
        var dims = new List<int>(data.Rank - 1 + indices.Rank);
        for (int d = 0; d < axis; d++)
            dims.Add(data[d]);
        dims.AddRange(indices.Dims.ToArray());
        for (int d = axis + 1; d < data.Rank; d++)
            dims.Add(data[d]);
        context.SetOutput(0, context.InputType(0), new TensorShape(dims.ToArray()));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var data = context.InputShape(0);
        int axis = Axis(context, data.Rank);
        int axisSize = data[axis];
        int elementSize = context.InputType(0).SizeOf();
        int[]? constantIndices = null;
        if (context.InputValue(1) is { } indices)
        {
            // Validated and normalised once, so that run time only copies.
            var values = indices.ToInt64Array();
            constantIndices = new int[values.Length];
            for (int i = 0; i < values.Length; i++)
                constantIndices[i] = Normalize(values[i], axisSize) is int index and >= 0
                    ? index
                    : throw context.Fail(OutOfRange(values[i], axisSize, axis));
        }
        return new GatherKernel(
            context.Node.Describe(), axis, data.SizeBetween(0, axis), axisSize,
            data.SizeBetween(axis + 1, data.Rank), elementSize, constantIndices);
    }

    public override long CountOperations(NodeContext context) => 0;

    private static int Axis(NodeContext context, int rank)
    {
        long axis = context.Attributes.GetInt("axis", 0);
        if (rank == 0)
            throw context.Fail("input 0 (data) must have rank >= 1, is a scalar");
        if (axis < -rank || axis >= rank)
            throw context.Fail($"attribute 'axis' = {axis} is out of range [{-rank}, {rank - 1}] for data rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>The index in [0, size), or -1 when out of range.</summary>
    private static int Normalize(long index, int size)
    {
        if (index < 0)
            index += size;
        return index >= 0 && index < size ? (int)index : -1;
    }

    private static string OutOfRange(long index, int size, int axis) =>
        $"index {index} is out of range [{-size}, {size - 1}] for axis {axis} of size {size}";

    private sealed class GatherKernel(string node, int axis, int outer, int axisSize, int inner, int elementSize, int[]? constantIndices) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var data = context.Input(0).Bytes;
            var output = context.Output(0).Bytes;
            if (constantIndices is not null)
            {
                Copy(data, output, constantIndices);
                return;
            }
            var indices = context.Input(1);
            if (indices.Type == DataType.Int64)
                Copy(data, output, indices.AsSpan<long>());
            else
                Copy(data, output, indices.AsSpan<int>());
        }

        private void Copy<TIndex>(ReadOnlySpan<byte> data, Span<byte> output, ReadOnlySpan<TIndex> indices)
            where TIndex : unmanaged, System.Numerics.IBinaryInteger<TIndex>
        {
            if (inner == 1)
            {
                switch (elementSize)
                {
                    case 1: CopyElements(data, output, indices); return;
                    case 4: CopyElements(MemoryMarshal.Cast<byte, int>(data), MemoryMarshal.Cast<byte, int>(output), indices); return;
                    case 8: CopyElements(MemoryMarshal.Cast<byte, long>(data), MemoryMarshal.Cast<byte, long>(output), indices); return;
                }
            }
            int rowBytes = inner * elementSize;
            int offset = 0;
            for (int o = 0; o < outer; o++)
            {
                var block = data.Slice(o * axisSize * rowBytes, axisSize * rowBytes);
                for (int i = 0; i < indices.Length; i++)
                {
                    int index = Check(long.CreateTruncating(indices[i]));
                    block.Slice(index * rowBytes, rowBytes).CopyTo(output.Slice(offset, rowBytes));
                    offset += rowBytes;
                }
            }
        }

        private void CopyElements<T, TIndex>(ReadOnlySpan<T> data, Span<T> output, ReadOnlySpan<TIndex> indices)
            where T : unmanaged
            where TIndex : unmanaged, System.Numerics.IBinaryInteger<TIndex>
        {
            int offset = 0;
            for (int o = 0; o < outer; o++)
            {
                var block = data.Slice(o * axisSize, axisSize);
                for (int i = 0; i < indices.Length; i++)
                    output[offset++] = block[Check(long.CreateTruncating(indices[i]))];
            }
        }

        private int Check(long index)
        {
            int normalized = Normalize(index, axisSize);
            return normalized >= 0 ? normalized : throw new ModelException($"{node}: {OutOfRange(index, axisSize, axis)}");
        }
    }
}
