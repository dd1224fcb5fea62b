using Edge.Runtime.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Edge.Benchmarks;

/// <summary>
/// ONNX Runtime with inputs and outputs pre-bound as OrtValues over pinned arrays, so a timed run
/// allocates nothing on either side of the interop boundary — the same steady state Edge is given.
/// </summary>
internal sealed class OrtEngine : IEngine
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputs;

    public OrtEngine(string modelPath, int threads, IReadOnlyList<BenchInput> inputs)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(modelPath, _options);
        _inputNames = inputs.Select(i => i.Name).ToArray();
        _inputs = inputs.Select(CreateValue).ToArray();
        _outputNames = _session.OutputNames.ToArray();

        // One unbound run learns the output shapes; later runs write into preallocated OrtValues.
        using (var first = _session.Run(_runOptions, _inputNames, _inputs, _outputNames))
        {
            _outputs = first.Select(v =>
            {
                var info = v.GetTensorTypeAndShape();
                return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, info.Shape);
            }).ToArray();
        }
    }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public IReadOnlyList<BenchOutput> ReadOutputs()
    {
        var result = new List<BenchOutput>();
        for (int i = 0; i < _outputs.Length; i++)
        {
            var info = _outputs[i].GetTensorTypeAndShape();
            var shape = info.Shape.Select(d => (int)d).ToArray();
            var (type, values) = info.ElementDataType switch
            {
                TensorElementType.Float => (DataType.Float32, ToDoubles<float>(_outputs[i], v => v)),
                TensorElementType.UInt8 => (DataType.UInt8, ToDoubles<byte>(_outputs[i], v => v)),
                TensorElementType.Int8 => (DataType.Int8, ToDoubles<sbyte>(_outputs[i], v => v)),
                TensorElementType.Int32 => (DataType.Int32, ToDoubles<int>(_outputs[i], v => v)),
                TensorElementType.Int64 => (DataType.Int64, ToDoubles<long>(_outputs[i], v => v)),
                TensorElementType.Bool => (DataType.Bool, ToDoubles<bool>(_outputs[i], v => v ? 1 : 0)),
                var t => throw new NotSupportedException($"output '{_outputNames[i]}' has element type {t}"),
            };
            result.Add(new BenchOutput(_outputNames[i], type, shape, values));
        }
        return result;
    }

    /// <summary>Loads and runs a model once at batch 1 with ORT's defaults; throws if ORT rejects it.</summary>
    public static void Validate(string modelPath)
    {
        using var engine = new OrtEngine(modelPath, 1, InputFactory.Create(modelPath, 1));
        engine.Run();
    }

    public void Dispose()
    {
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }

    private static double[] ToDoubles<T>(OrtValue value, Func<T, double> convert) where T : unmanaged
    {
        var span = value.GetTensorDataAsSpan<T>();
        var result = new double[span.Length];
        for (int i = 0; i < span.Length; i++)
            result[i] = convert(span[i]);
        return result;
    }

    private static OrtValue CreateValue(BenchInput input) => input.Data switch
    {
        float[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        byte[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        int[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        long[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        bool[] a => OrtValue.CreateTensorValueFromMemory(a, input.LongShape),
        _ => throw new NotSupportedException($"input '{input.Name}' has unsupported data {input.Data.GetType().Name}"),
    };
}
