namespace Edge.Runtime.Tensors;

/// <summary>Facts about <see cref="DataType"/> values.</summary>
public static class DataTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this DataType type) => type switch
    {
        DataType.Float32 or DataType.Int32 => 4,
        DataType.Int64 => 8,
        DataType.UInt8 or DataType.Int8 or DataType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported element type"),
    };

    /// <summary>ONNX's lower-case name, as error messages and <c>edge inspect</c> print it.</summary>
    public static string OnnxName(this DataType type) => type switch
    {
        DataType.Float32 => "float",
        DataType.UInt8 => "uint8",
        DataType.Int8 => "int8",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.Bool => "bool",
        _ => "undefined",
    };

    /// <summary>Maps an ONNX data_type code to a supported type, or null when Edge does not compute with it.</summary>
    public static DataType? FromOnnx(int code) => code switch
    {
        1 => DataType.Float32,
        2 => DataType.UInt8,
        3 => DataType.Int8,
        6 => DataType.Int32,
        7 => DataType.Int64,
        9 => DataType.Bool,
        _ => null,
    };

    /// <summary>ONNX's name for any data_type code, including the ones Edge does not support.</summary>
    public static string OnnxCodeName(int code) => code switch
    {
        0 => "undefined", 1 => "float", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16",
        6 => "int32", 7 => "int64", 8 => "string", 9 => "bool", 10 => "float16", 11 => "double",
        12 => "uint32", 13 => "uint64", 14 => "complex64", 15 => "complex128", 16 => "bfloat16",
        _ => $"type {code}",
    };

    /// <summary>The CLR element type a tensor of this type is viewed as.</summary>
    public static Type ClrType(this DataType type) => type switch
    {
        DataType.Float32 => typeof(float),
        DataType.UInt8 => typeof(byte),
        DataType.Int8 => typeof(sbyte),
        DataType.Int32 => typeof(int),
        DataType.Int64 => typeof(long),
        DataType.Bool => typeof(bool),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported element type"),
    };

    /// <summary>The data type whose CLR element type is <typeparamref name="T"/>.</summary>
    public static DataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DataType.Float32;
        if (typeof(T) == typeof(byte)) return DataType.UInt8;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        if (typeof(T) == typeof(long)) return DataType.Int64;
        if (typeof(T) == typeof(bool)) return DataType.Bool;
        throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type");
    }
}
