using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Elementwise;

/// <summary>
/// Precomputed broadcast strides of several inputs against an output, walked run by run (a run is
/// the output's last axis) without allocating: for kernels whose inputs differ in element type
/// (Where, integer Pow), which <see cref="Broadcasting.Binary{T, TOp}"/> cannot take.
/// </summary>
internal sealed class BroadcastLayout
{
    private readonly int[] _outputDims;
    private readonly int[][] _strides;

    public BroadcastLayout(TensorShape output, params TensorShape[] inputs)
    {
        // A scalar output is one run of one element.
        _outputDims = output.Rank == 0 ? [1] : output.ToArray();
        var outputShape = new TensorShape(_outputDims);
        _strides = inputs.Select(s => Broadcasting.Strides(s, outputShape)).ToArray();
        RunLength = _outputDims[^1];
        Runs = RunLength == 0 ? 0 : output.ElementCount / RunLength;
        InnerSteps = _strides.Select(s => s[^1]).ToArray();
    }

    public int Rank => _outputDims.Length;

    /// <summary>Elements per run.</summary>
    public int RunLength { get; }

    /// <summary>Number of runs.</summary>
    public int Runs { get; }

    /// <summary>Per input: how far it moves per element within a run (0 when broadcast along the last axis).</summary>
    public int[] InnerSteps { get; }

    /// <summary>Moves <paramref name="offsets"/> (each input's start, initially 0) to the next run; <paramref name="index"/> holds Rank zeros at first.</summary>
    public void Advance(Span<int> index, Span<int> offsets)
    {
        for (int d = Rank - 2; d >= 0; d--)
        {
            index[d]++;
            for (int k = 0; k < _strides.Length; k++)
                offsets[k] += _strides[k][d];
            if (index[d] < _outputDims[d])
                return;
            for (int k = 0; k < _strides.Length; k++)
                offsets[k] -= _strides[k][d] * index[d];
            index[d] = 0;
        }
    }
}
