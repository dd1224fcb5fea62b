using System.Globalization;
using System.Xml.Linq;

namespace Edge.Quantization.Reporting;

/// <summary>The report's pictures as inline SVG elements (no scripts, no external resources).</summary>
internal static class SvgCharts
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const string BeforeColor = "#3b6fb6", AfterColor = "#e07b24", WarnColor = "#c0392b";

    /// <summary>Both weight histograms on one axis: fp32 as filled bars, dequantized as an outline.</summary>
    public static XElement Histogram(WeightHistogram histogram, string title)
    {
        const double width = 430, height = 170, left = 54, right = 10, top = 22, bottom = 30;
        double plotWidth = width - left - right, plotHeight = height - top - bottom;
        int bins = histogram.Before.Count;
        int peak = Math.Max(1, Math.Max(histogram.Before.DefaultIfEmpty().Max(), histogram.After.DefaultIfEmpty().Max()));
        double binWidth = plotWidth / bins;
        double Y(int count) => top + plotHeight * (1 - (double)count / peak);

        var svg = Root(width, height, title);
        for (int b = 0; b < bins; b++)
            if (histogram.Before[b] > 0)
                svg.Add(Rect(left + b * binWidth, Y(histogram.Before[b]), binWidth, top + plotHeight - Y(histogram.Before[b]), BeforeColor, 0.55));
        var points = new List<string> { Point(left, top + plotHeight) };
        for (int b = 0; b < bins; b++)
        {
            points.Add(Point(left + b * binWidth, Y(histogram.After[b])));
            points.Add(Point(left + (b + 1) * binWidth, Y(histogram.After[b])));
        }
        points.Add(Point(left + plotWidth, top + plotHeight));
        svg.Add(new XElement(Svg + "polyline", new XAttribute("points", string.Join(" ", points)),
            new XAttribute("fill", "none"), new XAttribute("stroke", AfterColor), new XAttribute("stroke-width", "1.5")));

        svg.Add(Axes(left, top, plotWidth, plotHeight));
        svg.Add(Text(left - 4, top + 4, peak.ToString(CultureInfo.InvariantCulture), "end"), Text(left - 4, top + plotHeight, "0", "end"));
        svg.Add(Text(left, height - 10, Number(histogram.Min), "start"), Text(left + plotWidth, height - 10, Number(histogram.Max), "end"));
        if (histogram.Min < 0 && histogram.Max > 0)
        {
            double zero = left + plotWidth * (-histogram.Min / (histogram.Max - histogram.Min));
            svg.Add(Line(zero, top + plotHeight, zero, top + plotHeight + 4, "#555"), Text(zero, height - 10, "0", "middle"));
        }
        svg.Add(Legend(left + 8, 14, ("fp32 weights", BeforeColor, true), ("dequantized", AfterColor, false)));
        return svg;
    }

    /// <summary>Output SQNR per layer as bars, weight SQNR as ticks; infinite values reach the top with "∞".</summary>
    public static XElement SqnrBars(IReadOnlyList<LayerReport> layers)
    {
        const double barSpace = 54, left = 44, top = 24, bottom = 46, plotHeight = 180;
        double width = left + Math.Max(4, layers.Count) * barSpace + 16, height = top + plotHeight + bottom;
        var finite = layers.SelectMany(l => new[] { l.OutputSqnrDb, l.WeightSqnrDb }).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double high = Math.Max(10, Math.Ceiling(finite.Max() / 10) * 10), low = Math.Min(0, Math.Floor(finite.Min() / 10) * 10);
        double Y(double db) => top + plotHeight * (high - Math.Clamp(db, low, high)) / (high - low);

        var svg = Root(width, height, "SQNR per layer (dB)");
        svg.Add(Axes(left, top, width - left - 16, plotHeight));
        for (double tick = low; tick <= high; tick += 10)
            svg.Add(Text(left - 4, Y(tick) + 4, Number(tick), "end"), Line(left - 3, Y(tick), left, Y(tick), "#555"));
        svg.Add(Line(left, Y(0), width - 16, Y(0), "#999"));
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            double x = left + i * barSpace + 10, barWidth = barSpace - 20;
            double output = double.IsNaN(layer.OutputSqnrDb) ? 0 : layer.OutputSqnrDb;
            double y0 = Y(0), y1 = Y(output);
            svg.Add(Rect(x, Math.Min(y0, y1), barWidth, Math.Abs(y1 - y0), output < 10 ? WarnColor : BeforeColor, 0.85));
            svg.Add(Text(x + barWidth / 2, Math.Min(y0, y1) - 3, Db(layer.OutputSqnrDb), "middle"));
            if (!double.IsNaN(layer.WeightSqnrDb))
                svg.Add(new XElement(Svg + "line", new XAttribute("x1", F(x - 4)), new XAttribute("x2", F(x + barWidth + 4)),
                    new XAttribute("y1", F(Y(layer.WeightSqnrDb))), new XAttribute("y2", F(Y(layer.WeightSqnrDb))),
                    new XAttribute("stroke", AfterColor), new XAttribute("stroke-width", "3")));
            svg.Add(Text(x + barWidth / 2, top + plotHeight + 16, $"#{layer.Index}", "middle"),
                Text(x + barWidth / 2, top + plotHeight + 30, Shorten(layer.QuantizedOpType, 9), "middle"));
        }
        svg.Add(Legend(left + 8, 14, ("output SQNR", BeforeColor, true), ("weight SQNR", AfterColor, false)));
        return svg;
    }

    /// <summary>Each layer's share of the added error as a horizontal bar, largest first.</summary>
    public static XElement ErrorShares(IReadOnlyList<LayerReport> ranked)
    {
        const double left = 190, barMax = 260, row = 22, top = 8;
        double height = top + ranked.Count * row + 8;
        var svg = Root(left + barMax + 70, height, "share of the error each layer adds");
        for (int i = 0; i < ranked.Count; i++)
        {
            var layer = ranked[i];
            double y = top + i * row;
            svg.Add(Text(left - 6, y + 14, Shorten($"#{layer.Index} {layer.Name}", 28), "end"));
            svg.Add(Rect(left, y + 3, Math.Max(1, barMax * layer.ErrorShare), row - 8, i == 0 ? WarnColor : BeforeColor, 0.85));
            svg.Add(Text(left + barMax * layer.ErrorShare + 6, y + 14, layer.ErrorShare.ToString("P1", CultureInfo.InvariantCulture), "start"));
        }
        return svg;
    }

    private static XElement Root(double width, double height, string title) =>
        new(Svg + "svg", new XAttribute("width", F(width)), new XAttribute("height", F(height)),
            new XAttribute("viewBox", $"0 0 {F(width)} {F(height)}"), new XAttribute("role", "img"),
            new XElement(Svg + "title", title));

    private static XElement Axes(double left, double top, double width, double height) =>
        new(Svg + "path", new XAttribute("d", $"M{F(left)},{F(top)} V{F(top + height)} H{F(left + width)}"),
            new XAttribute("fill", "none"), new XAttribute("stroke", "#555"));

    private static XElement Legend(double x, double y, params (string Label, string Color, bool Filled)[] entries)
    {
        var group = new XElement(Svg + "g");
        foreach (var (label, color, filled) in entries)
        {
            group.Add(filled ? Rect(x, y - 8, 12, 9, color, 0.7) : Line(x, y - 4, x + 12, y - 4, color, 2));
            group.Add(Text(x + 16, y, label, "start"));
            x += 16 + label.Length * 6.2 + 14;
        }
        return group;
    }

    private static XElement Rect(double x, double y, double width, double height, string color, double opacity) =>
        new(Svg + "rect", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("width", F(width)),
            new XAttribute("height", F(Math.Max(0, height))), new XAttribute("fill", color), new XAttribute("fill-opacity", F(opacity)));

    private static XElement Line(double x1, double y1, double x2, double y2, string color, double strokeWidth = 1) =>
        new(Svg + "line", new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)),
            new XAttribute("y2", F(y2)), new XAttribute("stroke", color), new XAttribute("stroke-width", F(strokeWidth)));

    private static XElement Text(double x, double y, string text, string anchor) =>
        new(Svg + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("text-anchor", anchor),
            new XAttribute("font-size", "11"), new XAttribute("font-family", "sans-serif"), text);

    private static string Point(double x, double y) => $"{F(x)},{F(y)}";

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    internal static string Db(double value) => double.IsPositiveInfinity(value) ? "∞" : double.IsNaN(value) ? "n/a"
        : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
