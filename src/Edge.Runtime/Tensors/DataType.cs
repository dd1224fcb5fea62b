namespace Edge.Runtime.Tensors;

/// <summary>Element types Edge computes with; values are ONNX's <c>TensorProto.DataType</c> codes.</summary>
public enum DataType
{
    Undefined = 0,
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
}
