using Edge.Agent.Tests.Deployment;
using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>A test class's mosquitto and agent (sample model live as <c>digits</c> 1.0), with one trusted signing key; torn down after each test.</summary>
public abstract class AgentOnMosquitto : IAsyncLifetime
{
    private MosquittoBroker? _broker;
    private TestAgent? _device;

    /// <summary>The temp folder of the trusted public key; tests may put their own files there.</summary>
    internal TempFolder Keys { get; } = new();

    /// <summary>The key the agent trusts.</summary>
    protected System.Security.Cryptography.ECDsa Trusted { get; } = TestKeys.New();

    internal MosquittoBroker Broker => _broker ?? throw new InvalidOperationException("not initialised");

    internal TestAgent Device => _device ?? throw new InvalidOperationException("not initialised");

    public virtual async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _device = await TestAgent.StartAsync(_broker.Url, [TestKeys.WritePublic(Trusted, Keys.File("trusted.pub.pem"))]);
    }

    public async Task DisposeAsync()
    {
        if (_device is not null)
            await _device.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
        Trusted.Dispose();
        Keys.Dispose();
    }
}
