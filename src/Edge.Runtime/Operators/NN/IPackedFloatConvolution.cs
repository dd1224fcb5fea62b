using Edge.Runtime.Backends.Cpu.Kernels;

namespace Edge.Runtime.Operators.NN;

/// <summary>A float convolution whose constant weights were packed at plan time and that reads X itself.</summary>
internal interface IPackedFloatConvolution
{
    /// <summary>Scratch the call needs, in bytes.</summary>
    int WorkspaceBytes { get; }

    /// <summary>Y = act(conv(X, W) + bias); <paramref name="workspace"/> holds at least <see cref="WorkspaceBytes"/>.</summary>
    void Run(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, FloatActivation activation, ParallelRunner parallel, Span<byte> workspace);
}
