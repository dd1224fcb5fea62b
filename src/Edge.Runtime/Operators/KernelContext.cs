using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators;

/// <summary>What a kernel sees while executing: its input and output tensors, scratch space and threads.</summary>
public readonly struct KernelContext
{
    private readonly Tensor?[] _values;
    private readonly int[] _inputs;
    private readonly int[] _outputs;

    internal KernelContext(Tensor?[] values, int[] inputs, int[] outputs, byte[] workspace, ParallelRunner parallel)
    {
        _values = values;
        _inputs = inputs;
        _outputs = outputs;
        Workspace = workspace;
        Parallel = parallel;
    }

    /// <summary>Builds a context over explicit tensors (tests, constant folding).</summary>
    public static KernelContext ForTensors(Tensor?[] inputs, Tensor[] outputs, int workspaceBytes = 0, ParallelRunner? parallel = null)
    {
        var values = new Tensor?[inputs.Length + outputs.Length];
        inputs.CopyTo(values, 0);
        outputs.CopyTo(values, inputs.Length);
        return new KernelContext(
            values,
            Enumerable.Range(0, inputs.Length).ToArray(),
            Enumerable.Range(inputs.Length, outputs.Length).ToArray(),
            new byte[workspaceBytes],
            parallel ?? ParallelRunner.Sequential);
    }

    public int InputCount => _inputs.Length;

    public int OutputCount => _outputs.Length;

    /// <summary>Input <paramref name="index"/>; throws for an omitted optional input (use <see cref="OptionalInput"/>).</summary>
    public Tensor Input(int index) => _values[_inputs[index]] ?? throw new InvalidOperationException($"input {index} is not bound");

    /// <summary>Input <paramref name="index"/>, or null when omitted or beyond the node's inputs.</summary>
    public Tensor? OptionalInput(int index) => index < _inputs.Length && _inputs[index] >= 0 ? _values[_inputs[index]] : null;

    /// <summary>Output <paramref name="index"/>, already allocated at its planned shape.</summary>
    public Tensor Output(int index) => _values[_outputs[index]] ?? throw new InvalidOperationException($"output {index} is not bound");

    /// <summary>Scratch memory of at least <see cref="Kernel.WorkspaceBytes"/> bytes.</summary>
    public byte[] Workspace { get; }

    /// <summary>Intra-op parallelism for this session.</summary>
    public ParallelRunner Parallel { get; }
}
