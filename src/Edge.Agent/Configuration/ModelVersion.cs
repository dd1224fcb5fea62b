namespace Edge.Agent.Configuration;

/// <summary>A model version: dot-separated non-negative integers (1, 1.2, 1.2.10), compared numerically.</summary>
public sealed record ModelVersion(IReadOnlyList<long> Parts, string Text) : IComparable<ModelVersion>
{
    public static bool TryParse(string text, out ModelVersion version)
    {
        version = null!;
        var parts = new List<long>();
        foreach (string part in text.Split('.'))
        {
            if (part.Length == 0 || part.Length > 18 || !part.All(char.IsAsciiDigit))
                return false;
            parts.Add(long.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
        }
        version = new ModelVersion(parts, text);
        return true;
    }

    public static ModelVersion Parse(string text)
        => TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a version (numbers separated by dots)");

    /// <summary>Numeric, part by part; missing parts count as 0 (1.2 == 1.2.0).</summary>
    public int CompareTo(ModelVersion? other)
    {
        if (other is null)
            return 1;
        for (int i = 0; i < Math.Max(Parts.Count, other.Parts.Count); i++)
        {
            int c = (i < Parts.Count ? Parts[i] : 0).CompareTo(i < other.Parts.Count ? other.Parts[i] : 0);
            if (c != 0)
                return c;
        }
        return 0;
    }

    public override string ToString() => Text;
}
