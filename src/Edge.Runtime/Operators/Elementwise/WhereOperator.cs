using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>Where: condition ? x : y, the three inputs broadcast together; x and y of any one type.</summary>
public sealed class WhereOperator : Operator
{
    public override string OpType => "Where";

    public override string TypeConstraints => "condition bool; x, y float, int64, int32, uint8, int8, bool";

    public override void InferOutputs(NodeContext context)
    {
        context.RequireInputs(3, 3);
        context.RequireType(0, DataType.Bool);
        var type = context.InputType(1);
        if (context.InputType(2) != type)
            throw context.Fail($"x and y have different types ({type.OnnxName()} and {context.InputType(2).OnnxName()})");
        context.SetOutput(0, type, ElementwiseShapes.Broadcast(context, context.InputShape(0), context.InputShape(1), context.InputShape(2)));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (output, inputs) = BroadcastCoalescing.Coalesce(context.OutputShape(0), context.InputShape(0), context.InputShape(1), context.InputShape(2));
        var layout = new BroadcastLayout(output, inputs);
        // Selection only moves bytes: one kernel per element size serves every type.
        return context.InputType(1).SizeOf() switch
        {
            1 => new WhereKernel<byte>(layout),
            4 => new WhereKernel<int>(layout),
            _ => new WhereKernel<long>(layout),
        };
    }

    public override long CountOperations(NodeContext context) => 0;

    /// <summary>Selects 8 float/int32 lanes at a time from a contiguous bool condition; returns how many elements it did.</summary>
    private static int SelectInt32(ReadOnlySpan<byte> condition, ReadOnlySpan<int> x, int xStep, ReadOnlySpan<int> y, int yStep, Span<int> output)
    {
        if (!Vector256.IsHardwareAccelerated)
            return 0;
        var xScalar = Vector256.Create(x[0]);
        var yScalar = Vector256.Create(y[0]);
        int i = 0;
        for (; i <= output.Length - 8; i += 8)
        {
            // 8 bool bytes widened to 8 int lanes; any non-zero byte counts as true.
            var bytes = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(condition.Slice(i, 8))).AsByte();
            var words = Vector128.WidenLower(bytes);
            var lanes = Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words)).AsInt32();
            var mask = Vector256.GreaterThan(lanes, Vector256<int>.Zero);
            var xv = xStep == 0 ? xScalar : Vector256.Create(x.Slice(i, 8));
            var yv = yStep == 0 ? yScalar : Vector256.Create(y.Slice(i, 8));
            Vector256.ConditionalSelect(mask, xv, yv).CopyTo(output.Slice(i, 8));
        }
        return i;
    }

    private sealed class WhereKernel<T>(BroadcastLayout layout) : Kernel where T : unmanaged
    {
        public override void Execute(KernelContext context)
        {
            var condition = context.Input(0).Bytes;
            var x = MemoryMarshal.Cast<byte, T>(context.Input(1).Bytes);
            var y = MemoryMarshal.Cast<byte, T>(context.Input(2).Bytes);
            var output = MemoryMarshal.Cast<byte, T>(context.Output(0).Bytes);
            Span<int> index = stackalloc int[layout.Rank];
            Span<int> offsets = stackalloc int[3];
            index.Clear();
            offsets.Clear();
            // Bool is one byte: the condition advances by 0 or 1 byte per element.
            int cStep = layout.InnerSteps[0], xStep = layout.InnerSteps[1], yStep = layout.InnerSteps[2];
            int length = layout.RunLength;
            for (int run = 0, start = 0; run < layout.Runs; run++, start += length)
            {
                var c = condition[offsets[0]..];
                var xs = x[offsets[1]..];
                var ys = y[offsets[2]..];
                var o = output.Slice(start, length);
                if (cStep == 0)
                {
                    // One condition for the whole run: a copy or a fill.
                    var source = c[0] != 0 ? xs : ys;
                    if ((c[0] != 0 ? xStep : yStep) == 0)
                        o.Fill(source[0]);
                    else
                        source[..length].CopyTo(o);
                }
                else
                {
                    int i = typeof(T) == typeof(int) ? SelectInt32(c, MemoryMarshal.Cast<T, int>(xs), xStep, MemoryMarshal.Cast<T, int>(ys), yStep, MemoryMarshal.Cast<T, int>(o)) : 0;
                    for (; i < o.Length; i++)
                        o[i] = c[i] != 0 ? xs[i * xStep] : ys[i * yStep];
                }
                layout.Advance(index, offsets);
            }
        }
    }
}
