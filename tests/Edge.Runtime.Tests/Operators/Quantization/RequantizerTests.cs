using Edge.Runtime.Operators.Quantization;

namespace Edge.Runtime.Tests.Operators.Quantization;

public sealed class RequantizerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VectorRequantizeEqualsScalarIncludingTies(bool signed)
    {
        var random = new Random(7);
        const int n = 1000;
        var acc = new int[n];
        var bias = new int[n];
        var scales = new float[n];
        for (int i = 0; i < n; i++)
        {
            acc[i] = random.Next(-40000, 40000);
            bias[i] = random.Next(-500, 500);
            // Power-of-two scales make many products land exactly on .5.
            scales[i] = i % 3 == 0 ? 0.5f : i % 3 == 1 ? 1f / 64 : random.NextSingle() / 100;
        }
        var output = new byte[n];
        Requantizer.Requantize(acc, bias, scales, 7, signed, output);
        int ties = 0;
        for (int i = 0; i < n; i++)
        {
            float product = (float)(acc[i] + bias[i]) * scales[i];
            if (product - MathF.Floor(product) == 0.5f)
                ties++;
            Assert.Equal(Requantizer.RequantizeOne(acc[i] + bias[i], scales[i], 7, signed), output[i]);
        }
        Assert.True(ties > 50, $"only {ties} ties exercised");
    }

    [Theory]
    [InlineData(false, 0.5f)]
    [InlineData(true, 0.5f)]
    [InlineData(false, 0.0137f)]
    [InlineData(true, 0.0137f)]
    public void UniformRequantizeEqualsScalarAtEveryLength(bool signed, float scale)
    {
        var random = new Random(11);
        // Lengths around the 16-wide blocks, so the overlapping last block and the scalar short rows both run.
        for (int n = 1; n <= 70; n++)
        {
            // Past both ends of the output range too, so the clamps and the unsaturated narrowing are exercised.
            var acc = Enumerable.Range(0, n).Select(_ => random.Next(-3000, 3000) * (random.Next(8) == 0 ? 100 : 1)).ToArray();
            int bias = random.Next(-500, 500);
            var output = new byte[n + 1];
            output[n] = 0xA5;
            int zero = signed ? -3 : 7;
            // The dispatcher and each variant this CPU has (the AVX-512 one only from 16 values).
            var variants = new List<Action>
            {
                () => Requantizer.RequantizeUniform(acc, bias, scale, zero, signed, output.AsSpan(0, n)),
                () => Requantizer.RequantizeUniform256(acc, bias, scale, zero, signed, output.AsSpan(0, n)),
            };
            if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
                variants.Add(() => Requantizer.RequantizeUniform512(acc, bias, scale, zero, signed, output.AsSpan(0, n)));
            foreach (var run in variants)
            {
                Array.Fill(output, (byte)0x5A, 0, n);
                run();
                for (int i = 0; i < n; i++)
                    Assert.Equal(Requantizer.RequantizeOne(acc[i] + bias, scale, zero, signed), output[i]);
                Assert.Equal(0xA5, output[n]);
            }
        }
    }

    [Fact]
    public void TiesRoundToEven()
    {
        Assert.Equal(2, Requantizer.RequantizeOne(5, 0.5f, 0, signed: false));
        Assert.Equal(4, Requantizer.RequantizeOne(7, 0.5f, 0, signed: false));
        Assert.Equal(unchecked((byte)(sbyte)-2), Requantizer.RequantizeOne(-5, 0.5f, 0, signed: true));
        Assert.Equal(255, Requantizer.RequantizeOne(100000, 1f, 3, signed: false));
        Assert.Equal(unchecked((byte)(sbyte)-128), Requantizer.RequantizeOne(-100000, 1f, 3, signed: true));
    }

    [Theory]
    [InlineData(false, 128)]
    [InlineData(true, -3)]
    public void VectorQuantizeEqualsScalarIncludingTies(bool signed, int zeroPoint)
    {
        var random = new Random(11);
        const float scale = 0.25f;
        var x = new float[777];
        for (int i = 0; i < x.Length; i++)
            x[i] = i % 2 == 0 ? (random.Next(-300, 300) + 0.5f) * scale : (random.NextSingle() - 0.5f) * 100;
        var output = new byte[x.Length];
        Requantizer.Quantize(x, scale, zeroPoint, signed, output);
        for (int i = 0; i < x.Length; i++)
        {
            int expected = Math.Clamp((int)MathF.Round(x[i] / scale, MidpointRounding.ToEven) + zeroPoint, signed ? -128 : 0, signed ? 127 : 255);
            Assert.Equal((byte)expected, output[i]);
        }
    }
}
