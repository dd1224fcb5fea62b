namespace Edge.Quantization;

/// <summary>A model, option or calibration file the quantizer cannot use; the message names the file, node or option.</summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException(string message) : base(message) { }

    public QuantizationException(string message, Exception inner) : base(message, inner) { }
}
