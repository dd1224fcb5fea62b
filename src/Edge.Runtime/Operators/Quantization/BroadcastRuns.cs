using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>
/// A binary op's broadcast iteration precomputed at prepare time: runs along the output's last axis
/// with each input's start offset and step (0 for a broadcast value, 1 for contiguous), so Execute
/// walks plain arrays and allocates nothing.
/// </summary>
internal sealed class BroadcastRuns
{
    private BroadcastRuns(int[] starts, int[] aOffsets, int[] bOffsets, int length, int aStep, int bStep)
    {
        Starts = starts;
        AOffsets = aOffsets;
        BOffsets = bOffsets;
        Length = length;
        AStep = aStep;
        BStep = bStep;
    }

    public int[] Starts { get; }

    public int[] AOffsets { get; }

    public int[] BOffsets { get; }

    /// <summary>Elements per run.</summary>
    public int Length { get; }

    public int AStep { get; }

    public int BStep { get; }

    public static BroadcastRuns Create(TensorShape a, TensorShape b, TensorShape output)
    {
        if (a.ElementCount == output.ElementCount && b.ElementCount == output.ElementCount)
            return new BroadcastRuns([0], [0], [0], output.ElementCount, 1, 1);
        if (b.ElementCount == 1)
            return new BroadcastRuns([0], [0], [0], output.ElementCount, 1, 0);
        if (a.ElementCount == 1)
            return new BroadcastRuns([0], [0], [0], output.ElementCount, 0, 1);
        var starts = new List<int>();
        var aOffsets = new List<int>();
        var bOffsets = new List<int>();
        var steps = new int[2];
        Broadcasting.ForEachRun(output, [a, b], steps, (start, count, offsets) =>
        {
            starts.Add(start);
            aOffsets.Add(offsets[0]);
            bOffsets.Add(offsets[1]);
        });
        int length = output.Rank == 0 ? 1 : output[output.Rank - 1];
        return new BroadcastRuns([.. starts], [.. aOffsets], [.. bOffsets], length, steps[0], steps[1]);
    }
}
