using Edge.Runtime.Tensors;

namespace Edge.Runtime.Operators.Recurrent;

/// <summary>
/// What LSTM and GRU share: attributes (hidden_size, direction, layout, clip, activations), input shape checks
/// and the index arithmetic of the two layouts. Input slots: X, W, R, B, sequence_lens, initial_h, then op-specific.
/// </summary>
internal sealed class RecurrentSpec
{
    private RecurrentSpec(NodeContext context, int gates)
    {
        Description = context.Node.Describe();
        Gates = gates;
    }

    /// <summary>"node '…' (LSTM, opset 14)", for errors raised while executing.</summary>
    public string Description { get; }

    public int Gates { get; }

    public int SequenceLength { get; private set; }

    public int Batch { get; private set; }

    public int InputSize { get; private set; }

    public int HiddenSize { get; private set; }

    public RecurrentDirection Direction { get; private set; }

    public int Directions => Direction == RecurrentDirection.Bidirectional ? 2 : 1;

    /// <summary>0: X is [seq, batch, input]; 1: X is [batch, seq, input] (and the outputs follow).</summary>
    public int Layout { get; private set; }

    /// <summary>Bound applied to every activation input, or null.</summary>
    public float? Clip { get; private set; }

    /// <summary>Width of one direction's gate block: gates × hidden_size.</summary>
    public int GateWidth => Gates * HiddenSize;

    /// <summary>Reads and validates everything shared; <paramref name="inputNames"/> names the op's inputs in order.</summary>
    public static RecurrentSpec Read(NodeContext context, int gates, string[] inputNames)
    {
        context.RequireInputs(3, inputNames.Length);
        var spec = new RecurrentSpec(context, gates);
        for (int i = 0; i < context.InputCount; i++)
        {
            if (!context.HasInput(i))
                continue;
            if (i == 4)
                context.RequireType(i, DataType.Int32);
            else
                context.RequireType(i, DataType.Float32);
        }

        string direction = context.Attributes.GetString("direction", "forward");
        spec.Direction = direction switch
        {
            "forward" => RecurrentDirection.Forward,
            "reverse" => RecurrentDirection.Reverse,
            "bidirectional" => RecurrentDirection.Bidirectional,
            _ => throw context.Fail($"attribute 'direction' is '{direction}'; expected forward, reverse or bidirectional"),
        };
        long layout = context.Attributes.GetInt("layout", 0);
        if (layout is not (0 or 1))
            throw context.Fail($"attribute 'layout' is {layout}; expected 0 or 1");
        spec.Layout = (int)layout;
        if (context.Attributes.Contains("clip"))
        {
            float clip = context.Attributes.GetFloat("clip", 0f);
            if (!(clip > 0f))
                throw context.Fail($"attribute 'clip' is {clip}; it must be positive");
            spec.Clip = clip;
        }

        var x = context.InputShape(0);
        if (x.Rank != 3)
            throw context.Fail($"input 0 ({inputNames[0]}) has shape {x}; expected rank 3 ({(spec.Layout == 0 ? "[seq_length, batch_size, input_size]" : "[batch_size, seq_length, input_size]")})");
        spec.SequenceLength = spec.Layout == 0 ? x[0] : x[1];
        spec.Batch = spec.Layout == 0 ? x[1] : x[0];
        spec.InputSize = x[2];

        var r = context.InputShape(2);
        long hidden = context.Attributes.GetInt("hidden_size", r.Rank == 3 ? r[2] : 0);
        if (hidden <= 0 || hidden > 1 << 20)
            throw context.Fail($"attribute 'hidden_size' is {hidden}; it must be positive");
        spec.HiddenSize = (int)hidden;

        int d = spec.Directions, g = spec.GateWidth;
        spec.RequireShape(context, 1, inputNames, [d, g, spec.InputSize]);
        spec.RequireShape(context, 2, inputNames, [d, g, spec.HiddenSize]);
        spec.RequireShape(context, 3, inputNames, [d, 2 * g]);
        spec.RequireShape(context, 4, inputNames, [spec.Batch]);
        spec.RequireShape(context, 5, inputNames, spec.StateShape());
        return spec;
    }

    /// <summary>Fails unless optional input <paramref name="index"/> is absent or has exactly <paramref name="dims"/>.</summary>
    public void RequireShape(NodeContext context, int index, string[] inputNames, int[] dims)
    {
        if (!context.HasInput(index))
            return;
        var shape = context.InputShape(index);
        if (!shape.Dims.SequenceEqual(dims))
            throw context.Fail($"input {index} ({inputNames[index]}) has shape {shape}; expected {new TensorShape(dims)} (num_directions {Directions}, hidden_size {HiddenSize}, {Gates} gates, input_size {InputSize}, batch {Batch}, layout {Layout})");
    }

    /// <summary>Shape of initial_h, initial_c, Y_h and Y_c.</summary>
    public int[] StateShape() => Layout == 0 ? [Directions, Batch, HiddenSize] : [Batch, Directions, HiddenSize];

    /// <summary>Shape of Y.</summary>
    public int[] OutputShape() => Layout == 0
        ? [SequenceLength, Directions, Batch, HiddenSize]
        : [Batch, SequenceLength, Directions, HiddenSize];

    /// <summary>Element offset of (direction, batch) in a state tensor (initial_h, Y_h, …).</summary>
    public int StateOffset(int direction, int batch) =>
        (Layout == 0 ? direction * Batch + batch : batch * Directions + direction) * HiddenSize;

    /// <summary>Element offset of (time, direction, batch) in Y.</summary>
    public int OutputOffset(int time, int direction, int batch) =>
        (Layout == 0 ? (time * Directions + direction) * Batch + batch : (batch * SequenceLength + time) * Directions + direction) * HiddenSize;

    /// <summary>Row of X (each row input_size long) holding (time, batch).</summary>
    public int InputRow(int time, int batch) => Layout == 0 ? time * Batch + batch : batch * SequenceLength + time;

    /// <summary>Sets Y (output 0) and the state outputs listed in <paramref name="stateOutputs"/>.</summary>
    public void SetOutputs(NodeContext context, int stateOutputs)
    {
        context.SetOutput(0, DataType.Float32, new TensorShape(OutputShape()));
        for (int i = 1; i <= stateOutputs; i++)
            context.SetOutput(i, DataType.Float32, new TensorShape(StateShape()));
    }

    /// <summary>Multiply-adds of both projections over the whole sequence, plus the gate arithmetic.</summary>
    public long CountOperations(int elementwisePerGate) =>
        (long)Directions * SequenceLength * Batch * (2L * GateWidth * (InputSize + HiddenSize) + (long)elementwisePerGate * GateWidth);
}
