using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Onnx;

/// <summary>Parses ONNX model and tensor files, resolving external data, with errors that name the file and field.</summary>
public static class OnnxModelReader
{
    // Deep enough for any real graph nesting (If/Loop bodies), shallow enough that a hostile file
    // cannot exhaust the stack.
    private const int RecursionLimit = 100;

    /// <summary>Reads a model from a file; external data files are resolved relative to its folder.</summary>
    public static ModelProto ReadModel(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{path}: cannot read model file: {e.Message}", e);
        }
        return ReadModel(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Reads a model from bytes; <paramref name="externalDataFolder"/> is where external tensors live (null: none allowed).</summary>
    public static ModelProto ReadModel(ReadOnlySpan<byte> bytes, string sourceName, string? externalDataFolder)
    {
        if (bytes.Length == 0)
            throw new OnnxFormatException($"{sourceName}: empty file, not an ONNX model");
        var model = Parse(bytes, ModelProto.Parser, sourceName, "model");
        Validate(model, sourceName);
        ExternalDataLoader.LoadAll(model.Graph, sourceName, externalDataFolder);
        return model;
    }

    /// <summary>Reads one ONNX TensorProto file (the backend-test <c>input_K.pb</c> layout).</summary>
    public static TensorProto ReadTensor(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{path}: cannot read tensor file: {e.Message}", e);
        }
        return ReadTensor(bytes, path);
    }

    /// <summary>Parses one TensorProto from bytes.</summary>
    public static TensorProto ReadTensor(ReadOnlySpan<byte> bytes, string sourceName)
    {
        var tensor = Parse(bytes, TensorProto.Parser, sourceName, "tensor");
        if (!tensor.HasDataType || tensor.DataType == 0)
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' has no data_type (not a TensorProto file?)");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxFormatException($"{sourceName}: tensor '{tensor.Name}' refers to external data, which a standalone tensor file cannot have");
        return tensor;
    }

    private static T Parse<T>(ReadOnlySpan<byte> bytes, MessageParser<T> parser, string sourceName, string what)
        where T : IMessage<T>
    {
        try
        {
            var input = new CodedInputStream(bytes.ToArray());
            var message = parser.ParseFrom(input);
            return message;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{sourceName}: not a valid ONNX {what} (truncated or corrupt protobuf: {e.Message})", e);
        }
    }

    private static void Validate(ModelProto model, string sourceName)
    {
        if (model.Graph is null)
            throw new OnnxFormatException($"{sourceName}: model has no graph (field 'graph' missing; truncated or not an ONNX model?)");
        if (!model.HasIrVersion || model.IrVersion < 3)
            throw new OnnxFormatException($"{sourceName}: model has ir_version {(model.HasIrVersion ? model.IrVersion : 0)}; Edge needs IR version 3 or newer");
        if (model.OpsetImport.Count == 0)
            throw new OnnxFormatException($"{sourceName}: model has no opset_import");
        if (model.Graph.Output.Count == 0)
            throw new OnnxFormatException($"{sourceName}: graph '{model.Graph.Name}' has no outputs");
        for (int i = 0; i < model.Graph.Node.Count; i++)
        {
            var node = model.Graph.Node[i];
            if (string.IsNullOrEmpty(node.OpType))
                throw new OnnxFormatException($"{sourceName}: node #{i} '{node.Name}' has no op_type");
        }
    }
}
