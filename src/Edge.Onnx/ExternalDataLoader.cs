using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Onnx;

/// <summary>Moves tensors stored in external data files into <c>raw_data</c>, checking every location and range.</summary>
internal static class ExternalDataLoader
{
    public static void LoadAll(GraphProto graph, string sourceName, string? folder)
    {
        foreach (var tensor in graph.Initializer)
            Load(tensor, sourceName, folder);
        foreach (var node in graph.Node)
            foreach (var attribute in node.Attribute)
                if (attribute.T is { } t)
                    Load(t, sourceName, folder);
    }

    private static void Load(TensorProto tensor, string sourceName, string? folder)
    {
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
            return;
        string where = $"{sourceName}: initializer '{tensor.Name}'";
        if (folder is null)
            throw new OnnxFormatException($"{where} uses external data, which is not allowed for a model read from memory");

        string? location = null;
        long offset = 0, length = -1;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseLong(entry.Value, where, "offset"); break;
                case "length": length = ParseLong(entry.Value, where, "length"); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new OnnxFormatException($"{where}: external_data has no 'location'");

        // The ONNX spec requires locations relative to the model's folder; refusing anything that
        // escapes it keeps a pushed model from reading arbitrary files on the device.
        string root = Path.GetFullPath(folder);
        string full = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OnnxFormatException($"{where}: external data location '{location}' lies outside the model's folder");
        if (!File.Exists(full))
            throw new OnnxFormatException($"{where}: external data file '{location}' not found");

        using var stream = File.OpenRead(full);
        if (length < 0)
            length = stream.Length - offset;
        if (offset < 0 || length < 0 || offset + length > stream.Length)
            throw new OnnxFormatException($"{where}: external data range offset {offset} length {length} exceeds '{location}' ({stream.Length} bytes)");
        if (length > int.MaxValue)
            throw new OnnxFormatException($"{where}: external tensor of {length} bytes is larger than Edge supports (2 GiB)");

        var buffer = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        tensor.RawData = ByteString.CopyFrom(buffer);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
    }

    private static long ParseLong(string text, string where, string key) =>
        long.TryParse(text, out long value)
            ? value
            : throw new OnnxFormatException($"{where}: external_data '{key}' is not an integer: '{text}'");
}
