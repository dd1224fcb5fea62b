using System.Globalization;
using System.Text.RegularExpressions;

namespace Edge.Agent.Tests.Telemetry;

/// <summary>Samples of a Prometheus text exposition: name, labels, value.</summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(List<(string Name, Dictionary<string, string> Labels, double Value)> samples) => Samples = samples;

    public IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; }

    public IEnumerable<string> Names => Samples.Select(s => s.Name).Distinct();

    public static PrometheusText Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = SamplePattern().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = LabelPattern().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            string value = match.Groups["value"].Value;
            samples.Add((match.Groups["name"].Value, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }
        return new PrometheusText(samples);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/> ("k=v").</summary>
    public IEnumerable<(Dictionary<string, string> Labels, double Value)> Find(string name, params string[] labels)
        => Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l[..l.IndexOf('=')]) == l[(l.IndexOf('=') + 1)..]))
            .Select(s => (s.Labels, s.Value));

    /// <summary>The one sample of <paramref name="name"/> with <paramref name="labels"/>.</summary>
    public double Value(string name, params string[] labels)
    {
        var found = Find(name, labels).ToList();
        Assert.True(found.Count == 1, $"{found.Count} samples of {name} {{{string.Join(",", labels)}}}");
        return found[0].Value;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
