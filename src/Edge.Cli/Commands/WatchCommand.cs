using System.CommandLine;
using System.Globalization;
using Edge.Agent.Mqtt;
using Edge.Agent.Telemetry;

namespace Edge.Cli.Commands;

/// <summary><c>edge watch</c>: a device's telemetry as a table, one block per report.</summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var broker = new BrokerOptions();
        var count = new Option<int>("--count") { Description = "Stop after this many reports (default: until Ctrl+C)." };
        var json = new Option<bool>("--json") { Description = "Print each report's JSON line as received." };
        var command = new Command("watch", "Show a device's live telemetry.") { count, json };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(async () =>
        {
            string deviceId = broker.DeviceId(parse);
            await using var mqtt = await MqttClientSession.ConnectAsync(broker.ToConfig(parse), $"edge-watch-{Guid.NewGuid():N}", cancellationToken);
            var topics = new Topics(deviceId);
            await mqtt.SubscribeAsync(topics.Telemetry, cancellationToken);
            int seen = 0, limit = parse.GetValue(count);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                while (limit <= 0 || seen < limit)
                {
                    // The timeout is per report: a device that goes quiet ends the watch with an error.
                    timeout.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(broker.Timeout)));
                    var message = await mqtt.Messages.ReadAsync(timeout.Token);
                    byte[] payload = System.Buffers.BuffersExtensions.ToArray(message.Payload);
                    if (parse.GetValue(json))
                        Console.WriteLine(System.Text.Encoding.UTF8.GetString(payload));
                    else if (TelemetryReport.Parse(payload) is { } report)
                        Print(deviceId, report);
                    seen++;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no telemetry from {deviceId} within {parse.GetValue(broker.Timeout)} s");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(string deviceId, TelemetryReport report)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"{report.Time.ToLocalTime():HH:mm:ss} {deviceId}  rss {report.Process.RssBytes / 1e6:F1} MB  gc heap {report.Process.GcHeapBytes / 1e6:F1} MB  peak {report.PeakBandwidthGBps:F1} GB/s{(report.Dropped > 0 ? $"  dropped {report.Dropped}" : "")}");
        Console.WriteLine($"  {"model",-16} {"version",-9} {"req/s",8} {"errors",7} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"GB/s",7} {"% peak",7} {"ops/B",7} {"ridge",7} {"bound",-8}");
        foreach (var m in report.Models)
        {
            string Ms(double? v) => v is { } x ? x.ToString("F3", c) : "-";
            Console.WriteLine($"  {m.Name,-16} {m.Version,-9} {m.ThroughputPerSecond,8:F1} {m.Errors,7} {Ms(m.LatencyMs?.P50),8} {Ms(m.LatencyMs?.P90),8} {Ms(m.LatencyMs?.P99),8} {Ms(m.LatencyMs?.Max),8} " +
                $"{(m.AchievedGBps is { } g ? g.ToString("F2", c) : "-"),7} {(m.PeakBandwidthShare is { } s ? (s * 100).ToString("F1", c) : "-"),7} {(m.ArithmeticIntensity is { } a ? a.ToString("F1", c) : "-"),7} " +
                $"{(m.RidgePoint is { } r ? r.ToString("F1", c) : "-"),7} {m.Bound ?? "-",-8}");
        }
    }
}
