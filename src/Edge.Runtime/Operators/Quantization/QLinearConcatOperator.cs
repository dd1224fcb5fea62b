using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft QLinearConcat (inputs Y_scale, Y_zero_point, then X, X_scale, X_zero_point per
/// tensor). As ONNX Runtime: an input whose scale and zero point equal the output's is copied; others
/// go through a 256-entry table of QuantizeLinear(X_scale · (x − X_zp), Y_scale, Y_zp).
/// </summary>
public sealed class QLinearConcatOperator : Operator
{
    public override string OpType => "QLinearConcat";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8";

    public override void InferOutputs(NodeContext context)
    {
        int count = context.InputCount;
        if (count < 5 || (count - 2) % 3 != 0)
            throw context.Fail($"expects Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples; has {count} inputs");
        QuantizedValues.RequireFloat(context, 0, "Y_scale");
        QuantizedValues.RequireScalar(context, 0, "Y_scale");
        var type = context.RequireType(1, DataType.UInt8, DataType.Int8);
        QuantizedValues.RequireScalar(context, 1, "Y_zero_point");
        var first = context.InputShape(2);
        if (first.Rank == 0)
            throw context.Fail("inputs must have rank ≥ 1");
        long axisAttribute = context.Attributes.GetInt("axis");
        if (axisAttribute < -first.Rank || axisAttribute >= first.Rank)
            throw context.Fail($"axis {axisAttribute} is out of range for rank {first.Rank}");
        int axis = (int)(axisAttribute < 0 ? axisAttribute + first.Rank : axisAttribute);
        var dims = first.ToArray();
        dims[axis] = 0;
        for (int i = 2; i < count; i += 3)
        {
            context.RequireType(i, type);
            QuantizedValues.RequireFloat(context, i + 1, "X_scale");
            QuantizedValues.RequireScalar(context, i + 1, "X_scale");
            QuantizedValues.RequireZeroPointType(context, i + 2, type, "X_zero_point");
            QuantizedValues.RequireScalar(context, i + 2, "X_zero_point");
            var shape = context.InputShape(i);
            if (shape.Rank != first.Rank)
                throw context.Fail($"input {i} has shape {shape}, input 2 has {first}: ranks differ");
            for (int d = 0; d < shape.Rank; d++)
                if (d != axis && shape[d] != first[d])
                    throw context.Fail($"input {i} has shape {shape}, input 2 has {first}: they differ off axis {axis}");
            dims[axis] += shape[axis];
        }
        context.SetOutput(0, type, new TensorShape(dims));
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var output = context.OutputShape(0);
        int axis = (int)context.Attributes.GetInt("axis");
        if (axis < 0)
            axis += output.Rank;
        int inputs = (context.InputCount - 2) / 3;
        var blocks = new int[inputs];
        for (int i = 0; i < inputs; i++)
            blocks[i] = context.InputShape(2 + 3 * i).SizeBetween(axis, output.Rank);
        return new ConcatKernel(output.SizeBetween(0, axis), blocks, output.SizeBetween(axis, output.Rank), context.InputType(1) == DataType.Int8);
    }

    public override long CountOperations(NodeContext context) => 0;

    private sealed class ConcatKernel(int outer, int[] blocks, int outputBlock, bool signed) : Kernel
    {
        public override int WorkspaceBytes => 256 * sizeof(float) + 256 * blocks.Length;

        public override void Execute(KernelContext context)
        {
            float yScale = QuantizedValues.Scale(context.Input(0));
            int yZero = QuantizedValues.ZeroPoint(context.Input(1));
            var dequantized = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan(0, 256 * sizeof(float)));
            var tables = context.Workspace.AsSpan(256 * sizeof(float), 256 * blocks.Length);
            int offset = 0;
            for (int i = 0; i < blocks.Length; i++)
            {
                float xScale = QuantizedValues.Scale(context.Input(3 + 3 * i));
                int xZero = QuantizedValues.ZeroPoint(context.OptionalInput(4 + 3 * i));
                bool copy = xScale == yScale && xZero == yZero;
                var table = tables.Slice(256 * i, 256);
                if (!copy)
                {
                    for (int v = 0; v < 256; v++)
                        dequantized[v] = xScale * (float)((signed ? (sbyte)v : v) - xZero);
                    Requantizer.Quantize(dequantized, yScale, yZero, signed, table);
                }
                var x = context.Input(2 + 3 * i).Bytes;
                var y = context.Output(0).Bytes;
                int block = blocks[i];
                for (int o = 0; o < outer; o++)
                {
                    var src = x.Slice(o * block, block);
                    var dst = y.Slice(o * outputBlock + offset, block);
                    if (copy)
                        src.CopyTo(dst);
                    else
                        for (int j = 0; j < block; j++)
                            dst[j] = table[src[j]];
                }
                offset += block;
            }
        }
    }
}
