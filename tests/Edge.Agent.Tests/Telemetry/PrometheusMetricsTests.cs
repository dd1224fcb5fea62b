using System.Globalization;
using System.Text.Json;
using Edge.Agent.Configuration;
using Edge.Agent.Inference;
using Edge.Agent.Telemetry;
using Edge.Agent.Tests.Hosting;
using Edge.Agent.Tests.Mqtt;
using Edge.Onnx;
using Edge.Runtime.Sessions;

namespace Edge.Agent.Tests.Telemetry;

/// <summary>An agent on a real mosquitto with <c>metricsListen</c>, scraped over HTTP after real inferences.</summary>
public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    private static readonly string[] Digits = ["model=digits", "version=1.0"];
    private readonly int _port = MosquittoBroker.FreePort();
    private MosquittoBroker _broker = null!;
    private TestAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _agent = await TestAgent.StartAsync(_broker.Url, [], metricsListen: new ListenAddress("127.0.0.1", _port));
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Requests_errors_and_latency_histograms_are_exported_per_model_and_version()
    {
        await RunInferencesAsync(succeeding: 5, failing: 1);
        var metrics = await ScrapeAsync();

        Assert.Equal(6, metrics.Value("edge_inference_requests_total", Digits));
        Assert.Equal(1, metrics.Value("edge_inference_errors_total", Digits));
        Assert.Equal(6, metrics.Value("edge_inference_duration_seconds_count", Digits));
        Assert.True(metrics.Value("edge_inference_duration_seconds_sum", Digits) > 0);
        var buckets = metrics.Find("edge_inference_duration_seconds_bucket", Digits)
            .Select(b => (Le: b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture), b.Value))
            .OrderBy(b => b.Le).ToList();
        Assert.Equal(AgentMetrics.LatencyBuckets.Append(double.PositiveInfinity), buckets.Select(b => b.Le));
        Assert.Equal(6, buckets[^1].Value);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), "buckets are cumulative");
        Assert.Equal(6, buckets[^2].Value); // every inference fell in a finite bucket (under ~14 s)
        Assert.Empty(metrics.Find("edge_inference_duration_seconds", Digits)); // a histogram, not a summary
    }

    [Fact]
    public async Task The_roofline_verdict_cost_deploy_state_and_process_memory_are_exported()
    {
        await RunInferencesAsync(succeeding: 2, failing: 0);
        var metrics = await ScrapeAsync();
        var report = _agent.Agent.Telemetry.Snapshot().Models.Single();

        // The test agent's peaks are configured: 50 fp32 GOPS over 20 GB/s, and the sample is all fp32.
        Assert.Equal(2.5, metrics.Value("edge_model_ridge_point", Digits), 9);
        double intensity = metrics.Value("edge_model_arithmetic_intensity", Digits);
        Assert.Equal(report.ArithmeticIntensity!.Value, intensity, 3);
        Assert.Equal(intensity < 2.5 ? 1 : 0, metrics.Value("edge_model_memory_bound", Digits));
        Assert.Equal(report.Bound == Roofline.MemoryBound ? 1 : 0, metrics.Value("edge_model_memory_bound", Digits));
        Assert.Equal(report.OpsPerInference, (long)metrics.Value("edge_model_ops_per_inference", Digits));
        Assert.Equal(report.WeightBytesPerInference, (long)metrics.Value("edge_model_weight_bytes_per_inference", Digits));
        Assert.Equal(20e9, metrics.Value("edge_device_peak_bandwidth_bytes_per_second"));
        Assert.Equal(200e9, metrics.Value("edge_device_peak_ops_per_second", "precision=int8"));
        Assert.Equal(1, metrics.Value("edge_deploy_state", "model=digits", "state=active"));
        Assert.Equal(0, metrics.Value("edge_deploy_state", "model=digits", "state=failed"));
        Assert.True(metrics.Value("edge_process_resident_memory_bytes") > 10e6);
        Assert.True(metrics.Value("edge_process_gc_heap_bytes") > 0);
    }

    [Fact]
    public async Task A_refused_deploy_is_counted_by_reason_and_shows_as_the_models_latest_state()
    {
        await RefusedPushAsync();
        var metrics = await ScrapeAsync();
        Assert.Equal(1, metrics.Value("edge_deploy_failures_total", "model=digits", "reason=unsigned"));
        Assert.Equal(1, metrics.Value("edge_deploy_state", "model=digits", "state=failed"));
        Assert.Equal(0, metrics.Value("edge_deploy_state", "model=digits", "state=active"));
        Assert.Single(metrics.Find("edge_model_memory_bound", Digits)); // 1.0 keeps serving
    }

    [Fact]
    public async Task Every_metric_the_grafana_dashboard_queries_is_exported()
    {
        await RunInferencesAsync(succeeding: 3, failing: 1);
        await RefusedPushAsync(); // the failure counter has a series once a deploy has been refused
        var exported = (await ScrapeAsync()).Names.ToHashSet();

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoFiles.Root, "device-configs", "dashboards", "edge-agent.json")));
        var exprs = Exprs(dashboard.RootElement).ToList();
        Assert.True(exprs.Count >= 10, $"{exprs.Count} queries");
        Assert.Contains(exprs, e => e.Contains("histogram_quantile(0.99", StringComparison.Ordinal) && e.Contains("edge_inference_duration_seconds_bucket", StringComparison.Ordinal));
        foreach (string expr in exprs)
        {
            var names = PromQl.MetricNames(expr);
            Assert.NotEmpty(names);
            foreach (string name in names)
                Assert.True(exported.Contains(name), $"the dashboard queries {name} ({expr}); the agent exports {string.Join(", ", exported.Order())}");
        }
    }

    [Fact]
    public void Agents_in_one_process_keep_separate_registries()
    {
        using var registry = new ModelRegistry();
        var model = new LoadedModel("digits", ModelVersion.Parse("2.1"), new RuntimeSessionFactory(new SessionOptions()).Create(RepoFiles.SampleModel));
        registry.Swap(model);
        var peaks = TelemetryTests.Peaks(20, 200, 50);
        var first = new AgentMetrics(registry, peaks);
        var second = new AgentMetrics(registry, peaks);
        first.Record(model, TimeSpan.FromMilliseconds(2), succeeded: true);
        first.Record(model, TimeSpan.FromMilliseconds(3), succeeded: false);

        Assert.Equal(2, Export(first).Value("edge_inference_requests_total", "model=digits", "version=2.1"));
        Assert.Empty(Export(second).Find("edge_inference_requests_total"));
    }

    [Fact]
    public async Task A_port_in_use_is_a_configuration_error_naming_metrics_listen()
    {
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => TestAgent.StartAsync(_broker.Url, [], deviceId: "dev-2", metricsListen: new ListenAddress("127.0.0.1", _port)));
        Assert.StartsWith("metricsListen:", e.Message);
    }

    private async Task RunInferencesAsync(int succeeding, int failing)
    {
        await using var inference = await InferenceClient.CreateAsync(_agent.Client, _agent.Topics, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var input = OnnxModelReader.ReadTensor(RepoFiles.SampleInput);
        for (int i = 0; i < succeeding; i++)
            Assert.Single(await inference.InferAsync("digits", [input], timeout.Token));
        input.Name = "wrong";
        for (int i = 0; i < failing; i++)
            await Assert.ThrowsAsync<InferenceException>(() => inference.InferAsync("digits", [input], timeout.Token));
    }

    private async Task RefusedPushAsync()
    {
        var push = await new Edge.Agent.Deployment.DeployClient(_agent.Client, _agent.Topics)
            .PushAsync("digits", "1.1", File.ReadAllBytes(RepoFiles.SampleModel), signingKey: null, force: false, TimeSpan.FromSeconds(15), default);
        Assert.Equal(Edge.Agent.Deployment.DeployRefusal.Unsigned, push.FinalState.Reason);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync($"http://127.0.0.1:{_port}/metrics");
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics: {response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static PrometheusText Export(AgentMetrics metrics)
    {
        using var stream = new MemoryStream();
        metrics.Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static IEnumerable<string> Exprs(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    yield return property.Value.GetString()!;
                else
                    foreach (string nested in Exprs(property.Value))
                        yield return nested;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                foreach (string nested in Exprs(item))
                    yield return nested;
        }
    }
}
