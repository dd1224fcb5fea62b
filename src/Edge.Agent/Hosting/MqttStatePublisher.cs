using Edge.Agent.Deployment;
using Edge.Agent.Mqtt;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Hosting;

/// <summary>Publishes deploy states retained on <c>models/{name}/state</c>.</summary>
public sealed class MqttStatePublisher(Func<MqttConnection?> connection, Topics topics, ILogger logger) : IStatePublisher
{
    public async Task PublishAsync(string model, DeployState state, CancellationToken cancellationToken)
    {
        if (connection() is not { IsConnected: true } mqtt)
        {
            logger.LogWarning("Broker away: state {State} of {Model} not published", state.State, model);
            return;
        }
        try
        {
            await mqtt.PublishAsync(MqttClientSettings.Message(topics.State(model), state.ToJsonBytes(), retain: true).Build(), cancellationToken);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException e)
        {
            logger.LogWarning("State {State} of {Model} not published: {Error}", state.State, model, e.Message);
        }
    }
}
