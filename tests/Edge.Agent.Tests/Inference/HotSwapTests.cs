using Edge.Agent.Configuration;
using Edge.Agent.Inference;
using Edge.Onnx;
using Edge.Runtime.Sessions;

namespace Edge.Agent.Tests.Inference;

public class HotSwapTests
{
    private static readonly RuntimeSessionFactory Factory = new(new SessionOptions());

    private static LoadedModel Load(string version) => new("digits", ModelVersion.Parse(version), Factory.Create(RepoFiles.SampleModel));

    [Fact]
    public void A_swapped_out_session_lives_until_its_last_request_ends()
    {
        using var registry = new ModelRegistry();
        var old = Load("1");
        registry.Swap(old);
        Assert.True(registry.TryAcquire("digits", out var inFlight));

        registry.Swap(Load("2"));
        Assert.False(old.IsDisposed);
        Assert.True(registry.TryAcquire("digits", out var next));
        Assert.Equal("2", next.Model.Version.Text);
        next.Dispose();

        inFlight.Dispose();
        Assert.True(old.IsDisposed);
    }

    [Fact]
    public async Task Twenty_swaps_under_continuous_requests_fail_none()
    {
        using var registry = new ModelRegistry();
        registry.Swap(Load("1"));
        using var service = new InferenceService(registry, maxConcurrent: 4, new Edge.Agent.Telemetry.TelemetryCollector(registry, "cpu", Telemetry.TelemetryTests.Peaks(20, 200, 50)));
        byte[] request = TensorCodec.Encode([OnnxModelReader.ReadTensor(RepoFiles.SampleInput)]);
        var expected = OnnxModelReader.ReadTensor(RepoFiles.SampleOutput);
        using var stop = new CancellationTokenSource();
        int served = 0;

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var reply = await service.RunAsync("digits", request, CancellationToken.None);
                Hosting.TestAgent.AssertClose(expected, Assert.Single(TensorCodec.DecodeProtos(reply)));
                Interlocked.Increment(ref served);
            }
        })).ToList();
        var retired = new List<LoadedModel>();
        for (int v = 2; v <= 21; v++)
        {
            retired.Add(registry.Get("digits")!);
            registry.Swap(Load(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await Task.Delay(5);
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients); // any failed request would throw here
        Assert.Equal("21", registry.Get("digits")!.Version.Text);
        Assert.True(served > 20, $"only {served} requests ran");
        Assert.All(retired, m => Assert.True(m.IsDisposed));
    }
}
