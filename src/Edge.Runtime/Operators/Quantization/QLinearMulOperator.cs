using System.Runtime.Intrinsics;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft QLinearMul with numpy broadcasting. Arithmetic of MLAS's x64 kernel (qlmul.cpp):
/// the integer product (a − a_zp)(b − b_zp) times the float ratio a_scale · b_scale / c_scale, plus
/// float(c_zp), rounded half to even, then saturated.
/// </summary>
public sealed class QLinearMulOperator : Operator
{
    public override string OpType => "QLinearMul";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8";

    public override void InferOutputs(NodeContext context) => QLinearBinary.Infer(context);

    public override Kernel CreateKernel(NodeContext context) => new MulKernel(QLinearBinary.Create(context));

    private sealed class MulKernel(QLinearBinary binary) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var p = binary.Read(context);
            bool signed = binary.Signed;
            int min = signed ? -128 : 0, max = signed ? 127 : 255;
            float ratio = p.AScale * p.BScale / p.CScale;
            float cZero = p.CZero;
            var runs = binary.Runs;
            Span<int> result = stackalloc int[8];
            for (int r = 0; r < runs.Starts.Length; r++)
            {
                var a = p.A[runs.AOffsets[r]..];
                var b = p.B[runs.BOffsets[r]..];
                var c = p.C.Slice(runs.Starts[r], runs.Length);
                int aStep = runs.AStep, bStep = runs.BStep;
                int i = 0;
                if (Vector256.IsHardwareAccelerated && c.Length >= 8)
                {
                    var vaZero = Vector256.Create(p.AZero);
                    var vbZero = Vector256.Create(p.BZero);
                    var vRatio = Vector256.Create(ratio);
                    var vcZero = Vector256.Create(cZero);
                    var vMin = Vector256.Create(min);
                    var vMax = Vector256.Create(max);
                    for (; i <= c.Length - 8; i += 8)
                    {
                        var product = (QLinearBinary.Load(a, aStep, i, signed) - vaZero) * (QLinearBinary.Load(b, bStep, i, signed) - vbZero);
                        var v = Vector256.ConvertToInt32(Vector256.Round(Vector256.ConvertToSingle(product) * vRatio + vcZero));
                        Vector256.Min(Vector256.Max(v, vMin), vMax).CopyTo(result);
                        for (int j = 0; j < 8; j++)
                            c[i + j] = (byte)result[j];
                    }
                }
                for (; i < c.Length; i++)
                {
                    int product = (QLinearBinary.Value(a, aStep * i, signed) - p.AZero) * (QLinearBinary.Value(b, bStep * i, signed) - p.BZero);
                    c[i] = (byte)Math.Clamp(Requantizer.RoundToInt((float)product * ratio + cZero), min, max);
                }
            }
        }
    }
}
