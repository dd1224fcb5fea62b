using Edge.Runtime.Tensors;

namespace Edge.Runtime.Validation;

/// <summary>The result of comparing one output with its expected value.</summary>
public sealed record TensorComparison(string Name, bool Matches, double MaxAbsoluteError, double MaxRelativeError, int Mismatches, string? Problem)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>: integers exactly, floats within tolerance (NaN equals NaN).</summary>
    public static TensorComparison Compare(string name, Tensor expected, Tensor actual, Tolerance tolerance)
    {
        if (expected.Type != actual.Type)
            return new(name, false, double.NaN, double.NaN, actual.ElementCount, $"type {actual.Type.OnnxName()}, expected {expected.Type.OnnxName()}");
        if (!expected.Shape.Equals(actual.Shape))
            return new(name, false, double.NaN, double.NaN, actual.ElementCount, $"shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        bool isFloat = expected.Type == DataType.Float32;
        double maxAbs = 0, maxRel = 0;
        int mismatches = 0;
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) || double.IsNaN(a[i]))
            {
                if (double.IsNaN(e[i]) != double.IsNaN(a[i]))
                    mismatches++;
                continue;
            }
            if (double.IsInfinity(e[i]) || double.IsInfinity(a[i]))
            {
                if (e[i] != a[i])
                    mismatches++;
                continue;
            }
            double abs = Math.Abs(a[i] - e[i]);
            double rel = e[i] == 0 ? (abs == 0 ? 0 : double.PositiveInfinity) : abs / Math.Abs(e[i]);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            bool ok = isFloat ? abs <= tolerance.Absolute + tolerance.Relative * Math.Abs(e[i]) : abs == 0;
            if (!ok)
                mismatches++;
        }
        return new(name, mismatches == 0, maxAbs, maxRel, mismatches, mismatches == 0 ? null : $"{mismatches} of {e.Length} elements differ");
    }
}
