namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>One GEMM call's operands as pinned pointers and strides, shared read-only by the threads that split it.</summary>
internal readonly unsafe struct FloatGemmJob
{
    public float* A { get; init; }
    public long ARowStride { get; init; }
    public long AColStride { get; init; }
    /// <summary>Packed B panels.</summary>
    public float* B { get; init; }
    public float* C { get; init; }
    public long CRowStride { get; init; }
    public long CColStride { get; init; }
    /// <summary>Null when there is no bias.</summary>
    public float* Bias { get; init; }
    public bool BiasPerRow { get; init; }
    public FloatActivation Activation { get; init; }
    public int M { get; init; }
    public int N { get; init; }
    public int K { get; init; }
}
