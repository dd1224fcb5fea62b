using Edge.Runtime.Sessions;

namespace Edge.Agent.Inference;

/// <summary>Builds a ready-to-serve session from a model file (loaded, planned, warmed).</summary>
public interface ISessionFactory
{
    /// <summary>Throws <c>ModelException</c>/<c>OnnxFormatException</c> for a model that cannot run.</summary>
    InferenceSession Create(string modelPath);
}
