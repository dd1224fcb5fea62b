using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Tests.Backends.Cpu.Kernels;

public sealed class VectorMathTests
{
    private const double RelativeTolerance = 1e-6;

    [Fact]
    public void ExpMatchesMathExpAcrossTheFloatRange()
    {
        // Normal results only: below about -87.3 exp is denormal and only absolute error makes sense.
        AssertClose(VectorMath.Exp, Math.Exp, Sweep(-87.3, 88.7, 400_001), RelativeTolerance, 0);
        AssertClose(VectorMath.Exp, Math.Exp, Sweep(-103.9, -87.3, 10_001), 0, 1e-44);
    }

    [Fact]
    public void TanhMatchesMathTanhAcrossWideRange()
    {
        AssertClose(VectorMath.Tanh, Math.Tanh, Sweep(-20, 20, 400_001), RelativeTolerance, 0);
        AssertClose(VectorMath.Tanh, Math.Tanh, Sweep(-1e-3, 1e-3, 10_001), RelativeTolerance, 0);
    }

    [Fact]
    public void SigmoidMatchesTheDoubleFormula()
    {
        AssertClose(VectorMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), Sweep(-87, 88, 400_001), RelativeTolerance, 0);
    }

    [Fact]
    public void ErfMatchesADoubleSeriesAcrossWideRange()
    {
        AssertClose(VectorMath.Erf, ReferenceErf, Sweep(-6, 6, 400_001), RelativeTolerance, 0);
        AssertClose(VectorMath.Erf, ReferenceErf, Sweep(-1e-4, 1e-4, 10_001), RelativeTolerance, 0);
    }

    [Fact]
    public void ErfMatchesTheCLibraryAtKnownPoints()
    {
        // Values of C's erf (glibc, double), as Python's math.erf prints them.
        (double X, double Erf)[] known =
        [
            (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (0.9, 0.7969082124228322),
            (1.0, 0.8427007929497149), (2.0, 0.9953222650189527), (3.0, 0.9999779095030014),
            (-1.5, -0.9661051464753108),
        ];
        foreach (var (x, erf) in known)
            Assert.InRange(VectorMath.Erf((float)x), erf - 1e-6 * Math.Abs(erf), erf + 1e-6 * Math.Abs(erf));
    }

    [Theory]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, 1f, 1f, 1f)]
    [InlineData(float.NegativeInfinity, 0f, -1f, 0f, -1f)]
    [InlineData(1000f, float.PositiveInfinity, 1f, 1f, 1f)]
    [InlineData(-1000f, 0f, -1f, 0f, -1f)]
    [InlineData(0f, 1f, 0f, 0.5f, 0f)]
    public void EdgeValuesSaturateExactly(float x, float exp, float tanh, float sigmoid, float erf)
    {
        Assert.Equal(exp, VectorMath.Exp(x));
        Assert.Equal(tanh, VectorMath.Tanh(x));
        Assert.Equal(sigmoid, VectorMath.Sigmoid(x));
        Assert.Equal(erf, VectorMath.Erf(x));
    }

    [Fact]
    public void NaNPropagatesThroughEveryFunction()
    {
        Assert.True(float.IsNaN(VectorMath.Exp(float.NaN)));
        Assert.True(float.IsNaN(VectorMath.Tanh(float.NaN)));
        Assert.True(float.IsNaN(VectorMath.Sigmoid(float.NaN)));
        Assert.True(float.IsNaN(VectorMath.Erf(float.NaN)));
    }

    [Fact]
    public void SpanFormsMatchScalarFormsIncludingTheTail()
    {
        var input = Enumerable.Range(0, 37).Select(i => (i - 18) * 0.37f).ToArray();
        var output = new float[input.Length];
        VectorMath.Tanh(input, output);
        for (int i = 0; i < input.Length; i++)
            Assert.Equal(VectorMath.Tanh(input[i]), output[i]);
        VectorMath.Exp(input, input);
        for (int i = 0; i < input.Length; i++)
            Assert.Equal(VectorMath.Exp((i - 18) * 0.37f), input[i]);
    }

    private static float[] Sweep(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => (float)(from + (to - from) * i / (count - 1))).ToArray();

    private static void AssertClose(Action<ReadOnlySpan<float>, Span<float>> actual, Func<double, double> expected, float[] xs, double relative, double absolute)
    {
        var ys = new float[xs.Length];
        actual(xs, ys);
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double want = expected(xs[i]);
            double excess = Math.Abs(ys[i] - want) - (absolute + relative * Math.Abs(want));
            if (excess > worst)
            {
                worst = excess;
                worstAt = i;
            }
        }
        Assert.True(worst <= 0, $"error exceeds tolerance by {worst:G3} at x = {xs[worstAt]:R} (got {ys[worstAt]:R}, want {expected(xs[worstAt]):R})");
    }

    /// <summary>erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)): all terms positive, so no cancellation in double.</summary>
    private static double ReferenceErf(double x)
    {
        if (Math.Abs(x) > 6)
            return Math.Sign(x);
        double term = x, sum = x;
        for (int n = 1; n < 300 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }
}
