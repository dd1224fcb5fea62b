namespace Edge.Runtime.Validation;

/// <summary>How close a float output must be: |actual − expected| ≤ atol + rtol·|expected| (numpy's allclose). Integers compare exactly.</summary>
public sealed record Tolerance(double Relative = 1e-3, double Absolute = 1e-7)
{
    /// <summary>ONNX's own backend-test runner defaults.</summary>
    public static Tolerance OnnxDefault { get; } = new();
}
