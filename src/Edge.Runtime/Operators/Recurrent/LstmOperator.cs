namespace Edge.Runtime.Operators.Recurrent;

/// <summary>LSTM (ai.onnx 7/14 semantics): one layer, forward, reverse or bidirectional, with optional peepholes, clip and coupled input/forget gates.</summary>
public sealed class LstmOperator : Operator
{
    private static readonly string[] InputNames = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"];

    private static readonly RecurrentActivation[] DefaultActivations = [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh, RecurrentActivation.Tanh];

    public override string OpType => "LSTM";

    public override string TypeConstraints => "float (sequence_lens int32)";

    public override void InferOutputs(NodeContext context)
    {
        var spec = Read(context, out _, out _);
        spec.SetOutputs(context, 2);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var spec = Read(context, out var activations, out bool inputForget);
        return new LstmKernel(spec, context, activations, inputForget);
    }

    public override long CountOperations(NodeContext context) => Read(context, out _, out _).CountOperations(6);

    private static RecurrentSpec Read(NodeContext context, out RecurrentActivation[] activations, out bool inputForget)
    {
        var spec = RecurrentSpec.Read(context, 4, InputNames);
        spec.RequireShape(context, 6, InputNames, spec.StateShape());
        spec.RequireShape(context, 7, InputNames, [spec.Directions, 3 * spec.HiddenSize]);
        activations = RecurrentActivation.Parse(context, spec.Directions, DefaultActivations);
        long coupled = context.Attributes.GetInt("input_forget", 0);
        if (coupled is not (0 or 1))
            throw context.Fail($"attribute 'input_forget' is {coupled}; expected 0 or 1");
        inputForget = coupled == 1;
        return spec;
    }

    private sealed class LstmKernel(RecurrentSpec spec, NodeContext context, RecurrentActivation[] activations, bool inputForget)
        : RecurrentKernel(spec, context, hasCellOutput: true, [spec.GateWidth])
    {
        // Every batch row steps on its own (h·Rᵀ row by row, gates per row).
        protected override bool SplitsRows => true;

        protected override ReadOnlySpan<float> InitialCell(KernelContext context) =>
            context.OptionalInput(6) is { } c0 ? c0.AsSpan<float>() : default;

        protected override bool FillBiases(ReadOnlySpan<float> bias, Span<float> inputBias, Span<float> recurrentBias)
        {
            // Wb and Rb are both constant per step, so both fold into the projection.
            if (bias.IsEmpty)
            {
                inputBias.Clear();
                return false;
            }
            int width = inputBias.Length;
            bias[..width].CopyTo(inputBias);
            RecurrentVectorOps.Add(inputBias, bias.Slice(width, width));
            return false;
        }

        protected override void RunDirection(ref RecurrentDirectionRun run, KernelContext context)
        {
            int hidden = Spec.HiddenSize, width = Spec.GateWidth;
            var peepholes = context.OptionalInput(7) is { } p ? p.AsSpan<float>().Slice(run.Direction * 3 * hidden, 3 * hidden) : default;
            ref readonly var f = ref activations[run.Direction * 3];
            ref readonly var g = ref activations[run.Direction * 3 + 1];
            ref readonly var h = ref activations[run.Direction * 3 + 2];
            float? clip = Spec.Clip;

            int first = run.FirstRow, end = run.FirstRow + run.Rows;
            for (int step = 0; step < Spec.SequenceLength; step++)
            {
                RecurrentMatMul.Multiply(run.Hidden[(first * hidden)..], hidden, run.RecurrentWeights, run.Gates[(first * width)..], width, run.Rows, width, hidden, default);
                for (int n = first; n < end; n++)
                {
                    int time = TimeAt(run, n, step);
                    if (time < 0)
                        continue;
                    var projected = ProjectionRow(run, time, n);
                    var gates = run.Gates.Slice(n * width, width);
                    // ONNX gate order within a block: input, output, forget, cell.
                    var input = gates[..hidden];
                    var output = gates.Slice(hidden, hidden);
                    var forget = gates.Slice(2 * hidden, hidden);
                    var candidate = gates.Slice(3 * hidden, hidden);
                    var cell = run.Cell.Slice(n * hidden, hidden);

                    RecurrentVectorOps.Add(input, projected[..hidden]);
                    if (!peepholes.IsEmpty)
                        RecurrentVectorOps.MultiplyAdd(input, peepholes[..hidden], cell);
                    Activate(f, input, clip);

                    if (inputForget)
                    {
                        RecurrentVectorOps.OneMinus(forget, input);
                    }
                    else
                    {
                        RecurrentVectorOps.Add(forget, projected.Slice(2 * hidden, hidden));
                        if (!peepholes.IsEmpty)
                            RecurrentVectorOps.MultiplyAdd(forget, peepholes.Slice(2 * hidden, hidden), cell);
                        Activate(f, forget, clip);
                    }

                    RecurrentVectorOps.Add(candidate, projected.Slice(3 * hidden, hidden));
                    Activate(g, candidate, clip);
                    RecurrentVectorOps.UpdateCell(cell, forget, input, candidate);

                    RecurrentVectorOps.Add(output, projected.Slice(hidden, hidden));
                    if (!peepholes.IsEmpty)
                        RecurrentVectorOps.MultiplyAdd(output, peepholes.Slice(hidden, hidden), cell);
                    Activate(f, output, clip);

                    // h(C) is not clipped: clip bounds gate inputs only, as in ONNX Runtime.
                    cell.CopyTo(candidate);
                    RecurrentActivations.Apply(h, candidate);
                    RecurrentVectorOps.Multiply(run.Hidden.Slice(n * hidden, hidden), output, candidate);
                    StoreOutput(run, time, n);
                }
            }
        }

        private static void Activate(in RecurrentActivation activation, Span<float> values, float? clip)
        {
            if (clip is { } limit)
                RecurrentActivations.Clip(values, limit);
            RecurrentActivations.Apply(activation, values);
        }
    }
}
