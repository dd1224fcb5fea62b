using Edge.Quantization.Distillation;

namespace Edge.Agent.Deployment;

/// <summary>The distillation gate's numbers as they appear on <c>models/{name}/state</c> and in telemetry.</summary>
public sealed record DistillationFigures(int Samples, double Temperature, double Top1Agreement, double KlDivergence, double? Accuracy, double? TeacherAccuracy)
{
    public static DistillationFigures From(DistillationMetrics m) =>
        new(m.Samples, m.Temperature, Math.Round(m.Top1Agreement, 6), Math.Round(m.MeanKlDivergence, 6),
            m.StudentAccuracy is { } a ? Math.Round(a, 6) : null, m.TeacherAccuracy is { } t ? Math.Round(t, 6) : null);
}
