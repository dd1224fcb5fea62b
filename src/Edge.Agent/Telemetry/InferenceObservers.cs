using Edge.Agent.Inference;

namespace Edge.Agent.Telemetry;

/// <summary>Tells several observers (the MQTT telemetry and the Prometheus metrics) about each inference.</summary>
public sealed class InferenceObservers(params IReadOnlyList<IInferenceObserver> observers) : IInferenceObserver
{
    public void Record(LoadedModel model, TimeSpan elapsed, bool succeeded)
    {
        foreach (var observer in observers)
            observer.Record(model, elapsed, succeeded);
    }
}
