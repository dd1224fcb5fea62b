namespace Edge.Runtime.Operators.Recurrent;

/// <summary>GRU (ai.onnx 7/14 semantics): one layer, forward, reverse or bidirectional, with clip and linear_before_reset.</summary>
public sealed class GruOperator : Operator
{
    private static readonly string[] InputNames = ["X", "W", "R", "B", "sequence_lens", "initial_h"];

    private static readonly RecurrentActivation[] DefaultActivations = [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh];

    public override string OpType => "GRU";

    public override string TypeConstraints => "float (sequence_lens int32)";

    public override void InferOutputs(NodeContext context)
    {
        var spec = Read(context, out _, out _);
        spec.SetOutputs(context, 1);
    }

    public override Kernel CreateKernel(NodeContext context)
    {
        var spec = Read(context, out var activations, out bool linearBeforeReset);
        return new GruKernel(spec, context, activations, linearBeforeReset);
    }

    public override long CountOperations(NodeContext context) => Read(context, out _, out _).CountOperations(5);

    private static RecurrentSpec Read(NodeContext context, out RecurrentActivation[] activations, out bool linearBeforeReset)
    {
        var spec = RecurrentSpec.Read(context, 3, InputNames);
        activations = RecurrentActivation.Parse(context, spec.Directions, DefaultActivations);
        linearBeforeReset = context.Attributes.GetInt("linear_before_reset", 0) != 0;
        return spec;
    }

    private sealed class GruKernel(RecurrentSpec spec, NodeContext context, RecurrentActivation[] activations, bool linearBeforeReset)
        : RecurrentKernel(spec, context, hasCellOutput: false, linearBeforeReset ? [spec.GateWidth] : [2 * spec.HiddenSize, spec.HiddenSize])
    {
        protected override bool FillBiases(ReadOnlySpan<float> bias, Span<float> inputBias, Span<float> recurrentBias)
        {
            int hidden = Spec.HiddenSize, width = Spec.GateWidth;
            if (bias.IsEmpty)
            {
                inputBias.Clear();
                return false;
            }
            bias[..width].CopyTo(inputBias);
            var recurrent = bias.Slice(width, width);
            if (!linearBeforeReset)
            {
                // Rbh sits outside r ⊙ (…) here, so every recurrent bias folds into the projection.
                RecurrentVectorOps.Add(inputBias, recurrent);
                return false;
            }
            RecurrentVectorOps.Add(inputBias[..(2 * hidden)], recurrent[..(2 * hidden)]);
            recurrentBias[..(2 * hidden)].Clear();
            recurrent.Slice(2 * hidden, hidden).CopyTo(recurrentBias.Slice(2 * hidden, hidden));
            return true;
        }

        protected override void RunDirection(ref RecurrentDirectionRun run, KernelContext context)
        {
            int hidden = Spec.HiddenSize, width = Spec.GateWidth, batch = Spec.Batch;
            ref readonly var f = ref activations[run.Direction * 2];
            ref readonly var g = ref activations[run.Direction * 2 + 1];
            float? clip = Spec.Clip;

            for (int step = 0; step < Spec.SequenceLength; step++)
            {
                if (linearBeforeReset)
                    RecurrentMatMul.Multiply(run.Hidden, hidden, run.RecurrentWeights, run.Gates, width, batch, width, hidden, run.RecurrentBias);
                else
                    RecurrentMatMul.Multiply(run.Hidden, hidden, run.RecurrentWeights[..(2 * hidden * hidden)], run.Gates, width, batch, 2 * hidden, hidden, default);

                for (int n = 0; n < batch; n++)
                {
                    int time = TimeAt(run, n, step);
                    if (time < 0)
                        continue;
                    var projected = ProjectionRow(run, time, n);
                    var gates = run.Gates.Slice(n * width, width);
                    // ONNX gate order within a block: update (z), reset (r), hidden (h).
                    var update = gates[..hidden];
                    var reset = gates.Slice(hidden, hidden);
                    RecurrentVectorOps.Add(update, projected[..hidden]);
                    Activate(f, update, clip);
                    RecurrentVectorOps.Add(reset, projected.Slice(hidden, hidden));
                    Activate(f, reset, clip);
                    if (linearBeforeReset)
                        FinishStep(run, n, time, projected, gates, g, clip);
                    else
                        RecurrentVectorOps.Multiply(run.Cell.Slice(n * hidden, hidden), reset, run.Hidden.Slice(n * hidden, hidden));
                }

                if (linearBeforeReset)
                    continue;
                // (r ⊙ h)·Rhᵀ for every batch row at once, then the candidate gates.
                RecurrentMatMul.Multiply(run.Cell, hidden, run.RecurrentWeights[(2 * hidden * hidden)..], run.Gates[(2 * hidden)..], width, batch, hidden, hidden, default);
                for (int n = 0; n < batch; n++)
                {
                    int time = TimeAt(run, n, step);
                    if (time >= 0)
                        FinishStep(run, n, time, ProjectionRow(run, time, n), run.Gates.Slice(n * width, width), g, clip);
                }
            }
        }

        /// <summary>
        /// Candidate and state update for batch row <paramref name="n"/>, given activated z and r and, in the
        /// hidden block, (r ⊙ h)·Rhᵀ (or h·Rhᵀ + Rbh with linear_before_reset, still to be scaled by r).
        /// </summary>
        private void FinishStep(in RecurrentDirectionRun run, int n, int time, ReadOnlySpan<float> projected, Span<float> gates, in RecurrentActivation g, float? clip)
        {
            int hidden = Spec.HiddenSize;
            var candidate = gates.Slice(2 * hidden, hidden);
            if (linearBeforeReset)
                RecurrentVectorOps.Multiply(candidate, gates.Slice(hidden, hidden), candidate);
            RecurrentVectorOps.Add(candidate, projected.Slice(2 * hidden, hidden));
            Activate(g, candidate, clip);
            RecurrentVectorOps.Interpolate(run.Hidden.Slice(n * hidden, hidden), gates[..hidden], candidate);
            StoreOutput(run, time, n);
        }

        private static void Activate(in RecurrentActivation activation, Span<float> values, float? clip)
        {
            if (clip is { } limit)
                RecurrentActivations.Clip(values, limit);
            RecurrentActivations.Apply(activation, values);
        }
    }
}
