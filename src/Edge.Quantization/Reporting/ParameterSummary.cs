using System.Globalization;

namespace Edge.Quantization.Reporting;

/// <summary>A scale or zero point: one value (per tensor) or the spread of per-channel values.</summary>
public sealed record ParameterSummary(int Count, double Min, double Median, double Max)
{
    public static ParameterSummary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("no values to summarise");
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new ParameterSummary(sorted.Length, sorted[0], median, sorted[^1]);
    }

    /// <summary>"0.01234" per tensor; "64 ch: min 0.001 / median 0.004 / max 0.02" per channel.</summary>
    public override string ToString() => Count == 1
        ? Min.ToString("G4", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Count} ch: min {Min:G4} / median {Median:G4} / max {Max:G4}");
}
