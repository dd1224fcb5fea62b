namespace Edge.Agent.Telemetry;

/// <summary>Told about every finished inference.</summary>
public interface IInferenceObserver
{
    void Record(string model, TimeSpan elapsed, bool succeeded);
}
