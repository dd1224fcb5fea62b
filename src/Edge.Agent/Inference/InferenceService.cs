using Edge.Onnx;
using Edge.Runtime;

namespace Edge.Agent.Inference;

/// <summary>Runs requests on the live models with bounded concurrency (later requests wait their turn).</summary>
public sealed class InferenceService(ModelRegistry registry, int maxConcurrent) : IDisposable
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
                try
                {
                    return TensorCodec.Encode(lease.Model.Session.Run(inputs));
                }
                catch (ModelException e)
                {
                    throw new InferenceException("bad-request", e.Message);
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
