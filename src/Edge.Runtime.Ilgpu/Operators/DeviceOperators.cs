using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>The operators the ILGPU backends run, registered one line each.</summary>
internal static class DeviceOperators
{
    private static readonly Dictionary<(string Domain, string OpType), DeviceOperator> Registry = Create();

    public static IEnumerable<DeviceOperator> All => Registry.Values;

    public static DeviceOperator? Find(Operator op) => Registry.GetValueOrDefault((op.Domain, op.OpType));

    private static Dictionary<(string, string), DeviceOperator> Create()
    {
        var registry = new Dictionary<(string, string), DeviceOperator>();
        void Add(DeviceOperator op) => registry.Add((op.Domain, op.OpType), op);

        // Quantization
        Add(new QuantizeLinearDevice());
        Add(new DequantizeLinearDevice());
        Add(new DynamicQuantizeLinearDevice());
        Add(new MatMulIntegerDevice());
        Add(new MatMulIntegerToFloatDevice());
        Add(new QLinearMatMulDevice());
        Add(new QGemmDevice());
        Add(new QLinearConvDevice());

        // NN
        Add(new MaxPoolDevice());

        // Element-wise
        Add(new ReluDevice());

        // Layout: views over the same device bytes
        Add(new ViewDevice("Reshape"));
        Add(new ViewDevice("Flatten"));
        Add(new ViewDevice("Squeeze"));
        Add(new ViewDevice("Unsqueeze"));
        return registry;
    }
}
