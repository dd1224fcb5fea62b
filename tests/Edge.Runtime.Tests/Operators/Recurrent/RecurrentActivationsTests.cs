using System.Numerics;
using Edge.Runtime.Operators.Recurrent;

namespace Edge.Runtime.Tests.Operators.Recurrent;

public sealed class RecurrentActivationsTests
{
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
