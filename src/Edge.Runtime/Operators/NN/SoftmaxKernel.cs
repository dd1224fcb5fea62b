using System.Runtime.InteropServices;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Softmax or LogSoftmax along one axis (opset 13 semantics), shared by both operators. The input is
/// viewed as outer × axis × inner: a contiguous row per (outer) when inner is 1, otherwise whole
/// inner-wide rows processed together with running max and sum vectors in the workspace.
/// </summary>
internal sealed class SoftmaxKernel(int outer, int length, int inner, bool log) : Kernel
{
    public static void InferOutputs(NodeContext context)
    {
        context.RequireInputs(1, 1);
        context.RequireType(0, DataType.Float32);
        Axis(context);
        context.SetOutput(0, DataType.Float32, context.InputShape(0));
    }

    public static SoftmaxKernel Create(NodeContext context, bool log)
    {
        var x = context.InputShape(0);
        int axis = Axis(context);
        return new SoftmaxKernel(x.SizeBetween(0, axis), x[axis], x.SizeBetween(axis + 1, x.Rank), log);
    }

    private static int Axis(NodeContext context)
    {
        var x = context.InputShape(0);
        long axis = context.Attributes.GetInt("axis", -1);
        if (x.Rank == 0 || axis < -x.Rank || axis >= x.Rank)
            throw context.Fail($"attribute 'axis' is {axis}, out of range for input of shape {x}");
        return (int)(axis < 0 ? axis + x.Rank : axis);
    }

    /// <summary>Rows shorter than this (attention scores of small models) take <see cref="ShortRows"/>.</summary>
    private const int ShortRow = 64;

    /// <summary>Rows per chunk of <see cref="ShortRows"/>: about 16 KiB of scores, so the three passes stay in L1.</summary>
    private const int ChunkElements = 4096;

    /// <summary>
    /// Softmax of many short rows: a row of 17 is two vectors and a scalar tail, and the tail's scalar
    /// exp costs as much as the vectors. Shifting each row by its max first lets one exp pass run over a
    /// whole chunk of rows as full vectors; sums and scaling go back row by row.
    /// </summary>
    private static void ShortRows(ReadOnlySpan<float> x, Span<float> y, int outer, int length)
    {
        int rowsPerChunk = Math.Max(1, ChunkElements / length);
        for (int first = 0; first < outer; first += rowsPerChunk)
        {
            int rows = Math.Min(rowsPerChunk, outer - first);
            var xs = x.Slice(first * length, rows * length);
            var ys = y.Slice(first * length, rows * length);
            for (int r = 0; r < rows; r++)
            {
                var row = xs.Slice(r * length, length);
                SoftmaxMath.Subtract(row, SoftmaxMath.Max(row), ys.Slice(r * length, length));
            }
            VectorMath.Exp(ys, ys);
            for (int r = 0; r < rows; r++)
            {
                var row = ys.Slice(r * length, length);
                SoftmaxMath.Scale(row, 1f / SoftmaxMath.Sum(row));
            }
        }
    }

    public override int WorkspaceBytes => inner == 1 ? 0 : 2 * inner * sizeof(float);

    /// <summary>Values per thread below which long rows stay on one thread (an exp costs about a nanosecond).</summary>
    private const int ParallelElements = 32 * 1024;

    public override unsafe void Execute(KernelContext context)
    {
        var x = context.Input(0).AsSpan<float>();
        var y = context.Output(0).AsSpan<float>();
        int block = length * inner;
        if (inner == 1 && !log && length < ShortRow)
        {
            ShortRows(x, y, outer, length);
            return;
        }
        if (inner == 1)
        {
            // Rows are independent: threads take whole rows, so the result does not depend on the split.
            var job = new RowsJob(context.Input(0), context.Output(0), length, log);
            context.Parallel.For(outer, Math.Max(1, ParallelElements / Math.Max(1, length)), in job, &Rows);
            return;
        }
        var scratch = MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan(0, WorkspaceBytes));
        var maxima = scratch[..inner];
        var sums = scratch[inner..];
        for (int o = 0; o < outer; o++)
        {
            var xs = x.Slice(o * block, block);
            var ys = y.Slice(o * block, block);
            maxima.Fill(float.NegativeInfinity);
            for (int a = 0; a < length; a++)
                SoftmaxMath.Max(xs.Slice(a * inner, inner), maxima);
            sums.Clear();
            for (int a = 0; a < length; a++)
                SoftmaxMath.ExpShifted(xs.Slice(a * inner, inner), maxima, ys.Slice(a * inner, inner), sums);
            if (log)
            {
                for (int i = 0; i < inner; i++)
                    maxima[i] += MathF.Log(sums[i]);
                for (int a = 0; a < length; a++)
                    SoftmaxMath.Subtract(xs.Slice(a * inner, inner), maxima, ys.Slice(a * inner, inner));
            }
            else
            {
                for (int i = 0; i < inner; i++)
                    sums[i] = 1f / sums[i];
                for (int a = 0; a < length; a++)
                    SoftmaxMath.Multiply(ys.Slice(a * inner, inner), sums);
            }
        }
    }

    private readonly record struct RowsJob(Tensor X, Tensor Y, int Length, bool Log);

    private static void Rows(in RowsJob job, int start, int end)
    {
        var x = job.X.AsSpan<float>();
        var y = job.Y.AsSpan<float>();
        int length = job.Length;
        for (int o = start; o < end; o++)
        {
            var row = x.Slice(o * length, length);
            var result = y.Slice(o * length, length);
            float max = SoftmaxMath.Max(row);
            float sum = SoftmaxMath.ExpShifted(row, max, result);
            if (job.Log)
                SoftmaxMath.Subtract(row, max + MathF.Log(sum), result);
            else
                SoftmaxMath.Scale(result, 1f / sum);
        }
    }
}
