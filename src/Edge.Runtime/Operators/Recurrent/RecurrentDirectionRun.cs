namespace Edge.Runtime.Operators.Recurrent;

/// <summary>The buffers one direction of a recurrent op runs over; spans into the inputs, outputs and workspace.</summary>
internal ref struct RecurrentDirectionRun
{
    public int Direction;

    public bool Reverse;

    /// <summary>The batch rows this run steps: all of them, or one thread's share when the rows are split.</summary>
    public int FirstRow, Rows;

    /// <summary>X·Wᵀ + input-side biases for every (time, batch), in X's row order, gate width wide.</summary>
    public ReadOnlySpan<float> Projection;

    /// <summary>Rᵀ packed for <see cref="RecurrentMatMul"/>, one operand per segment the op asked for.</summary>
    public ReadOnlySpan<float> RecurrentWeights;

    /// <summary>Bias added to h·Rᵀ itself (GRU with linear_before_reset), gate width long; empty when none.</summary>
    public ReadOnlySpan<float> RecurrentBias;

    /// <summary>Scratch [batch, gates × hidden] for h·Rᵀ and the activated gates.</summary>
    public Span<float> Gates;

    /// <summary>Hidden state [batch, hidden].</summary>
    public Span<float> Hidden;

    /// <summary>Second [batch, hidden] buffer: LSTM's cell state, GRU's r ⊙ h.</summary>
    public Span<float> Cell;

    /// <summary>sequence_lens, or empty when every sequence is full length.</summary>
    public ReadOnlySpan<int> Lengths;

    /// <summary>The Y output, or empty when the node does not produce it.</summary>
    public Span<float> Output;
}
