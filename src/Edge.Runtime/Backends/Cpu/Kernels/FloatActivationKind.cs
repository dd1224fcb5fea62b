namespace Edge.Runtime.Backends.Cpu.Kernels;

/// <summary>What a <see cref="FloatActivation"/> does; Relu is Clip(0, +∞).</summary>
public enum FloatActivationKind
{
    None,
    Clip,
}
