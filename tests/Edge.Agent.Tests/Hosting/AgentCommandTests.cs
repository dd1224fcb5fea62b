using Edge.Agent.Tests.Mqtt;

namespace Edge.Agent.Tests.Hosting;

/// <summary>The README's commands as processes: <c>edge agent</c> on local-dev.json, <c>edge push</c>, <c>edge infer</c>, SIGTERM.</summary>
public class AgentCommandTests
{
    private static string LocalDev => Path.Combine(RepoFiles.DeviceConfigs, "local-dev.json");

    [Fact]
    public async Task The_local_dev_agent_takes_a_push_and_serves_inference_then_exits_0_on_sigterm()
    {
        using var temp = new TempFolder();
        int port = MosquittoBroker.FreePort();
        string broker = $"mqtt://127.0.0.1:{port}";
        using var agent = EdgeProcess.Start("agent", "--config", LocalDev, "--broker", $"embedded://127.0.0.1:{port}", "--state-dir", temp.File("state"));
        await agent.WaitForOutputAsync("online", TimeSpan.FromSeconds(20));

        var push = await EdgeProcess.RunAsync("push", "--broker", broker, "--device", "local-dev", "--model", RepoFiles.SampleModel, "--name", "digits", "--version", "1.1", "--validation", RepoFiles.SampleFolder);
        Assert.True(push.ExitCode == 0, push.Stderr);
        Assert.Contains("digits 1.1 is active on local-dev", push.Stdout);

        var older = await EdgeProcess.RunAsync("push", "--broker", broker, "--device", "local-dev", "--model", RepoFiles.SampleModel, "--name", "digits", "--version", "1.0.5");
        Assert.Equal(3, older.ExitCode);
        Assert.Contains("not-newer", older.Stderr);

        var infer = await EdgeProcess.RunAsync("infer", "--broker", broker, "--device", "local-dev", "--name", "digits", "--input", $"input={RepoFiles.SampleInput}", "--output-dir", temp.File("out"));
        Assert.True(infer.ExitCode == 0, infer.Stderr);
        TestAgent.AssertClose(Edge.Onnx.OnnxModelReader.ReadTensor(RepoFiles.SampleOutput), Edge.Onnx.OnnxModelReader.ReadTensor(temp.File("out/logits.pb")));

        var watch = await EdgeProcess.RunAsync("watch", "--broker", broker, "--device", "local-dev", "--count", "1", "--timeout", "10");
        Assert.True(watch.ExitCode == 0, watch.Stderr);
        Assert.Contains("digits", watch.Stdout);
        Assert.Contains("p99 ms", watch.Stdout);

        var rollback = await EdgeProcess.RunAsync("rollback", "--broker", broker, "--device", "local-dev", "--name", "digits");
        Assert.True(rollback.ExitCode == 0, rollback.Stderr);
        Assert.Contains("digits 1.0.0 is active", rollback.Stdout);

        agent.Terminate();
        var exit = await agent.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exit.ExitCode == 0, exit.Stderr);
        Assert.Contains("stopped", exit.Stdout);
    }

    [Fact]
    public async Task Metrics_listen_serves_prometheus_text_and_a_push_below_min_accuracy_exits_3_with_both_accuracies()
    {
        using var temp = new TempFolder();
        int port = MosquittoBroker.FreePort(), metricsPort = MosquittoBroker.FreePort();
        string broker = $"mqtt://127.0.0.1:{port}";
        using var agent = EdgeProcess.Start("agent", "--config", LocalDev, "--broker", $"embedded://127.0.0.1:{port}", "--state-dir", temp.File("state"),
            "--metrics-listen", $"127.0.0.1:{metricsPort}");
        await agent.WaitForOutputAsync("online", TimeSpan.FromSeconds(20));

        string split = Path.Combine(RepoFiles.Fixture("kd_student"), "test_split");
        var push = await EdgeProcess.RunAsync("push", "--broker", broker, "--device", "local-dev", "--model", RepoFiles.SampleModel, "--name", "digits", "--version", "1.1",
            "--validation", split, "--min-accuracy", "0.99");
        Assert.Equal(3, push.ExitCode);
        Assert.Contains("(validation-failed): accuracy 0.9528 (343 of 360 labelled samples) is below the required minAccuracy 0.99; 1.0.0 keeps serving", push.Stderr);
        var infer = await EdgeProcess.RunAsync("infer", "--broker", broker, "--device", "local-dev", "--name", "digits", "--input", $"input={RepoFiles.SampleInput}");
        Assert.True(infer.ExitCode == 0, infer.Stderr);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("edge_inference_requests_total{model=\"digits\",version=\"1.0.0\"} 1", metrics);
        Assert.Contains("edge_deploy_failures_total{model=\"digits\",reason=\"validation-failed\"} 1", metrics);
        Assert.Contains("edge_inference_duration_seconds_bucket{model=\"digits\",version=\"1.0.0\",le=\"+Inf\"} 1", metrics);

        agent.Terminate();
        Assert.Equal(0, (await agent.WaitAsync(TimeSpan.FromSeconds(20))).ExitCode);
    }

    [Fact]
    public async Task A_config_error_names_the_field_and_exits_2()
    {
        using var temp = new TempFolder();
        string config = temp.File("bad.json");
        File.WriteAllText(config, """{ "deviceId": "d", "broker": "embedded", "backends": ["tpu"], "stateDir": "s" }""");
        var result = await EdgeProcess.RunAsync("agent", "--config", config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("backends[0]: unknown backend 'tpu'", result.Stderr);

        var badOverride = await EdgeProcess.RunAsync("agent", "--config", LocalDev, "--broker", "http://x");
        Assert.Equal(2, badOverride.ExitCode);
        Assert.Contains("--broker:", badOverride.Stderr);

        var badListen = await EdgeProcess.RunAsync("agent", "--config", LocalDev, "--metrics-listen", "localhost");
        Assert.Equal(2, badListen.ExitCode);
        Assert.Contains("--metrics-listen: expected HOST:PORT", badListen.Stderr);
    }

    [Fact]
    public async Task Keygen_writes_a_key_pair_that_push_can_sign_with()
    {
        using var temp = new TempFolder();
        var result = await EdgeProcess.RunAsync("keygen", "--private", temp.File("k.pem"), "--public", temp.File("k.pub.pem"));
        Assert.Equal(0, result.ExitCode);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temp.File("k.pem")));
        using var key = Edge.Agent.Deployment.SigningKeys.LoadPem(temp.File("k.pem"));
        Assert.Equal(2, (await EdgeProcess.RunAsync("keygen", "--private", temp.File("k.pem"), "--public", temp.File("k.pub.pem"))).ExitCode);
    }
}
