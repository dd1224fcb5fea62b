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
        Add(new QLinearAddDevice());
        Add(new ConvIntegerDevice());

        // NN
        Add(new MaxPoolDevice());
        Add(new MatMulFloatDevice());
        Add(new SoftmaxDevice());
        Add(new LayerNormalizationDevice());
        Add(new GlobalAveragePoolDevice());

        // Reduction
        Add(new ReduceMeanDevice());

        // Element-wise
        Add(new ReluDevice());
        Add(new BinaryFloatDevice("Add", 0));
        Add(new BinaryFloatDevice("Sub", 1));
        Add(new BinaryFloatDevice("Mul", 2));
        Add(new BinaryFloatDevice("Div", 3));
        Add(new ErfDevice());
        Add(new GeluDevice());

        // Layout
        Add(new TransposeDevice());

        // Layout: views over the same device bytes
        Add(new ViewDevice("Reshape"));
        Add(new ViewDevice("Flatten"));
        Add(new ViewDevice("Squeeze"));
        Add(new ViewDevice("Unsqueeze"));
        return registry;
    }
}
