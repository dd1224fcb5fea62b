using System.Globalization;

namespace Edge.Benchmarks;

/// <summary>
/// Pairs each quantized model with the fp32 model it was made from, so the report can show what
/// quantization buys inside Edge itself (the quantizer's bar), beside the ratios against ORT.
/// </summary>
internal static class QuantizedTwins
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Quantized model → its fp32 twin (same architecture and weights before quantization).</summary>
    public static readonly IReadOnlyDictionary<string, string> FloatTwinOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bert-layer-dyn-int8"] = "bert-layer-fp32",
        ["resnet-qdq-int8"] = "resnet-fp32",
        ["resnet-qop-int8"] = "resnet-fp32",
        ["ptq_per_tensor"] = "teacher_cnn",
        ["ptq_per_channel"] = "teacher_cnn",
        ["qat_student"] = "kd_student",
        ["dynamic_mlp"] = "mlp_fp32",
        ["dynamic_transformer"] = "transformer_fp32",
    };

    /// <summary>One line per quantized model × batch × threads whose fp32 twin was measured too.</summary>
    public static IEnumerable<string> Rows(IReadOnlyList<LatencyRow> latency)
    {
        foreach (var row in latency)
        {
            if (row.Edge is null || !FloatTwinOf.TryGetValue(row.Model, out string? twin))
                continue;
            var floatRow = latency.FirstOrDefault(r => r.Model == twin && r.Batch == row.Batch && r.Threads == row.Threads && r.Edge is not null);
            if (floatRow is null)
                continue;
            double speedup = floatRow.Edge!.P50Ms / row.Edge.P50Ms;
            yield return $"{row.Model,-22} vs {twin,-18} | {row.Batch,5} | {row.Threads,7} | {floatRow.Edge.P50Ms.ToString("0.000", Inv),10} | {row.Edge.P50Ms.ToString("0.000", Inv),10} | {speedup.ToString("0.00", Inv)}x";
        }
    }
}
