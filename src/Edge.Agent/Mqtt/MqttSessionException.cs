namespace Edge.Agent.Mqtt;

/// <summary>A client could not connect or talk to the broker.</summary>
public sealed class MqttSessionException(string message) : Exception(message);
