namespace Edge.Quantization.Reporting;

/// <summary>Running Σx² and Σ(x − x̂)² of a reference and its approximation, for SQNR over many batches.</summary>
internal sealed class SignalNoise
{
    public double Signal { get; private set; }

    public double Noise { get; private set; }

    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> approximation)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double x = reference[i], d = x - approximation[i];
            signal += x * x;
            noise += d * d;
        }
        Signal += signal;
        Noise += noise;
    }

    /// <summary>Noise power over signal power (0 = exact).</summary>
    public double NoiseToSignal => Noise == 0 ? 0 : Signal == 0 ? double.PositiveInfinity : Noise / Signal;

    /// <summary>10·log10(Σx² / Σ(x − x̂)²); +∞ when exact.</summary>
    public double SqnrDb => Sqnr(Signal, Noise);

    public static double Sqnr(double signal, double noise) =>
        noise == 0 ? double.PositiveInfinity : signal == 0 ? double.NegativeInfinity : 10 * Math.Log10(signal / noise);
}
