using System.Buffers;
using System.Globalization;
using Edge.Agent.Deployment;
using Edge.Agent.Inference;
using Edge.Agent.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Edge.Agent.Hosting;

/// <summary>
/// Routes the device's incoming topics. Deploy messages are handled in order on MQTTnet's receive
/// loop (chunks must not overtake their manifest); inference runs off it, so many requests run at once
/// and a long model load never stalls them.
/// </summary>
/// <param name="maxQueued">Requests admitted at once (running or waiting for a slot); beyond it a <c>busy</c> error reply.</param>
public sealed class MessageRouter(Topics topics, DeployCoordinator deploys, InferenceService inference, CommandHandler commands, Func<MqttConnection?> connection, ILogger logger, int maxQueued)
    : IMessageHandler
{
    private readonly InFlight _inFlight = new(maxQueued);

    /// <summary>Requests being served (SIGTERM waits for them).</summary>
    public Task WhenRequestsDoneAsync() => _inFlight.WhenEmptyAsync();

    /// <summary>After this, new inference requests get a <c>stopping</c> error reply.</summary>
    public void StopTakingRequests() => _inFlight.Close();

    public async Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var levels = topics.Relative(message.Topic);
        var payload = message.Payload.IsSingleSegment ? message.Payload.First : message.Payload.ToArray();
        switch (levels)
        {
            case ["models", var name, "deploy"]:
                await deploys.OnManifestAsync(name, payload, cancellationToken);
                break;
            case ["transfer", var transferId, var index] when int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int i):
                await deploys.OnChunkAsync(transferId, i, payload, cancellationToken);
                break;
            case ["infer", var name]:
                if (string.IsNullOrEmpty(message.ResponseTopic))
                {
                    logger.LogWarning("Inference request for {Model} without a response topic dropped: nowhere to reply", name);
                    break;
                }
                if (!_inFlight.TryEnter())
                {
                    // Back-pressure: an immediate answer beats an unbounded queue on a small device.
                    await ReplyAsync(_inFlight.IsClosed
                        ? InferenceReply.Error(message, "stopping", "the agent is shutting down")
                        : InferenceReply.Error(message, "busy", $"{maxQueued} requests are queued already; retry later"), cancellationToken);
                    break;
                }
                // Copy: MQTTnet may reuse the receive buffer once this handler returns.
                byte[] copy = payload.ToArray();
                _ = Task.Run(() => ServeAsync(name, message, copy, cancellationToken), CancellationToken.None);
                break;
            case ["cmd", var command]:
                if (string.IsNullOrEmpty(message.ResponseTopic))
                {
                    logger.LogWarning("Command {Command} without a response topic dropped: nowhere to reply", command);
                    break;
                }
                await ReplyAsync(await commands.RunAsync(command, message, cancellationToken), cancellationToken);
                break;
            default:
                logger.LogDebug("Ignored message on {Topic}", message.Topic);
                break;
        }
    }

    private async Task ServeAsync(string name, MqttApplicationMessage request, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            MqttApplicationMessage reply;
            try
            {
                reply = InferenceReply.Ok(request, await inference.RunAsync(name, payload, CancellationToken.None));
            }
            catch (InferenceException e)
            {
                reply = InferenceReply.Error(request, e.Code, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Inference on {Model} failed", name);
                reply = InferenceReply.Error(request, "internal", e.Message);
            }
            await ReplyAsync(reply, cancellationToken);
        }
        finally
        {
            _inFlight.Exit();
        }
    }

    private async Task ReplyAsync(MqttApplicationMessage reply, CancellationToken cancellationToken)
    {
        try
        {
            if (connection() is { } mqtt)
                await mqtt.PublishAsync(reply, cancellationToken);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            logger.LogWarning("Reply on {Topic} not sent: {Error}", reply.Topic, e.Message);
        }
    }
}
