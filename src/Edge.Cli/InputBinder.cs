using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Cli;

/// <summary>Binds <c>--input NAME=FILE.pb</c> arguments to a session's inputs.</summary>
public static class InputBinder
{
    public static Dictionary<string, Tensor> Bind(InferenceSession session, IReadOnlyList<string> specs)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < specs.Count; i++)
        {
            string spec = specs[i];
            int eq = spec.IndexOf('=');
            string name, file;
            if (eq > 0)
            {
                name = spec[..eq];
                file = spec[(eq + 1)..];
                if (!session.Inputs.Any(x => x.Name == name))
                    throw new CliException($"--input {spec}: the model has no input '{name}' (inputs: {string.Join(", ", session.Inputs.Select(x => x.Name))})");
            }
            else
            {
                if (i >= session.Inputs.Count)
                    throw new CliException($"--input {spec}: the model has only {session.Inputs.Count} inputs");
                name = session.Inputs[i].Name;
                file = spec;
            }
            if (!File.Exists(file))
                throw new CliException($"--input {spec}: file '{file}' not found");
            var proto = OnnxModelReader.ReadTensor(file);
            result[name] = TensorProtoConverter.ToTensor(proto, $"input '{name}' ({file})");
        }
        return result;
    }

    /// <summary>Deterministic random inputs at the model's declared shapes (symbolic dims become <paramref name="batch"/>).</summary>
    public static Dictionary<string, Tensor> Random(InferenceSession session, int batch, int seed = 1)
    {
        var random = new Random(seed);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in session.Inputs)
        {
            if (input.Dims is null)
                throw new CliException($"input '{input.Name}' has no declared shape; pass --input {input.Name}=FILE.pb");
            var shape = new TensorShape(input.Dims.Select(d => d ?? batch).ToArray());
            var tensor = Tensor.Allocate(input.Type, shape);
            switch (input.Type)
            {
                case DataType.Float32:
                    foreach (ref float v in tensor.AsSpan<float>()) v = (float)random.NextDouble();
                    break;
                case DataType.Bool:
                    foreach (ref bool v in tensor.AsSpan<bool>()) v = random.Next(2) == 1;
                    break;
                default:
                    random.NextBytes(tensor.Bytes);
                    if (input.Type is DataType.Int64 or DataType.Int32)
                        tensor.Bytes.Clear(); // indices: zeros are always in range
                    break;
            }
            result[input.Name] = tensor;
        }
        return result;
    }
}
