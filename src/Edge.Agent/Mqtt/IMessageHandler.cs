using MQTTnet;

namespace Edge.Agent.Mqtt;

/// <summary>Receives the messages of one subscription.</summary>
public interface IMessageHandler
{
    Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken);
}
