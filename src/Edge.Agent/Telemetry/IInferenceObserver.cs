using Edge.Agent.Inference;

namespace Edge.Agent.Telemetry;

/// <summary>Told about every finished inference, with the model version that ran it.</summary>
public interface IInferenceObserver
{
    void Record(LoadedModel model, TimeSpan elapsed, bool succeeded);
}
