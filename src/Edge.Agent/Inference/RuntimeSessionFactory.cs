using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Inference;

/// <summary>
/// Loads a model with the runtime and runs it once on zeros (symbolic dimensions as 1), so that
/// kernel preparation and first-run costs are paid before the session takes requests.
/// </summary>
public sealed class RuntimeSessionFactory(SessionOptions options) : ISessionFactory
{
    /// <summary>The preferred backend that started ("cpu" when none did, or none was asked for); the CPU backend runs what it does not claim.</summary>
    public string Backend => options.Backends.Count > 0 ? options.Backends[0].Name : "cpu";

    public InferenceSession Create(string modelPath)
    {
        var session = InferenceSession.Load(modelPath, options);
        try
        {
            if (session.Inputs.All(i => i.Dims is not null))
            {
                var zeros = session.Inputs.ToDictionary(i => i.Name, i => Tensor.Allocate(i.Type, new TensorShape(i.Dims!.Select(d => d ?? 1).ToArray())));
                session.Run(zeros);
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
