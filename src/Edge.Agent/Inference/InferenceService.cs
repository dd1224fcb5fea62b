using System.Diagnostics;
using Edge.Agent.Telemetry;
using Edge.Onnx;
using Edge.Runtime;

namespace Edge.Agent.Inference;

/// <summary>Runs requests on the live models with bounded concurrency (later requests wait their turn).</summary>
public sealed class InferenceService(ModelRegistry registry, int maxConcurrent, IInferenceObserver observer) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    /// <summary>Runs one request; returns the encoded outputs or throws <see cref="InferenceException"/>.</summary>
    public async Task<byte[]> RunAsync(string model, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var inputs = DecodeInputs(payload);
            if (!registry.TryAcquire(model, out var lease))
                throw new InferenceException("unknown-model", $"no model named '{model}' is active on this device");
            using (lease)
            {
                long start = Stopwatch.GetTimestamp();
                bool ok = false;
                try
                {
                    var outputs = lease.Model.Session.Run(inputs);
                    ok = true;
                    return TensorCodec.Encode(outputs);
                }
                catch (ModelException e)
                {
                    throw new InferenceException("bad-request", e.Message);
                }
                finally
                {
                    observer.Record(lease.Model, Stopwatch.GetElapsedTime(start), ok);
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private static Dictionary<string, Runtime.Tensors.Tensor> DecodeInputs(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return TensorCodec.Decode(payload);
        }
        catch (Exception e) when (e is ModelException or OnnxFormatException)
        {
            throw new InferenceException("bad-request", e.Message);
        }
    }

    public void Dispose() => _slots.Dispose();
}
