using System.Runtime.InteropServices;

namespace Edge.Runtime.Operators.Recurrent;

/// <summary>
/// The direction loop LSTM and GRU share: packs weights (at plan time when constant), projects the whole input
/// sequence with one matrix multiply per direction, loads the initial state, zeroes Y past each sequence's
/// length, hands the time loop to the op, then writes the final states.
/// </summary>
internal abstract class RecurrentKernel : Kernel
{
    private readonly float[]? _packedInputWeights;
    private readonly float[]? _packedRecurrentWeights;
    private readonly bool _hasY;
    private readonly bool _hasYh;
    private readonly bool _hasYc;
    private readonly int[] _recurrentSegments;

    /// <param name="recurrentSegments">
    /// How R's gate rows split into separately packed matrices (their sum is the gate width), for ops that multiply
    /// h by some gates' weights before others'.
    /// </param>
    protected RecurrentKernel(RecurrentSpec spec, NodeContext context, bool hasCellOutput, int[] recurrentSegments)
    {
        Spec = spec;
        _recurrentSegments = recurrentSegments;
        _hasY = context.HasOutput(0);
        _hasYh = context.HasOutput(1);
        _hasYc = hasCellOutput && context.HasOutput(2);
        if (context.InputValue(1) is { } w)
            _packedInputWeights = PackAll(w.AsSpan<float>(), spec.Directions, [spec.GateWidth], spec.InputSize);
        if (context.InputValue(2) is { } r)
            _packedRecurrentWeights = PackAll(r.AsSpan<float>(), spec.Directions, recurrentSegments, spec.HiddenSize);
    }

    protected RecurrentSpec Spec { get; }

    private int PackedInputFloats => _packedInputWeights is null ? Spec.InputSize * Spec.GateWidth : 0;

    private int PackedRecurrentFloats => _packedRecurrentWeights is null ? Spec.HiddenSize * Spec.GateWidth : 0;

    private int ProjectionFloats => Spec.SequenceLength * Spec.Batch * Spec.GateWidth;

    private int StateFloats => Spec.Batch * Spec.HiddenSize;

    public override int WorkspaceBytes =>
        checked((PackedInputFloats + PackedRecurrentFloats + 2 * Spec.GateWidth + ProjectionFloats + Spec.Batch * Spec.GateWidth + 2 * StateFloats) * sizeof(float));

    public sealed override void Execute(KernelContext context)
    {
        var spec = Spec;
        int gateWidth = spec.GateWidth, hidden = spec.HiddenSize, batch = spec.Batch, steps = spec.SequenceLength;
        var x = context.Input(0).AsSpan<float>();
        var w = context.Input(1).AsSpan<float>();
        var r = context.Input(2).AsSpan<float>();
        var bias = context.OptionalInput(3) is { } b ? b.AsSpan<float>() : default;
        var lengths = context.OptionalInput(4) is { } l ? l.AsSpan<int>() : default;
        var initialHidden = context.OptionalInput(5) is { } h0 ? h0.AsSpan<float>() : default;
        var initialCell = InitialCell(context);
        var y = _hasY ? context.Output(0).AsSpan<float>() : default;
        var finalHidden = _hasYh ? context.Output(1).AsSpan<float>() : default;
        var finalCell = _hasYc ? context.Output(2).AsSpan<float>() : default;
        for (int n = 0; n < lengths.Length; n++)
            if ((uint)lengths[n] > (uint)steps)
                throw new ModelException($"{spec.Description}: sequence_lens[{n}] is {lengths[n]}; it must be between 0 and seq_length {steps}");

        var workspace = MemoryMarshal.Cast<byte, float>(context.Workspace.AsSpan(0, WorkspaceBytes));
        var packedW = Take(ref workspace, PackedInputFloats);
        var packedR = Take(ref workspace, PackedRecurrentFloats);
        var inputBias = Take(ref workspace, gateWidth);
        var recurrentBias = Take(ref workspace, gateWidth);
        var projection = Take(ref workspace, ProjectionFloats);
        var gates = Take(ref workspace, batch * gateWidth);
        var hiddenState = Take(ref workspace, StateFloats);
        var cellState = Take(ref workspace, StateFloats);

        for (int d = 0; d < spec.Directions; d++)
        {
            ReadOnlySpan<float> wT = _packedInputWeights is { } pw
                ? pw.AsSpan(d * spec.InputSize * gateWidth, spec.InputSize * gateWidth)
                : Pack(w.Slice(d * gateWidth * spec.InputSize, gateWidth * spec.InputSize), [gateWidth], spec.InputSize, packedW);
            ReadOnlySpan<float> rT = _packedRecurrentWeights is { } pr
                ? pr.AsSpan(d * hidden * gateWidth, hidden * gateWidth)
                : Pack(r.Slice(d * gateWidth * hidden, gateWidth * hidden), _recurrentSegments, hidden, packedR);
            bool hasRecurrentBias = FillBiases(bias.IsEmpty ? default : bias.Slice(d * 2 * gateWidth, 2 * gateWidth), inputBias, recurrentBias);

            RecurrentMatMul.Multiply(x, spec.InputSize, wT, projection, gateWidth, steps * batch, gateWidth, spec.InputSize, inputBias);

            for (int n = 0; n < batch; n++)
            {
                var hRow = hiddenState.Slice(n * hidden, hidden);
                if (initialHidden.IsEmpty)
                    hRow.Clear();
                else
                    initialHidden.Slice(spec.StateOffset(d, n), hidden).CopyTo(hRow);
                var cRow = cellState.Slice(n * hidden, hidden);
                if (initialCell.IsEmpty)
                    cRow.Clear();
                else
                    initialCell.Slice(spec.StateOffset(d, n), hidden).CopyTo(cRow);
                if (!y.IsEmpty)
                    for (int t = lengths.IsEmpty ? steps : lengths[n]; t < steps; t++)
                        y.Slice(spec.OutputOffset(t, d, n), hidden).Clear();
            }

            var run = new RecurrentDirectionRun
            {
                Direction = d,
                Reverse = spec.Direction == RecurrentDirection.Reverse || d == 1,
                FirstRow = 0,
                Rows = batch,
                Projection = projection,
                RecurrentWeights = rT,
                RecurrentBias = hasRecurrentBias ? recurrentBias : default,
                Gates = gates,
                Hidden = hiddenState,
                Cell = cellState,
                Lengths = lengths,
                Output = y,
            };
            if (SplitsRows && context.Parallel.Threads > 1 && batch > 1 && (long)batch * steps * gateWidth * (hidden + 8) >= MinSplitWork)
                RunRowsInParallel(ref run, context);
            else
                RunDirection(ref run, context);

            for (int n = 0; n < batch; n++)
            {
                // An empty sequence has no last step: its final states are zero, not the initial ones (as in ONNX Runtime).
                bool empty = !lengths.IsEmpty && lengths[n] == 0;
                if (!finalHidden.IsEmpty)
                    WriteState(hiddenState.Slice(n * hidden, hidden), finalHidden.Slice(spec.StateOffset(d, n), hidden), empty);
                if (!finalCell.IsEmpty)
                    WriteState(cellState.Slice(n * hidden, hidden), finalCell.Slice(spec.StateOffset(d, n), hidden), empty);
            }
        }
    }

    /// <summary>initial_c for LSTM; empty for ops without a cell state.</summary>
    protected virtual ReadOnlySpan<float> InitialCell(KernelContext context) => default;

    /// <summary>
    /// Whether <see cref="RunDirection"/> honours <see cref="RecurrentDirectionRun.FirstRow"/> and <see cref="RecurrentDirectionRun.Rows"/>,
    /// so that threads can each step a share of the batch through the whole sequence (one join per direction, not one per step).
    /// </summary>
    protected virtual bool SplitsRows => false;

    /// <summary>Multiply-adds (rows × steps × gates × (hidden + the gate math)) below which a second thread costs more than it saves.</summary>
    private const long MinSplitWork = 1L << 18;

    private unsafe void RunRowsInParallel(ref RecurrentDirectionRun run, KernelContext context)
    {
        fixed (float* projection = run.Projection, weights = run.RecurrentWeights, recurrentBias = run.RecurrentBias)
        fixed (float* gates = run.Gates, hidden = run.Hidden, cell = run.Cell, output = run.Output)
        fixed (int* lengths = run.Lengths)
        {
            var job = new RowSplitJob
            {
                Kernel = this, Context = context, Direction = run.Direction, Reverse = run.Reverse,
                Projection = projection, ProjectionLength = run.Projection.Length, Weights = weights, WeightsLength = run.RecurrentWeights.Length,
                RecurrentBias = recurrentBias, RecurrentBiasLength = run.RecurrentBias.Length, Gates = gates, GatesLength = run.Gates.Length,
                Hidden = hidden, HiddenLength = run.Hidden.Length, Cell = cell, CellLength = run.Cell.Length, Lengths = lengths, LengthsLength = run.Lengths.Length,
                Output = output, OutputLength = run.Output.Length,
            };
            // Whole groups of RecurrentMatMul's 4-row blocks per thread: a row it runs alone sums in another order, so
            // only the batch's last rows may fall outside a block, exactly as on one thread.
            context.Parallel.For((Spec.Batch + RowBlock - 1) / RowBlock, 1, in job, &RunRows);
        }
    }

    private const int RowBlock = 4;

    /// <summary>Steps row blocks [start, end) of the batch through the direction.</summary>
    private static unsafe void RunRows(in RowSplitJob job, int start, int end)
    {
        int first = start * RowBlock, last = Math.Min(job.Kernel.Spec.Batch, end * RowBlock);
        var run = new RecurrentDirectionRun
        {
            Direction = job.Direction, Reverse = job.Reverse, FirstRow = first, Rows = last - first,
            Projection = new ReadOnlySpan<float>(job.Projection, job.ProjectionLength), RecurrentWeights = new ReadOnlySpan<float>(job.Weights, job.WeightsLength),
            RecurrentBias = new ReadOnlySpan<float>(job.RecurrentBias, job.RecurrentBiasLength), Gates = new Span<float>(job.Gates, job.GatesLength),
            Hidden = new Span<float>(job.Hidden, job.HiddenLength), Cell = new Span<float>(job.Cell, job.CellLength),
            Lengths = new ReadOnlySpan<int>(job.Lengths, job.LengthsLength), Output = new Span<float>(job.Output, job.OutputLength),
        };
        job.Kernel.RunDirection(ref run, job.Context);
    }

    /// <summary>A direction's buffers as pointers (valid while <see cref="RunRowsInParallel"/> pins them), for the threads that split its rows.</summary>
    private unsafe struct RowSplitJob
    {
        public RecurrentKernel Kernel;
        public KernelContext Context;
        public int Direction;
        public bool Reverse;
        public float* Projection, Weights, RecurrentBias, Gates, Hidden, Cell, Output;
        public int* Lengths;
        public int ProjectionLength, WeightsLength, RecurrentBiasLength, GatesLength, HiddenLength, CellLength, OutputLength, LengthsLength;
    }

    /// <summary>
    /// Splits one direction's B (Wb then Rb, 2 × gate width; empty when absent) into the bias folded into the
    /// input projection and the one added to h·Rᵀ; returns whether the latter is used.
    /// </summary>
    protected abstract bool FillBiases(ReadOnlySpan<float> bias, Span<float> inputBias, Span<float> recurrentBias);

    /// <summary>Runs the time loop of one direction: updates run.Hidden (and run.Cell) and writes Y rows of active steps.</summary>
    protected abstract void RunDirection(ref RecurrentDirectionRun run, KernelContext context);

    /// <summary>The time step batch entry <paramref name="batch"/> processes at step <paramref name="step"/>, or −1 once its sequence has ended.</summary>
    protected int TimeAt(in RecurrentDirectionRun run, int batch, int step)
    {
        int length = run.Lengths.IsEmpty ? Spec.SequenceLength : run.Lengths[batch];
        if (step >= length)
            return -1;
        // Reverse runs over each sequence's own valid prefix, back to front, as ONNX Runtime does.
        return run.Reverse ? length - 1 - step : step;
    }

    /// <summary>Copies the new hidden row of <paramref name="batch"/> at <paramref name="time"/> into Y when present.</summary>
    protected void StoreOutput(in RecurrentDirectionRun run, int time, int batch)
    {
        if (!run.Output.IsEmpty)
            run.Hidden.Slice(batch * Spec.HiddenSize, Spec.HiddenSize).CopyTo(run.Output.Slice(Spec.OutputOffset(time, run.Direction, batch), Spec.HiddenSize));
    }

    /// <summary>The projection row (gate width long) of (time, batch).</summary>
    protected ReadOnlySpan<float> ProjectionRow(in RecurrentDirectionRun run, int time, int batch) =>
        run.Projection.Slice(Spec.InputRow(time, batch) * Spec.GateWidth, Spec.GateWidth);

    private static void WriteState(ReadOnlySpan<float> state, Span<float> output, bool empty)
    {
        if (empty)
            output.Clear();
        else
            state.CopyTo(output);
    }

    private static Span<float> Take(ref Span<float> workspace, int count)
    {
        var taken = workspace[..count];
        workspace = workspace[count..];
        return taken;
    }

    /// <summary>Packs one direction's ONNX weight ([rows, cols]) as consecutive matmul operands, one per row segment.</summary>
    private static Span<float> Pack(ReadOnlySpan<float> weights, int[] segments, int cols, Span<float> packed)
    {
        int offset = 0;
        foreach (int rows in segments)
        {
            RecurrentMatMul.Pack(weights.Slice(offset, rows * cols), rows, cols, packed.Slice(offset, rows * cols));
            offset += rows * cols;
        }
        return packed[..offset];
    }

    private static float[] PackAll(ReadOnlySpan<float> weights, int directions, int[] segments, int cols)
    {
        int size = segments.Sum() * cols;
        var packed = new float[directions * size];
        for (int d = 0; d < directions; d++)
            Pack(weights.Slice(d * size, size), segments, cols, packed.AsSpan(d * size, size));
        return packed;
    }
}
