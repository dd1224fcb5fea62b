using ILGPU;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// The float ops between the int8 kernels of quantized Transformers and CNNs, so that partitions do not
/// break at them. Results agree with the CPU backend within float tolerance (summation order differs).
/// </summary>
internal static class FloatKernels
{
    /// <summary>Up to four axes, right-aligned: output dims and each operand's strides (0 where broadcast).</summary>
    public struct Broadcast4
    {
        public int D1, D2, D3;
        public int A0, A1, A2, A3;
        public int B0, B1, B2, B3;
        public int Op;
    }

    /// <summary>Up to four axes: output dims (d1..d3) and the input stride for each output axis.</summary>
    public struct Transpose4
    {
        public int D1, D2, D3;
        public int S0, S1, S2, S3;
    }

    /// <summary>Rows of Size values; Scale/Bias either one value (stride 0) or one per column (stride 1).</summary>
    public struct NormShape
    {
        public int Size;
        public float Epsilon;
        public int ScaleStride;
        public int BiasStride;
        public int HasBias;
    }

    /// <summary>y[i] = a[·] op b[·] with numpy broadcasting (Op: 0 add, 1 sub, 2 mul, 3 div).</summary>
    public static void Binary(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast4 s)
    {
        int i3 = i % s.D3, rest = i / s.D3;
        int i2 = rest % s.D2;
        rest /= s.D2;
        int i1 = rest % s.D1, i0 = rest / s.D1;
        float x = a[i0 * s.A0 + i1 * s.A1 + i2 * s.A2 + i3 * s.A3];
        float z = b[i0 * s.B0 + i1 * s.B1 + i2 * s.B2 + i3 * s.B3];
        y[i] = s.Op == 0 ? x + z : s.Op == 1 ? x - z : s.Op == 2 ? x * z : x / z;
    }

    /// <summary>y[i] = x[permuted index] for a transpose of up to four axes.</summary>
    public static void Transpose(Index1D i, ArrayView<float> x, ArrayView<float> y, Transpose4 s)
    {
        int i3 = i % s.D3, rest = i / s.D3;
        int i2 = rest % s.D2;
        rest /= s.D2;
        int i1 = rest % s.D1, i0 = rest / s.D1;
        y[i] = x[i0 * s.S0 + i1 * s.S1 + i2 * s.S2 + i3 * s.S3];
    }

    /// <summary>Batched float MatMul: output (batch, m, n) = Σk A[aMatrix[batch]] · B[bMatrix[batch]].</summary>
    public static void MatMul(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<int> aMatrix, ArrayView<int> bMatrix, ArrayView<float> y, int m, int k, int n,
        MatMulEpilogue epilogue, ArrayView<float> bias)
    {
        int col = i % n, rest = i / n;
        int row = rest % m, batch = rest / m;
        int aBase = aMatrix[batch] * m * k + row * k, bBase = bMatrix[batch] * k * n + col;
        float sum = 0f;
        for (int j = 0; j < k; j++)
            sum += a[aBase + j] * b[bBase + j * n];
        // The planner's fused forms, in the CPU kernel's order: alpha·(A·B), then + bias.
        if (epilogue.Scale != 0)
            sum *= epilogue.Alpha;
        if (epilogue.HasBias != 0)
            sum += bias[col];
        y[i] = sum;
    }

    /// <summary>A MatMul's fused scale (attention's 1/√d) and bias (a Linear's), as the planner's transforms put them there.</summary>
    public struct MatMulEpilogue
    {
        public float Alpha;
        public int Scale;
        public int HasBias;
    }

    /// <summary>Softmax over each row of <paramref name="size"/> values (one thread per row).</summary>
    public static void Softmax(Index1D row, ArrayView<float> x, ArrayView<float> y, int size)
    {
        int start = row * size;
        float max = x[start];
        for (int j = 1; j < size; j++)
            max = x[start + j] > max ? x[start + j] : max;
        float sum = 0f;
        for (int j = 0; j < size; j++)
        {
            float e = MathF.Exp(x[start + j] - max);
            y[start + j] = e;
            sum += e;
        }
        for (int j = 0; j < size; j++)
            y[start + j] = y[start + j] / sum;
    }

    /// <summary>LayerNormalization of each row: (x − mean) / sqrt(var + ε) · scale + bias (one thread per row).</summary>
    public static void LayerNorm(Index1D row, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> bias, ArrayView<float> y, NormShape s)
    {
        int start = row * s.Size;
        float sum = 0f;
        for (int j = 0; j < s.Size; j++)
            sum += x[start + j];
        float mean = sum / s.Size;
        float squares = 0f;
        for (int j = 0; j < s.Size; j++)
        {
            float d = x[start + j] - mean;
            squares += d * d;
        }
        float inverse = 1f / MathF.Sqrt(squares / s.Size + s.Epsilon);
        for (int j = 0; j < s.Size; j++)
        {
            float v = (x[start + j] - mean) * inverse * scale[j * s.ScaleStride];
            y[start + j] = s.HasBias != 0 ? v + bias[j * s.BiasStride] : v;
        }
    }

    /// <summary>Mean over the middle axis of x viewed as [outer, reduced, inner]: y[o, i].</summary>
    public static void ReduceMean(Index1D i, ArrayView<float> x, ArrayView<float> y, int reduced, int inner)
    {
        int o = i / inner, j = i - o * inner;
        float sum = 0f;
        for (int r = 0; r < reduced; r++)
            sum += x[(o * reduced + r) * inner + j];
        y[i] = sum / reduced;
    }
}
