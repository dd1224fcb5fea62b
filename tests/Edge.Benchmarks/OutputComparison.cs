using System.Globalization;
using Edge.Runtime.Tensors;

namespace Edge.Benchmarks;

/// <summary>
/// Edge's outputs against ORT's: max abs difference for floats; for int8/uint8 outputs the number
/// of differing elements and the largest difference in quantisation steps (Edge claims exact int8).
/// </summary>
internal static class OutputComparison
{
    public static string Describe(IReadOnlyList<BenchOutput> ort, IReadOnlyList<BenchOutput> edge)
    {
        var parts = new List<string>();
        foreach (var o in ort)
        {
            var e = edge.FirstOrDefault(x => x.Name == o.Name);
            if (e is null)
            {
                parts.Add($"{o.Name}: missing in Edge");
                continue;
            }
            if (!o.Shape.SequenceEqual(e.Shape))
            {
                parts.Add($"{o.Name}: shape ORT [{string.Join(",", o.Shape)}] vs Edge [{string.Join(",", e.Shape)}]");
                continue;
            }
            double maxDiff = 0, maxRef = 0;
            int differing = 0;
            for (int i = 0; i < o.Values.Length; i++)
            {
                double d = Math.Abs(o.Values[i] - e.Values[i]);
                if (double.IsNaN(d)) d = double.PositiveInfinity;
                if (d != 0) differing++;
                maxDiff = Math.Max(maxDiff, d);
                maxRef = Math.Max(maxRef, Math.Abs(o.Values[i]));
            }
            parts.Add(o.Type is DataType.Int8 or DataType.UInt8 or DataType.Int32 or DataType.Int64
                ? $"{o.Name} ({o.Type}): {differing}/{o.Values.Length} differ, max {maxDiff:0} steps"
                : $"{o.Name} ({o.Type}): max abs diff {maxDiff.ToString("g3", CultureInfo.InvariantCulture)} (max |ORT| {maxRef.ToString("g3", CultureInfo.InvariantCulture)})");
        }
        return string.Join("; ", parts);
    }
}
