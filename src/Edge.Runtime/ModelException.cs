namespace Edge.Runtime;

/// <summary>
/// A model Edge cannot run: malformed, unsupported, or given wrong inputs. The message names the
/// node, op, opset and field involved, on one line, so that a CLI or agent can show it as is.
/// </summary>
public sealed class ModelException : Exception
{
    public ModelException(string message) : base(message) { }

    public ModelException(string message, Exception inner) : base(message, inner) { }
}
