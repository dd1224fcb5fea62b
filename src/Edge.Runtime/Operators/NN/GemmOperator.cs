using System.Runtime.CompilerServices;
using Edge.Runtime.Backends.Cpu.Kernels;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.NN;

/// <summary>
/// Gemm: Y = act(alpha·A'·B' + beta·C) with transA/transB, C broadcast to (M, N) and an optional fused
/// Relu/Clip. Constant B is packed once with alpha folded in; a constant per-column or per-row C
/// becomes the GEMM's bias, so the common Linear layer is one fused pass.
/// </summary>
public sealed class GemmOperator : Operator
{
    public override string OpType => "Gemm";

    public override string TypeConstraints => "float";

    public override void InferOutputs(NodeContext context)
    {
        var (m, _, n) = Dimensions(context);
        context.SetOutput(0, DataType.Float32, new TensorShape(m, n));
    }

    public override long CountOperations(NodeContext context)
    {
        var (m, k, n) = Dimensions(context);
        return 2L * m * n * k;
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var (m, k, n) = Dimensions(context);
        bool transA = context.Attributes.GetInt("transA", 0) != 0;
        bool transB = context.Attributes.GetInt("transB", 0) != 0;
        float alpha = context.Attributes.GetFloat("alpha", 1f);
        float beta = context.Attributes.GetFloat("beta", 1f);
        var activation = FusedActivationAttribute.Read(context);
        PackedFloatMatrix? packed = context.InputValue(1) is { } b
            ? PackedFloatMatrix.Pack(b.AsSpan<float>(), k, n, transB ? 1 : n, transB ? k : 1, alpha)
            : null;
        bool hasC = context.HasInput(2) && beta != 0f;
        float[]? bias = null;
        bool biasPerRow = false;
        if (hasC && (packed is not null || alpha == 1f) && context.InputValue(2) is { } c && AsVector(c.Shape, m, n, out biasPerRow) is int length)
        {
            // A C that varies along one axis only is the GEMM's bias: expand it (a scalar too) and scale by beta once.
            var values = c.AsSpan<float>();
            bias = new float[length];
            for (int i = 0; i < length; i++)
                bias[i] = beta * values[values.Length == 1 ? 0 : i];
            hasC = false;
        }
        return new GemmKernel(m, k, n, transA, transB, packed, bias, biasPerRow,
            hasC ? context.InputShape(2) : null, packed is null ? alpha : 1f, beta, activation);
    }

    /// <summary>N values when C broadcasts along rows, M when along columns (per-row bias), else null.</summary>
    private static int? AsVector(TensorShape c, int m, int n, out bool perRow)
    {
        perRow = false;
        if (c.ElementCount == 1)
            return n;
        int rows = c.Rank == 2 ? c[0] : 1, cols = c.Rank >= 1 ? c[c.Rank - 1] : 1;
        if (rows == 1 && cols == n)
            return n;
        if (c.Rank == 2 && cols == 1 && rows == m)
        {
            perRow = true;
            return m;
        }
        return null;
    }

    private static (int M, int K, int N) Dimensions(NodeContext context)
    {
        context.RequireInputs(2, 3);
        context.RequireType(0, DataType.Float32);
        context.RequireType(1, DataType.Float32);
        var a = context.InputShape(0);
        var b = context.InputShape(1);
        if (a.Rank != 2 || b.Rank != 2)
            throw context.Fail($"inputs A {a} and B {b} must both be 2-D");
        bool transA = context.Attributes.GetInt("transA", 0) != 0;
        bool transB = context.Attributes.GetInt("transB", 0) != 0;
        int m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
        int kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
        if (k != kb)
            throw context.Fail($"inner dimensions differ: A{(transA ? "ᵀ" : "")} {a} has K={k}, B{(transB ? "ᵀ" : "")} {b} has K={kb}");
        if (context.HasInput(2))
        {
            context.RequireType(2, DataType.Float32);
            var c = context.InputShape(2);
            if (c.Rank > 2 || (c.Rank == 2 && c[0] != 1 && c[0] != m) || (c.Rank >= 1 && c[c.Rank - 1] != 1 && c[c.Rank - 1] != n))
                throw context.Fail($"input 2 'C' has shape {c}, which does not broadcast to [{m},{n}]");
        }
        return (m, k, n);
    }

    private sealed class GemmKernel(int m, int k, int n, bool transA, bool transB, PackedFloatMatrix? packed,
        float[]? bias, bool biasPerRow, TensorShape? cShape, float alpha, float beta, FloatActivation activation) : Kernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(KernelContext context)
        {
            var a = context.Input(0).AsSpan<float>();
            var y = context.Output(0).AsSpan<float>();
            int aRow = transA ? 1 : k, aCol = transA ? m : 1;
            bool fused = cShape is null && alpha == 1f;
            var fusedActivation = fused ? activation : FloatActivation.None;
            if (packed is not null)
                FloatGemm.Multiply(a, m, aRow, aCol, packed, y, n, 1, bias, biasPerRow, fusedActivation, context.Parallel);
            else
                FloatGemm.Multiply(a, m, k, aRow, aCol, context.Input(1).AsSpan<float>(), n, transB ? 1 : n, transB ? k : 1,
                    y, n, 1, bias, biasPerRow, fusedActivation, context.Parallel);
            if (fused)
                return;
            // Y = act(alpha·Y + beta·C) with C broadcast through zero strides.
            var c = cShape is null ? default : context.Input(2).AsSpan<float>();
            int cRow = 0, cCol = 0;
            if (cShape is not null)
            {
                cCol = cShape.Rank >= 1 && cShape[cShape.Rank - 1] == n && n > 1 ? 1 : 0;
                cRow = cShape.Rank == 2 && cShape[0] == m && m > 1 ? cShape[1] : 0;
            }
            for (int i = 0; i < m; i++)
            {
                var row = y.Slice(i * n, n);
                for (int j = 0; j < n; j++)
                    row[j] = activation.Apply(alpha * row[j] + (c.IsEmpty ? 0f : beta * c[i * cRow + j * cCol]));
            }
        }
    }
}
