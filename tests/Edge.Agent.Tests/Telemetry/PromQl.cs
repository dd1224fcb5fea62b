using System.Text.RegularExpressions;

namespace Edge.Agent.Tests.Telemetry;

/// <summary>The metric names a PromQL expression reads (enough PromQL for dashboards: selectors, ranges, aggregations, vector matching).</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"];

    public static IReadOnlyList<string> MetricNames(string expr)
    {
        string bare = Strings().Replace(expr, "");
        bare = Braces().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Clauses().Replace(bare, " ");
        return Identifiers().Matches(bare)
            .Where(m => !Keywords.Contains(m.Value) && !bare.AsSpan(m.Index + m.Length).TrimStart().StartsWith("("))
            .Select(m => m.Value).Distinct().ToList();
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Clauses();

    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
