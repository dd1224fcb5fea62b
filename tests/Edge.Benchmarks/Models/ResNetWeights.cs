namespace Edge.Benchmarks.Models;

/// <summary>One convolution's float weights [Cout, Cin, K, K] and bias, with its geometry.</summary>
internal sealed record ConvLayer(string Name, int Cin, int Cout, int Kernel, int Stride, float[] Weight, float[] Bias)
{
    public int Pad => Kernel / 2;

    public static ConvLayer Create(Random rng, string name, int cin, int cout, int kernel, int stride) =>
        new(name, cin, cout, kernel, stride, Weights.He(rng, cout * cin * kernel * kernel, cin * kernel * kernel), Weights.Uniform(rng, cout, 0.05f));
}
