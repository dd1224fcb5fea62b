using System.Numerics;
using Edge.Runtime.Operators.Recurrent;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class RecurrentActivationsTests
{
    private static IEnumerable<float> Samples()
    {
        for (double x = -30; x <= 30; x += 0.0137)
            yield return (float)x;
        foreach (float tiny in new[] { 1e-8f, -1e-8f, 1e-5f, -3e-4f, 0f, 7.9f, -7.95f, 80f, -80f, 100f, -100f })
            yield return tiny;
    }

    [Fact]
    public void VectorTanhHasSmallRelativeError()
    {
        foreach (float x in Samples())
        {
            double expected = Math.Tanh(x);
            double actual = RecurrentActivations.Tanh(new Vector<float>(x))[0];
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected) + 1e-12, $"tanh({x}) = {actual:G9}, expected {expected:G9}");
        }
    }

    [Fact]
    public void VectorSigmoidHasSmallRelativeError()
    {
        foreach (float x in Samples())
        {
            double expected = 1 / (1 + Math.Exp(-(double)x));
            double actual = RecurrentActivations.Sigmoid(new Vector<float>(x))[0];
            // Below 1e-38 the clamped exp stops short of denormals: absolute error stays under 1e-30.
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected + 1e-30, $"sigmoid({x}) = {actual:G9}, expected {expected:G9}");
        }
    }

    [Fact]
    public void VectorExpHasSmallRelativeError()
    {
        for (double x = -87; x <= 88; x += 0.0311)
        {
            double expected = Math.Exp((float)x);
            double actual = RecurrentActivations.Exp(new Vector<float>((float)x))[0];
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected, $"exp({(float)x}) = {actual:G9}, expected {expected:G9}");
        }
    }

    [Fact]
    public void ApplyCoversTheScalarTailLikeTheVectorBody()
    {
        int length = Vector<float>.Count * 2 + 3;
        var values = Enumerable.Range(0, length).Select(i => (i - length / 2) * 0.37f).ToArray();
        var activation = new RecurrentActivation(RecurrentActivationKind.Tanh, 0, 0);

        RecurrentActivations.Apply(activation, values);

        for (int i = 0; i < length; i++)
            Assert.Equal(Math.Tanh((i - length / 2) * 0.37f), values[i], 6);
    }
}
