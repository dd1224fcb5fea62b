using Edge.Onnx.Protos;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Agent.Inference;

/// <summary>
/// The binary tensor payload of inference requests and replies: ONNX TensorProtos, each prefixed by
/// its length as a protobuf varint (protobuf's "delimited" form), named by their <c>name</c> field.
/// </summary>
public static class TensorCodec
{
    public const string ContentType = "application/x-onnx-tensors";

    public static byte[] Encode(IEnumerable<TensorProto> tensors)
    {
        using var buffer = new MemoryStream();
        foreach (var tensor in tensors)
            tensor.WriteDelimitedTo(buffer);
        return buffer.ToArray();
    }

    public static byte[] Encode(IReadOnlyDictionary<string, Tensor> tensors)
        => Encode(tensors.Select(t => TensorProtoConverter.ToProto(t.Value, t.Key)));

    /// <summary>Decodes a payload; throws <see cref="InferenceException"/> for malformed bytes or unnamed tensors.</summary>
    public static List<TensorProto> DecodeProtos(ReadOnlyMemory<byte> payload)
    {
        var result = new List<TensorProto>();
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        try
        {
            while (stream.Position < stream.Length)
                result.Add(TensorProto.Parser.ParseDelimitedFrom(stream));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InferenceException("bad-request", $"payload is not length-delimited TensorProtos: {e.Message}");
        }
        return result;
    }

    public static Dictionary<string, Tensor> Decode(ReadOnlyMemory<byte> payload)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var proto in DecodeProtos(payload))
        {
            if (string.IsNullOrEmpty(proto.Name))
                throw new InferenceException("bad-request", "every tensor needs a name (the model input it feeds)");
            if (!result.TryAdd(proto.Name, TensorProtoConverter.ToTensor(proto, $"input '{proto.Name}'")))
                throw new InferenceException("bad-request", $"input '{proto.Name}' given twice");
        }
        return result;
    }
}
