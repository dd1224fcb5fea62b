namespace Edge.Quantization.Distillation;

/// <summary>
/// What a model must reach on the validation set to go live (a deploy manifest's gate). Each bound
/// is optional; null means "not checked".
/// </summary>
public sealed record DistillationThresholds
{
    /// <summary>Lowest acceptable top-1 agreement with the teacher, in [0, 1].</summary>
    public double? MinTop1Agreement { get; init; }

    /// <summary>Lowest acceptable accuracy on the labels, in [0, 1]; the set must then carry labels.</summary>
    public double? MinAccuracy { get; init; }

    /// <summary>Highest acceptable mean KL(teacher ‖ student) at <see cref="Temperature"/>, nats, not scaled by T².</summary>
    public double? MaxKlDivergence { get; init; }

    /// <summary>The temperature the KL divergence is measured at (default 1).</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (MinTop1Agreement is { } a && !(a >= 0 && a <= 1))
            throw new ArgumentException($"minTop1Agreement must be within [0, 1], got {a}");
        if (MinAccuracy is { } m && !(m >= 0 && m <= 1))
            throw new ArgumentException($"minAccuracy must be within [0, 1], got {m}");
        if (MaxKlDivergence is { } k && !(k >= 0))
            throw new ArgumentException($"maxKlDivergence must be 0 or more, got {k}");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"temperature must be a positive finite number, got {Temperature}");
    }
}
