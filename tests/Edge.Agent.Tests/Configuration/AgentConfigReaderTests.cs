using Edge.Agent.Configuration;

namespace Edge.Agent.Tests.Configuration;

public class AgentConfigReaderTests
{
    private const string Minimal = """{ "deviceId": "dev-1", "broker": "embedded", "backends": ["cpu"], "stateDir": "state" }""";

    [Theory]
    [InlineData("local-dev.json")]
    [InlineData("x86-cpu.json")]
    [InlineData("raspberry-pi-5.json")]
    [InlineData("jetson-orin-nano.json")]
    [InlineData("intel-nuc-opencl.json")]
    [InlineData("docker.json")]
    public void Every_shipped_device_config_is_valid(string file)
    {
        var config = AgentConfigReader.Parse(File.ReadAllText(Path.Combine(RepoFiles.DeviceConfigs, file)), RepoFiles.DeviceConfigs, checkFiles: false);
        Assert.NotEmpty(config.Backends);
        Assert.Equal("cpu", config.Backends[^1]);
    }

    [Fact]
    public void Local_dev_runs_the_embedded_broker_on_cpu_with_the_sample_model()
    {
        var config = AgentConfigReader.Read(Path.Combine(RepoFiles.DeviceConfigs, "local-dev.json"));
        Assert.True(config.Broker.IsEmbedded);
        Assert.Equal(["cpu"], config.Backends);
        var model = Assert.Single(config.Models);
        Assert.True(File.Exists(model.Path));
    }

    [Fact]
    public void Peak_gops_and_the_metrics_address_are_read_and_the_command_line_overrides_the_address()
    {
        var config = AgentConfigReader.Parse("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "peakGops": { "int8": 120.5 }, "metricsListen": "0.0.0.0:9464" }""", "/base");
        Assert.Equal(120.5, config.PeakInt8Gops);
        Assert.Null(config.PeakFp32Gops); // measured at start
        Assert.Equal(new ListenAddress("0.0.0.0", 9464), config.MetricsListen);
        Assert.True(config.MetricsListen!.IsAnyHost);
        var overridden = new ConfigOverrides { MetricsListen = "127.0.0.1:9500" }.Apply(config);
        Assert.Equal(new ListenAddress("127.0.0.1", 9500), overridden.MetricsListen);
        Assert.StartsWith("--metrics-listen:", Assert.Throws<ConfigurationException>(() => new ConfigOverrides { MetricsListen = "x:" }.Apply(config)).Message);
    }

    [Fact]
    public void Defaults_fill_what_the_file_leaves_out()
    {
        var config = AgentConfigReader.Parse(Minimal, "/base");
        Assert.Equal("/base/state", config.StateDir);
        Assert.Equal(1883, config.Broker.Port);
        Assert.False(config.AllowUnsigned);
        Assert.Equal(3, config.KeepVersions);
    }

    [Theory]
    [InlineData("""{ "broker": "embedded", "backends": ["cpu"], "stateDir": "s" }""", "deviceId: required")]
    [InlineData("""{ "deviceId": "a/b", "broker": "embedded", "backends": ["cpu"], "stateDir": "s" }""", "deviceId: 'a/b' is not a valid id")]
    [InlineData("""{ "deviceId": "d", "broker": "http://x", "backends": ["cpu"], "stateDir": "s" }""", "broker: expected")]
    [InlineData("""{ "deviceId": "d", "broker": { "url": "mqtt://h", "port": 1 }, "backends": ["cpu"], "stateDir": "s" }""", "broker.port: unknown field")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["tpu"], "stateDir": "s" }""", "backends[0]: unknown backend 'tpu'")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": [], "stateDir": "s" }""", "backends: must list at least one")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"] }""", "stateDir: required")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "limits": { "maxModelBytes": -5 } }""", "limits.maxModelBytes: must be at least 1, got -5")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "telemetryIntervalSeconds": "10" }""", "telemetryIntervalSeconds: expected an integer")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "brokr": 1 }""", "brokr: unknown field")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "trustedKeys": ["nope.pem"] }""", "trustedKeys[0]: file 'nope.pem' not found")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "models": [{ "name": "m", "version": "v1", "path": "x" }] }""", "models[0].version: 'v1' is not a version")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "peakGops": 5 }""", "peakGops: expected an object")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "peakGops": { "int4": 5 } }""", "peakGops.int4: unknown field")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "peakGops": { "fp32": 0 } }""", "peakGops.fp32: expected a positive number")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "metricsListen": "9464" }""", "metricsListen: expected HOST:PORT")]
    [InlineData("""{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "metricsListen": "127.0.0.1:70000" }""", "metricsListen: expected HOST:PORT")]
    [InlineData("""{ "deviceId": "d", """, "(file): not valid JSON")]
    public void A_wrong_or_missing_field_is_named(string json, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => AgentConfigReader.Parse(json, Path.GetTempPath()));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void A_file_error_names_the_file_and_the_field()
    {
        using var temp = new TempFolder();
        string path = temp.File("bad.json");
        File.WriteAllText(path, """{ "deviceId": "d", "broker": "embedded", "backends": ["cpu"], "stateDir": "s", "keepVersions": 1 }""");
        var e = Assert.Throws<ConfigurationException>(() => AgentConfigReader.Read(path));
        Assert.Equal($"{path}: keepVersions: must be between 2 and 100, got 1", e.Message);
        Assert.Equal("keepVersions", e.Field);
    }

    [Fact]
    public void Command_line_overrides_replace_the_file_values()
    {
        using var temp = new TempFolder();
        string key = temp.File("k.pem");
        File.WriteAllText(key, "x");
        var config = new ConfigOverrides { DeviceId = "other", Broker = "mqtt://127.0.0.1:1999", StateDir = temp.Path, TrustedKeys = [key] }
            .Apply(AgentConfigReader.Parse(Minimal, "/base"));
        Assert.Equal("other", config.DeviceId);
        Assert.False(config.Broker.IsEmbedded);
        Assert.Equal(1999, config.Broker.Port);
        Assert.Equal(temp.Path, config.StateDir);
        Assert.Equal([key], config.TrustedKeys);
    }

    [Theory]
    [InlineData("--device-id", "x y")]
    [InlineData("--broker", "ftp://h")]
    [InlineData("--trusted-key", "/no/such.pem")]
    public void A_bad_override_is_named(string option, string value)
    {
        var overrides = option switch
        {
            "--device-id" => new ConfigOverrides { DeviceId = value },
            "--broker" => new ConfigOverrides { Broker = value },
            _ => new ConfigOverrides { TrustedKeys = [value] },
        };
        var e = Assert.Throws<ConfigurationException>(() => overrides.Apply(AgentConfigReader.Parse(Minimal, "/base")));
        Assert.Equal(option, e.Field);
    }

    [Fact]
    public void Versions_compare_numerically()
    {
        Assert.True(ModelVersion.Parse("1.10.0").CompareTo(ModelVersion.Parse("1.9")) > 0);
        Assert.Equal(0, ModelVersion.Parse("1.2").CompareTo(ModelVersion.Parse("1.2.0")));
        Assert.False(ModelVersion.TryParse("1..2", out _));
    }
}
