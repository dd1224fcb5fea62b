using Edge.Quantization.Distillation;

namespace Edge.Quantization.Tests.Distillation;

public sealed class DistillationGateTests
{
    private static readonly DistillationMetrics Good = new(360, 10, 4, 0.97, 0.02, 0.95, 0.98);

    [Fact]
    public void Metrics_within_every_bound_are_accepted()
    {
        var gate = new DistillationGate(new DistillationThresholds { MinTop1Agreement = 0.95, MinAccuracy = 0.9, MaxKlDivergence = 0.05, Temperature = 4 });
        var verdict = gate.Evaluate(Good);
        Assert.True(verdict.Accepted, verdict.Summary);
        Assert.Equal("accepted", verdict.Summary);
    }

    [Fact]
    public void Each_failed_bound_gives_a_reason_naming_figure_value_and_bound()
    {
        var gate = new DistillationGate(new DistillationThresholds { MinTop1Agreement = 0.98, MinAccuracy = 0.96, MaxKlDivergence = 0.01, Temperature = 4 });
        var verdict = gate.Evaluate(Good);
        Assert.False(verdict.Accepted);
        Assert.Equal(3, verdict.Failures.Count);
        Assert.Contains("top-1 agreement with the teacher 0.9700 is below the minimum 0.98", verdict.Failures);
        Assert.Contains("accuracy 0.9500 is below the minimum 0.96", verdict.Failures);
        Assert.Contains(verdict.Failures, f => f.StartsWith("KL(teacher||student) at T=4 is 0.020000, above the maximum 0.01"));
        Assert.StartsWith("refused: top-1 agreement", verdict.Summary);
    }

    [Fact]
    public void Unset_bounds_are_not_checked()
    {
        var verdict = new DistillationGate(new DistillationThresholds()).Evaluate(new DistillationMetrics(10, 10, 1, 0.1, 5, 0.1, 0.9));
        Assert.True(verdict.Accepted);
    }

    [Fact]
    public void A_bound_the_metrics_cannot_show_fails_closed()
    {
        var unlabelled = Good with { StudentAccuracy = null, TeacherAccuracy = null, Temperature = 1 };
        var gate = new DistillationGate(new DistillationThresholds { MinAccuracy = 0.5, MaxKlDivergence = 1, Temperature = 4 });
        var verdict = gate.Evaluate(unlabelled);
        Assert.Contains("accuracy minimum 0.5 is set but the validation set has no labels", verdict.Failures);
        Assert.Contains("KL divergence was measured at T=1 but the maximum is for T=4", verdict.Failures);
    }

    [Theory]
    [InlineData(1.5, null, null, 1.0, "minTop1Agreement")]
    [InlineData(null, -0.1, null, 1.0, "minAccuracy")]
    [InlineData(null, null, -1.0, 1.0, "maxKlDivergence")]
    [InlineData(null, null, null, 0.0, "temperature")]
    public void Thresholds_out_of_range_are_refused_naming_the_field(double? agreement, double? accuracy, double? kl, double temperature, string field)
    {
        var thresholds = new DistillationThresholds { MinTop1Agreement = agreement, MinAccuracy = accuracy, MaxKlDivergence = kl, Temperature = temperature };
        var e = Assert.Throws<ArgumentException>(() => new DistillationGate(thresholds));
        Assert.StartsWith(field, e.Message);
    }
}
