using Edge.Onnx;
using Edge.Runtime.Tensors;

namespace Edge.Benchmarks;

/// <summary>
/// Random inputs at a model's declared input shapes. The first symbolic dimension is the batch;
/// other symbolic dimensions are set to 1. Seeds are fixed so every engine and run sees the same data.
/// </summary>
internal static class InputFactory
{
    public static List<BenchInput> Create(string modelPath, int batch)
    {
        var graph = OnnxModelReader.ReadModel(modelPath).Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var rng = new Random(1234);
        var inputs = new List<BenchInput>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensorType = input.Type?.TensorType ?? throw new InvalidOperationException($"input '{input.Name}' is not a tensor");
            var dims = tensorType.Shape?.Dim ?? throw new InvalidOperationException($"input '{input.Name}' has no declared shape");
            var shape = new int[dims.Count];
            bool batchSet = false;
            for (int d = 0; d < dims.Count; d++)
            {
                if (dims[d].ValueCase == Edge.Onnx.Protos.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[d].DimValue > 0)
                    shape[d] = (int)dims[d].DimValue;
                else if (!batchSet)
                {
                    shape[d] = batch;
                    batchSet = true;
                }
                else
                    shape[d] = 1;
            }
            // A fixed-shape model can only be measured at the batch it declares.
            if (!batchSet && batch != 1 && (shape.Length == 0 || shape[0] != batch))
                throw new NotSupportedException($"fixed input shape [{string.Join(",", shape)}]");
            var type = (DataType)tensorType.ElemType;
            int count = shape.Aggregate(1, (a, b) => a * b);
            Array data = type switch
            {
                DataType.Float32 => RandomFloats(rng, count),
                DataType.UInt8 => Enumerable.Range(0, count).Select(_ => (byte)rng.Next(256)).ToArray(),
                DataType.Int8 => Enumerable.Range(0, count).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray(),
                DataType.Int32 => Enumerable.Range(0, count).Select(_ => rng.Next(0, 10)).ToArray(),
                DataType.Int64 => Enumerable.Range(0, count).Select(_ => (long)rng.Next(0, 10)).ToArray(),
                DataType.Bool => Enumerable.Range(0, count).Select(_ => rng.Next(2) == 1).ToArray(),
                _ => throw new NotSupportedException($"input '{input.Name}' has element type {tensorType.ElemType}"),
            };
            inputs.Add(new BenchInput(input.Name, type, shape, data));
        }
        return inputs;
    }

    /// <summary>Uniform in [-1, 1): also the calibration distribution of the quantised ResNets.</summary>
    public static float[] RandomFloats(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
