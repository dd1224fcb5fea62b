using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Edge.Quantization.Reporting;

/// <summary>
/// Renders a <see cref="QuantizationReport"/> as one self-contained, well-formed XHTML page: tables,
/// and inline SVG pictures (SQNR per layer, error shares, weight histograms). No scripts, nothing
/// fetched from the network.
/// </summary>
public static class QuantizationReportHtml
{
    private static readonly XNamespace Html = "http://www.w3.org/1999/xhtml";

    private const string Style = """
        body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 13px; }
        th { background: #f3f3f3; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        section.layer { border-top: 1px solid #ddd; padding-top: 0.5em; display: flex; gap: 2em; flex-wrap: wrap; }
        .worst { color: #c0392b; font-weight: bold; }
        code { font-size: 12px; }
        """;

    /// <summary>The page as a string.</summary>
    public static string Render(QuantizationReport report)
    {
        var document = new XDocument(new XDocumentType("html", null, null, null), Page(report));
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, Encoding = new UTF8Encoding(false) };
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, settings))
            document.Save(writer);
        return text.ToString();
    }

    /// <summary>Writes the page atomically: a temp file beside <paramref name="path"/>, flushed to disk, then renamed over it.</summary>
    public static void Write(QuantizationReport report, string path)
    {
        string html = Render(report);
        Edge.Onnx.AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(html)));
    }

    private static XElement Page(QuantizationReport report)
    {
        var ranked = report.LayersByError;
        var worst = ranked.FirstOrDefault();
        var body = new XElement(Html + "body",
            E("h1", "Quantization report"),
            E("p", $"{report.Fp32Model} → {report.QuantizedModel}; {report.CalibrationSamples} calibration samples, {report.Layers.Count} layers matched."),
            E("h2", "Summary"),
            Summary(report),
            E("h2", "SQNR per layer"),
            E("p", "Bars: SQNR of each layer's output over the calibration set, 10·log10(Σx² / Σ(x − x̂)²), fp32 output x against the quantized model's float reading x̂. Ticks: SQNR of the dequantized weights. Red bars are below 10 dB."),
            SvgCharts.SqnrBars(report.Layers),
            E("h2", "Where the error comes from"),
            E("p", "Each layer's contribution is the noise-to-signal ratio it adds: its output's minus its input's (linear). Layers pass their input's relative noise on roughly unchanged, so this isolates the layer's own quantization error."),
            SvgCharts.ErrorShares(ranked),
            Ranking(ranked),
            E("h2", "Layers"));
        foreach (var layer in report.Layers)
            body.Add(Layer(layer, layer == worst));
        if (report.Notes.Count > 0)
            body.Add(E("h2", "Notes"), new XElement(Html + "ul", report.Notes.Select(n => E("li", n))));

        return new XElement(Html + "html", new XAttribute("lang", "en"),
            new XElement(Html + "head",
                new XElement(Html + "meta", new XAttribute("charset", "utf-8")),
                E("title", $"Quantization report: {report.QuantizedModel}"),
                E("style", Style)),
            body);
    }

    private static XElement Summary(QuantizationReport report)
    {
        var sizes = report.Sizes;
        var table = Table(["", "fp32", "quantized", "ratio"],
            [
                ["model size", Bytes(sizes.Fp32Bytes), Bytes(sizes.QuantizedBytes), Ratio(sizes.Ratio)],
                ["weights of matched layers (with scales, zero points)", Bytes(sizes.Fp32WeightBytes), Bytes(sizes.QuantizedWeightBytes), Ratio(sizes.WeightRatio)],
            ]);
        var outputs = Table(["output (fp32 / quantized)", "SQNR", "top-1 agreement"],
            report.Outputs.Select(o => new[] { $"{o.Name} / {o.QuantizedName}", SvgCharts.Db(o.SqnrDb) + " dB",
                o.Top1Agreement is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) : "n/a" }).ToList());
        return new XElement(Html + "div", table, outputs);
    }

    private static XElement Ranking(IReadOnlyList<LayerReport> ranked) =>
        Table(["rank", "layer", "op", "share of added error", "input SQNR", "output SQNR", "weight SQNR"],
            ranked.Select((l, i) => new[]
            {
                (i + 1).ToString(CultureInfo.InvariantCulture), $"#{l.Index} {l.Name}", $"{l.OpType} → {l.QuantizedOpType}",
                l.ErrorShare.ToString("P1", CultureInfo.InvariantCulture), SvgCharts.Db(l.InputSqnrDb) + " dB",
                SvgCharts.Db(l.OutputSqnrDb) + " dB", SvgCharts.Db(l.WeightSqnrDb) + " dB",
            }).ToList());

    private static XElement Layer(LayerReport layer, bool worst)
    {
        var heading = E("h3", $"#{layer.Index} {layer.Name} ({layer.OpType}) → {layer.QuantizedName} ({layer.QuantizedOpType})");
        if (worst)
            heading.Add(new XAttribute("class", "worst"));
        var facts = Table(["", ""],
            [
                ["scheme", layer.Scheme.ToString() + (layer.WeightScale is { Count: > 1 } ? ", per-channel" : layer.WeightScale is null ? "" : ", per-tensor")],
                ["weights", $"{layer.WeightType} [{string.Join(",", layer.WeightShape)}]"],
                ["weight scale", layer.WeightScale?.ToString() ?? "—"],
                ["weight zero point", layer.WeightZeroPoint?.ToString() ?? "—"],
                ["output scale / zero point", layer.OutputScale is { } s ? $"{s.ToString("G4", CultureInfo.InvariantCulture)} / {layer.OutputZeroPoint}" : "float output"],
                ["weight SQNR", SvgCharts.Db(layer.WeightSqnrDb) + " dB"],
                ["input SQNR", SvgCharts.Db(layer.InputSqnrDb) + " dB"],
                ["output SQNR", SvgCharts.Db(layer.OutputSqnrDb) + " dB"],
                ["share of added error", layer.ErrorShare.ToString("P1", CultureInfo.InvariantCulture)],
                ["weight bytes", $"{Bytes(layer.Fp32WeightBytes)} → {Bytes(layer.QuantizedWeightBytes)}"],
                ["tensors compared", $"{layer.ReferenceTensor} / {layer.QuantizedTensor}"],
            ]);
        facts.Element(Html + "thead")?.Remove();
        return new XElement(Html + "section", new XAttribute("class", "layer"), new XAttribute("id", $"layer-{layer.Index}"),
            new XElement(Html + "div", heading, facts),
            new XElement(Html + "div", SvgCharts.Histogram(layer.Histogram, $"weights of {layer.Name}: fp32 and dequantized")));
    }

    private static XElement Table(string[] header, IReadOnlyList<string[]> rows) =>
        new(Html + "table",
            new XElement(Html + "thead", new XElement(Html + "tr", header.Select(h => E("th", h)))),
            new XElement(Html + "tbody", rows.Select(r => new XElement(Html + "tr",
                r.Select((cell, i) => i == 0 ? E("td", cell) : new XElement(Html + "td", new XAttribute("class", "num"), cell))))));

    private static XElement E(string name, string text) => new(Html + name, text);

    private static string Bytes(long bytes) => bytes < 10_000
        ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " B"
        : (bytes / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " KiB";

    private static string Ratio(double ratio) => ratio == 0 ? "—" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
