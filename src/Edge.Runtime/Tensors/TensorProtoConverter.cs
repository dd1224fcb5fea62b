using Edge.Onnx.Protos;
using Google.Protobuf;

namespace Edge.Runtime.Tensors;

/// <summary>Converts between ONNX <see cref="TensorProto"/> (raw or typed fields) and <see cref="Tensor"/>.</summary>
public static class TensorProtoConverter
{
    /// <summary>Decodes a TensorProto; <paramref name="where"/> names it in errors (e.g. "initializer 'w'").</summary>
    public static Tensor ToTensor(TensorProto proto, string where)
    {
        var type = DataTypes.FromOnnx(proto.DataType)
            ?? throw new ModelException($"{where}: data type {DataTypes.OnnxCodeName(proto.DataType)} is not supported (Edge computes with float, int64, int32, uint8, int8, bool)");
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new ModelException($"{where}: external data was not resolved");
        TensorShape shape;
        try
        {
            shape = new TensorShape(proto.Dims.ToArray().AsSpan());
        }
        catch (ArgumentException e)
        {
            throw new ModelException($"{where}: invalid dims: {e.Message}");
        }

        var tensor = Tensor.Allocate(type, shape);
        int count = shape.ElementCount;
        if (proto.HasRawData)
        {
            if (proto.RawData.Length != tensor.ByteLength)
                throw new ModelException($"{where}: raw_data has {proto.RawData.Length} bytes, shape {shape} of {type.OnnxName()} needs {tensor.ByteLength}");
            // ONNX raw_data is little-endian, as is every platform .NET runs Edge on.
            proto.RawData.Span.CopyTo(tensor.Bytes);
            return tensor;
        }

        switch (type)
        {
            case DataType.Float32:
                CheckCount(proto.FloatData.Count, count, where, "float_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<float>()[i] = proto.FloatData[i];
                break;
            case DataType.Int64:
                CheckCount(proto.Int64Data.Count, count, where, "int64_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<long>()[i] = proto.Int64Data[i];
                break;
            case DataType.Int32:
                CheckCount(proto.Int32Data.Count, count, where, "int32_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<int>()[i] = proto.Int32Data[i];
                break;
            case DataType.UInt8:
                CheckCount(proto.Int32Data.Count, count, where, "int32_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<byte>()[i] = (byte)proto.Int32Data[i];
                break;
            case DataType.Int8:
                CheckCount(proto.Int32Data.Count, count, where, "int32_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<sbyte>()[i] = (sbyte)proto.Int32Data[i];
                break;
            case DataType.Bool:
                CheckCount(proto.Int32Data.Count, count, where, "int32_data");
                for (int i = 0; i < count; i++) tensor.AsSpan<bool>()[i] = proto.Int32Data[i] != 0;
                break;
        }
        return tensor;
    }

    /// <summary>Encodes a tensor as a TensorProto with raw_data.</summary>
    public static TensorProto ToProto(Tensor tensor, string name)
    {
        var proto = new TensorProto { Name = name, DataType = (int)tensor.Type };
        foreach (int d in tensor.Shape.Dims)
            proto.Dims.Add(d);
        proto.RawData = ByteString.CopyFrom(tensor.Bytes);
        return proto;
    }

    private static void CheckCount(int actual, int expected, string where, string field)
    {
        if (actual != expected)
            throw new ModelException($"{where}: {field} has {actual} values, shape needs {expected}");
    }

}
