using System.Globalization;

namespace Edge.Quantization.Distillation;

/// <summary>Decides whether a student may go live by checking its <see cref="DistillationMetrics"/> against thresholds.</summary>
public sealed class DistillationGate
{
    /// <summary>Validates the thresholds (<see cref="ArgumentException"/> names the bad field).</summary>
    public DistillationGate(DistillationThresholds thresholds)
    {
        thresholds.Validate();
        Thresholds = thresholds;
    }

    public DistillationThresholds Thresholds { get; }

    /// <summary>
    /// Every failed threshold becomes one reason naming the figure, its value and the bound. A bound
    /// that cannot be checked (accuracy without labels, KL measured at another temperature) fails:
    /// the gate never lets a model through on a figure it did not see.
    /// </summary>
    public DistillationVerdict Evaluate(DistillationMetrics metrics)
    {
        var c = CultureInfo.InvariantCulture;
        var failures = new List<string>();
        if (Thresholds.MinTop1Agreement is { } minAgreement && !(metrics.Top1Agreement >= minAgreement))
            failures.Add(string.Format(c, "top-1 agreement with the teacher {0:0.0000} is below the minimum {1}", metrics.Top1Agreement, minAgreement));
        if (Thresholds.MinAccuracy is { } minAccuracy)
        {
            if (metrics.StudentAccuracy is not { } accuracy)
                failures.Add(string.Format(c, "accuracy minimum {0} is set but the validation set has no labels", minAccuracy));
            else if (!(accuracy >= minAccuracy))
                failures.Add(string.Format(c, "accuracy {0:0.0000} is below the minimum {1}", accuracy, minAccuracy));
        }
        if (Thresholds.MaxKlDivergence is { } maxKl)
        {
            if (Math.Abs(metrics.Temperature - Thresholds.Temperature) > 1e-9 * Thresholds.Temperature)
                failures.Add(string.Format(c, "KL divergence was measured at T={0} but the maximum is for T={1}", metrics.Temperature, Thresholds.Temperature));
            else if (!(metrics.MeanKlDivergence <= maxKl))
                failures.Add(string.Format(c, "KL(teacher||student) at T={0} is {1:0.000000}, above the maximum {2}", metrics.Temperature, metrics.MeanKlDivergence, maxKl));
        }
        return new DistillationVerdict(metrics, failures);
    }
}
