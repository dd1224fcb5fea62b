namespace Edge.Onnx;

/// <summary>A file that is not a well-formed ONNX model or tensor; the message says what and where.</summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message) : base(message) { }

    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
