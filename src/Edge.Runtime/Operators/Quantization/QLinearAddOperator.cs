using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// com.microsoft QLinearAdd with numpy broadcasting. Arithmetic of MLAS's x64 kernel
/// (QLinearBinaryOpKernelAvx2): c = roundEven((float(a − a_zp)·a_scale + float(b − b_zp)·b_scale) / c_scale),
/// clamped to [qmin − c_zp, qmax − c_zp], + c_zp.
/// </summary>
public sealed class QLinearAddOperator : Operator
{
    public override string OpType => "QLinearAdd";

    public override string Domain => "com.microsoft";

    public override string TypeConstraints => "uint8, int8";

    public override void InferOutputs(NodeContext context) => QLinearBinary.Infer(context);

    public override Kernel CreateKernel(NodeContext context) => new AddKernel(QLinearBinary.Create(context));

    private sealed class AddKernel(QLinearBinary binary) : Kernel
    {
        public override void Execute(KernelContext context)
        {
            var p = binary.Read(context);
            var (lo, hi) = Requantizer.Bounds(p.CZero, binary.Signed);
            var runs = binary.Runs;
            if (runs.Starts.Length == 1 && runs.Length >= ParallelElements && context.Parallel.Threads > 1)
            {
                RunSplit(p, runs, lo, hi, binary.Signed, context.Parallel);
                return;
            }
            for (int r = 0; r < runs.Starts.Length; r++)
                Run(p.A[runs.AOffsets[r]..], runs.AStep, p.B[runs.BOffsets[r]..], runs.BStep, p.C.Slice(runs.Starts[r], runs.Length), p, lo, hi, binary.Signed);
        }

        /// <summary>Elements from which one long run (same-shape inputs) is split across the threads.</summary>
        private const int ParallelElements = 64 * 1024;

        /// <summary>Elements of one piece of a split run (a multiple of the 16-wide vector step).</summary>
        private const int BlockElements = 4096;

        private static unsafe void RunSplit(QLinearBinary.Parameters p, BroadcastRuns runs, float lo, float hi, bool signed, ParallelRunner parallel)
        {
            fixed (byte* a = p.A)
            fixed (byte* b = p.B)
            fixed (byte* c = p.C)
            {
                var job = new SplitJob
                {
                    A = a + runs.AOffsets[0], AStep = runs.AStep, ALength = p.A.Length - runs.AOffsets[0],
                    B = b + runs.BOffsets[0], BStep = runs.BStep, BLength = p.B.Length - runs.BOffsets[0],
                    C = c + runs.Starts[0], Length = runs.Length,
                    AScale = p.AScale, BScale = p.BScale, CScale = p.CScale, AZero = p.AZero, BZero = p.BZero, CZero = p.CZero,
                    Lo = lo, Hi = hi, Signed = signed,
                };
                parallel.For((runs.Length + BlockElements - 1) / BlockElements, 1, in job, &RunBlocks);
            }
        }

        private static unsafe void RunBlocks(in SplitJob job, int firstBlock, int endBlock)
        {
            int start = firstBlock * BlockElements, end = Math.Min(job.Length, endBlock * BlockElements);
            var a = new ReadOnlySpan<byte>(job.A, job.ALength);
            var b = new ReadOnlySpan<byte>(job.B, job.BLength);
            var c = new Span<byte>(job.C, job.Length);
            var p = new QLinearBinary.Parameters(a, b, c, job.AScale, job.AZero, job.BScale, job.BZero, job.CScale, job.CZero);
            Run(a[(start * job.AStep)..], job.AStep, b[(start * job.BStep)..], job.BStep, c[start..end], p, job.Lo, job.Hi, job.Signed);
        }

        /// <summary>A long run's pinned operands (valid while <see cref="RunSplit"/>'s fixed block runs).</summary>
        private unsafe struct SplitJob
        {
            public byte* A, B, C;
            public int AStep, BStep, ALength, BLength, Length, AZero, BZero, CZero;
            public float AScale, BScale, CScale, Lo, Hi;
            public bool Signed;
        }

        private static void Run(ReadOnlySpan<byte> a, int aStep, ReadOnlySpan<byte> b, int bStep, Span<byte> c, QLinearBinary.Parameters p, float lo, float hi, bool signed)
        {
            int i = 0;
            if (Avx512F.IsSupported && aStep == 1 && bStep == 1 && c.Length >= 16)
                i = RunSameShape512(a, b, c, p, lo, hi, signed);
            else if (Vector256.IsHardwareAccelerated && c.Length >= 16)
            {
                var vaScale = Vector256.Create(p.AScale);
                var vbScale = Vector256.Create(p.BScale);
                var vcScale = Vector256.Create(p.CScale);
                var vaZero = Vector256.Create(p.AZero);
                var vbZero = Vector256.Create(p.BZero);
                var vLo = Vector256.Create(lo);
                var vHi = Vector256.Create(hi);
                var vcZero = Vector256.Create(p.CZero);
                for (; i <= c.Length - 16; i += 16)
                {
                    // Sixteen at a time, narrowed to bytes in registers: the float work is per lane, exactly as below.
                    var low = Sum(QLinearBinary.Load(a, aStep, i, signed), QLinearBinary.Load(b, bStep, i, signed));
                    var high = Sum(QLinearBinary.Load(a, aStep, i + 8, signed), QLinearBinary.Load(b, bStep, i + 8, signed));
                    var shorts = Vector256.Narrow(low, high);
                    var bytes = signed ? Vector256.Narrow(shorts, shorts).AsByte() : Vector256.Narrow(shorts.AsUInt16(), shorts.AsUInt16());
                    bytes.GetLower().CopyTo(c[i..]);
                }

                [MethodImpl(MethodImplOptions.AggressiveInlining)]
                Vector256<int> Sum(Vector256<int> va, Vector256<int> vb)
                {
                    var fa = Vector256.ConvertToSingle(va - vaZero) * vaScale;
                    var fb = Vector256.ConvertToSingle(vb - vbZero) * vbScale;
                    var v = (fa + fb) / vcScale;
                    v = Vector256.ConditionalSelect(Vector256.GreaterThan(v, vLo), v, vLo);
                    v = Vector256.ConditionalSelect(Vector256.LessThan(v, vHi), v, vHi);
                    return Vector256.ConvertToInt32(Vector256.Round(v)) + vcZero;
                }
            }
            for (; i < c.Length; i++)
            {
                float fa = (float)(QLinearBinary.Value(a, aStep * i, signed) - p.AZero) * p.AScale;
                float fb = (float)(QLinearBinary.Value(b, bStep * i, signed) - p.BZero) * p.BScale;
                c[i] = (byte)(Requantizer.RoundToInt(Requantizer.Clamp((fa + fb) / p.CScale, lo, hi)) + p.CZero);
            }
        }

        /// <summary>
        /// Same-shape inputs (residual adds) 16 lanes at a time on AVX-512, the same float operations per lane, finished by
        /// <see cref="Requantizer.ClampRoundNarrow"/>; returns how many outputs it wrote (a multiple of 16).
        /// </summary>
        private static unsafe int RunSameShape512(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, QLinearBinary.Parameters p, float lo, float hi, bool signed)
        {
            int n = c.Length - c.Length % 16;
            if (a.Length < n || b.Length < n)
                throw new ArgumentException("QLinearAdd operands are shorter than the output");
            var vaScale = Vector512.Create(p.AScale);
            var vbScale = Vector512.Create(p.BScale);
            var vcScale = Vector512.Create(p.CScale);
            var vaZero = Vector512.Create(p.AZero);
            var vbZero = Vector512.Create(p.BZero);
            var vcZero = Vector512.Create(p.CZero);
            var vLo = Vector512.Create(lo);
            var vHi = Vector512.Create(hi);
            fixed (byte* pa = a, pb = b, pc = c)
            {
                for (int i = 0; i < n; i += 16)
                {
                    var va = signed ? Avx512F.ConvertToVector512Int32(Vector128.Load((sbyte*)pa + i)) : Avx512F.ConvertToVector512Int32(Vector128.Load(pa + i));
                    var vb = signed ? Avx512F.ConvertToVector512Int32(Vector128.Load((sbyte*)pb + i)) : Avx512F.ConvertToVector512Int32(Vector128.Load(pb + i));
                    var fa = Avx512F.ConvertToVector512Single(va - vaZero) * vaScale;
                    var fb = Avx512F.ConvertToVector512Single(vb - vbZero) * vbScale;
                    Requantizer.ClampRoundNarrow((fa + fb) / vcScale, vLo, vHi, vcZero).Store(pc + i);
                }
            }
            return n;
        }
    }
}
