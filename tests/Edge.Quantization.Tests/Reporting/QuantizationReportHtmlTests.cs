using System.Xml;
using System.Xml.Linq;
using Edge.Quantization.Reporting;
using Edge.Quantization.Tests.Distillation;

namespace Edge.Quantization.Tests.Reporting;

public sealed class QuantizationReportHtmlTests : IDisposable
{
    private static readonly XNamespace Html = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly Lazy<QuantizationReport> Broken = new(() =>
    {
        var (model, _) = ModelSurgery.ScaleWeight(Fixtures.ReadModel("ptq_per_channel"), weightIndex: 2, factor: 10);
        return new QuantizationReportBuilder { Fp32Name = "teacher <fp32> & co", QuantizedName = "ptq_per_channel (scale x10)" }
            .Build(Fixtures.ReadModel("teacher_cnn"), model, CalibrationBatches.Split("input", Fixtures.SplitInputs("teacher_cnn"), 64, 64));
    });

    private readonly string _folder = Directory.CreateTempSubdirectory("edge-qreport-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_page_is_well_formed_xhtml_with_a_histogram_per_layer_and_no_outside_resources()
    {
        string path = Path.Combine(_folder, "report.html");
        QuantizationReportHtml.Write(Broken.Value, path);

        var document = Load(path);
        Assert.Equal(Html + "html", document.Root!.Name);
        var svgs = document.Descendants(Svg + "svg").ToList();
        Assert.Equal(2 + Broken.Value.Layers.Count, svgs.Count); // SQNR bars, error shares, one histogram per layer
        Assert.All(svgs, svg => Assert.NotNull(svg.Attribute("viewBox")));
        var histograms = document.Descendants(Html + "section").Select(s => s.Descendants(Svg + "svg").Single()).ToList();
        Assert.Equal(Broken.Value.Layers.Count, histograms.Count);
        Assert.All(histograms, h =>
        {
            Assert.NotEmpty(h.Elements(Svg + "rect"));
            Assert.Single(h.Elements(Svg + "polyline"));
        });
        Assert.DoesNotContain(document.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe");
        Assert.DoesNotContain(document.Descendants().Attributes(), a => a.Name.LocalName is "src" or "href");
        Assert.Contains(document.Descendants(Html + "p"), p => p.Value.Contains("teacher <fp32> & co"));
    }

    [Fact]
    public void The_worst_layer_is_marked_and_ranked_first()
    {
        var document = XDocument.Parse(QuantizationReportHtml.Render(Broken.Value), LoadOptions.None);
        var marked = Assert.Single(document.Descendants(Html + "h3"), h => (string?)h.Attribute("class") == "worst");
        Assert.StartsWith("#2 /conv3/Conv", marked.Value);
        var ranking = document.Descendants(Html + "table").Single(t => t.Descendants(Html + "th").Any(th => th.Value == "rank"));
        var firstRow = ranking.Element(Html + "tbody")!.Elements(Html + "tr").First().Elements(Html + "td").Select(td => td.Value).ToList();
        Assert.Equal("1", firstRow[0]);
        Assert.Equal("#2 /conv3/Conv", firstRow[1]);
    }

    [Fact]
    public void Writing_replaces_an_existing_file_and_leaves_no_temp_file()
    {
        string path = Path.Combine(_folder, "out", "report.html");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "old");
        QuantizationReportHtml.Write(Broken.Value, path);
        Assert.StartsWith("<!DOCTYPE html", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    private static XDocument Load(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}
