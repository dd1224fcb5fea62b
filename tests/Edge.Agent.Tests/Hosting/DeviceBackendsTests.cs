using Edge.Agent.Tests.Mqtt;
using Edge.Runtime.Ilgpu;

namespace Edge.Agent.Tests.Hosting;

/// <summary>The device config's backend preference list decides where models run; an absent GPU falls through to the next.</summary>
public sealed class DeviceBackendsTests
{
    [Fact]
    public async Task Ilgpu_backend_first_in_the_list_runs_the_model_and_is_reported()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await TestAgent.StartAsync(broker.Url, [], backends: ["ilgpu-cpu", "cpu"]);

        Assert.Equal("ilgpu-cpu", agent.Agent.Sessions.Backend);
        Assert.Equal("ilgpu-cpu", Assert.Single(agent.Agent.Telemetry.Snapshot().Models).Backend);
        var plan = agent.Agent.Models.Get("digits")!.Session.GetPlan([(Runtime.Tensors.DataType.Float32, new Runtime.Tensors.TensorShape(1, 1, 8, 8))]);
        Assert.Contains(plan.Steps, s => s.Backend.Name == "ilgpu-cpu");
        await agent.AssertServesSampleAsync();
    }

    [Fact]
    public async Task Absent_gpu_is_skipped_and_the_cpu_serves()
    {
        // CI machines have no CUDA device: ILGPU says why and the agent goes on with the next entry.
        bool hasCuda;
        using (var cuda = IlgpuDevices.TryCreateBackend("cuda", out _))
            hasCuda = cuda is not null;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await TestAgent.StartAsync(broker.Url, [], backends: ["cuda", "cpu"]);

        Assert.Equal(hasCuda ? "cuda" : "cpu", agent.Agent.Sessions.Backend);
        await agent.AssertServesSampleAsync();
    }
}
