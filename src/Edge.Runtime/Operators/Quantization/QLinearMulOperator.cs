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
            for (int r = 0; r < runs.Starts.Length; r++)
            {
                var a = p.A[runs.AOffsets[r]..];
                var b = p.B[runs.BOffsets[r]..];
                var c = p.C.Slice(runs.Starts[r], runs.Length);
                int aStep = runs.AStep, bStep = runs.BStep;
                for (int i = 0; i < c.Length; i++)
                {
                    int product = (QLinearBinary.Value(a, aStep * i, signed) - p.AZero) * (QLinearBinary.Value(b, bStep * i, signed) - p.BZero);
                    c[i] = (byte)Math.Clamp(Requantizer.RoundToInt((float)product * ratio + cZero), min, max);
                }
            }
        }
    }
}
