using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Benchmarks;

/// <summary>Edge with inputs as tensors in the session's input order and output tensors reused across runs.</summary>
internal sealed class EdgeEngine : IEngine
{
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _outputs;

    public EdgeEngine(string modelPath, int threads, IReadOnlyList<BenchInput> inputs)
    {
        Session = InferenceSession.Load(modelPath, new SessionOptions { Threads = threads });
        _inputs = Session.Inputs
            .Select(i => inputs.FirstOrDefault(b => b.Name == i.Name) ?? throw new InvalidOperationException($"no data for Edge input '{i.Name}'"))
            .Select(ToTensor)
            .ToArray();
        _outputs = new Tensor[Session.Outputs.Count];
        // The first run plans for these shapes and allocates the outputs that later runs overwrite.
        Session.Run(_inputs, _outputs);
    }

    public InferenceSession Session { get; }

    public void Run() => Session.Run(_inputs, _outputs);

    public IReadOnlyList<BenchOutput> ReadOutputs() =>
        _outputs.Select((t, i) => new BenchOutput(Session.Outputs[i].Name, t.Type, t.Shape.ToArray(), t.ToDoubleArray())).ToList();

    /// <summary>Weight and activation bytes and operations of the plan the runs use.</summary>
    public (long WeightBytes, long ActivationBytes, long Operations) PlanFacts()
    {
        var plan = Session.GetPlan(_inputs.Select(t => (t.Type, t.Shape)).ToList());
        return (plan.WeightBytes, plan.ActivationBytes, plan.Operations);
    }

    public void Dispose()
    {
    }

    private static Tensor ToTensor(BenchInput input)
    {
        var shape = new TensorShape(input.Shape);
        return input.Data switch
        {
            float[] a => Tensor.FromArray<float>(shape, a),
            byte[] a => Tensor.FromArray<byte>(shape, a),
            sbyte[] a => Tensor.FromArray<sbyte>(shape, a),
            int[] a => Tensor.FromArray<int>(shape, a),
            long[] a => Tensor.FromArray<long>(shape, a),
            bool[] a => Tensor.FromArray<bool>(shape, a),
            _ => throw new NotSupportedException($"input '{input.Name}' has unsupported data {input.Data.GetType().Name}"),
        };
    }
}
