namespace Edge.Quantization.Distillation;

/// <summary>The gate's decision: accepted when no threshold failed; <see cref="Failures"/> says which did and by how much.</summary>
public sealed record DistillationVerdict(DistillationMetrics Metrics, IReadOnlyList<string> Failures)
{
    public bool Accepted => Failures.Count == 0;

    /// <summary>One line: "accepted" or "refused: reason; reason" (fit for the agent's state topic).</summary>
    public string Summary => Accepted ? "accepted" : "refused: " + string.Join("; ", Failures);

    public override string ToString() => Summary;
}
