namespace Edge.Runtime.Validation;

/// <summary>The outcome of one <c>test_data_set_N</c>: per-output comparisons, or the error that stopped it.</summary>
public sealed record DataSetResult(string Name, IReadOnlyList<TensorComparison> Outputs, string? Error)
{
    public bool Passed => Error is null && Outputs.All(o => o.Matches);

    public double MaxAbsoluteError => Outputs.Count == 0 ? 0 : Outputs.Max(o => o.MaxAbsoluteError);

    public double MaxRelativeError => Outputs.Count == 0 ? 0 : Outputs.Max(o => o.MaxRelativeError);
}
