using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Agent.Configuration;

/// <summary>
/// Reads and validates a device config (device-configs/edge-agent.schema.json describes the same rules).
/// Every error names the field; relative paths are resolved against the config file's folder.
/// </summary>
public static partial class AgentConfigReader
{
    private static readonly string[] KnownBackends = ["cpu", "cuda", "opencl", "ilgpu-cpu"];

    private static readonly HashSet<string> TopLevelFields =
    [
        "$schema", "deviceId", "broker", "backends", "stateDir", "trustedKeys", "allowUnsigned",
        "telemetryIntervalSeconds", "peakBandwidthGBps", "peakGops", "metricsListen", "limits", "keepVersions", "models",
    ];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="ConfigurationException"/> naming the file and field.</summary>
    public static AgentConfig Read(string path)
    {
        if (!File.Exists(path))
            throw new ConfigurationException("--config", $"file '{path}' not found");
        string full = Path.GetFullPath(path);
        try
        {
            return Parse(File.ReadAllText(full), Path.GetDirectoryName(full)!);
        }
        catch (ConfigurationException e)
        {
            throw e.InFile(path);
        }
    }

    /// <summary>Parses config JSON; <paramref name="baseDir"/> anchors relative paths.</summary>
    /// <param name="checkFiles">False to skip checking that referenced files exist (configs for other machines).</param>
    public static AgentConfig Parse(string json, string baseDir, bool checkFiles = true)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigurationException("(file)", $"not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ConfigurationException("(root)", "expected a JSON object");
            foreach (var property in root.EnumerateObject())
                if (!TopLevelFields.Contains(property.Name))
                    throw new ConfigurationException(property.Name, $"unknown field (known: {string.Join(", ", TopLevelFields.Where(f => f[0] != '$'))})");

            string deviceId = RequiredString(root, "deviceId");
            CheckDeviceId(deviceId, "deviceId");
            var backends = StringArray(root, "backends", required: true);
            if (backends.Count == 0)
                throw new ConfigurationException("backends", "must list at least one backend");
            for (int i = 0; i < backends.Count; i++)
                if (!KnownBackends.Contains(backends[i]))
                    throw new ConfigurationException($"backends[{i}]", $"unknown backend '{backends[i]}' (known: {string.Join(", ", KnownBackends)})");

            var peakGops = ReadPeakGops(root);
            return new AgentConfig
            {
                DeviceId = deviceId,
                Broker = ReadBroker(root, baseDir, checkFiles),
                Backends = backends,
                StateDir = Path.GetFullPath(RequiredString(root, "stateDir"), baseDir),
                TrustedKeys = StringArray(root, "trustedKeys", required: false).Select((k, i) => ExistingFile(k, $"trustedKeys[{i}]", baseDir, checkFiles)).ToArray(),
                AllowUnsigned = OptionalBool(root, "allowUnsigned") ?? false,
                TelemetryIntervalSeconds = (int)(OptionalInteger(root, "telemetryIntervalSeconds", 1, 86_400) ?? 10),
                PeakBandwidthGBps = OptionalPositiveNumber(root, "peakBandwidthGBps"),
                PeakInt8Gops = peakGops.Int8,
                PeakFp32Gops = peakGops.Fp32,
                MetricsListen = OptionalString(root, "metricsListen") is { } listen ? ListenAddress.Parse(listen, "metricsListen") : null,
                Limits = ReadLimits(root),
                KeepVersions = (int)(OptionalInteger(root, "keepVersions", 2, 100) ?? 3),
                Models = ReadModels(root, baseDir, checkFiles),
            };
        }
    }

    /// <summary>Device ids become topic levels: no wildcards, no slashes.</summary>
    public static void CheckDeviceId(string id, string field)
    {
        if (!NamePattern().IsMatch(id))
            throw new ConfigurationException(field, $"'{id}' is not a valid id: use 1–64 letters, digits, '-', '_' or '.'");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    internal static partial Regex NamePattern();

    private static BrokerConfig ReadBroker(JsonElement root, string baseDir, bool checkFiles)
    {
        if (!root.TryGetProperty("broker", out var broker))
            throw new ConfigurationException("broker", "required (\"embedded\" or { \"url\": \"mqtt://HOST:PORT\", … })");
        if (broker.ValueKind == JsonValueKind.String)
            return new BrokerConfig { Url = BrokerConfig.ParseUrl(broker.GetString()!, "broker") };
        if (broker.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException("broker", $"expected \"embedded\" or an object, got {Describe(broker)}");
        foreach (var property in broker.EnumerateObject())
            if (property.Name is not ("url" or "caFile" or "credentialsFile"))
                throw new ConfigurationException($"broker.{property.Name}", "unknown field (known: url, caFile, credentialsFile)");
        var url = BrokerConfig.ParseUrl(RequiredString(broker, "url", "broker."), "broker.url");
        string? ca = OptionalString(broker, "caFile", "broker.");
        string? credentials = OptionalString(broker, "credentialsFile", "broker.");
        if (ca is not null && url.Scheme != "mqtts")
            throw new ConfigurationException("broker.caFile", "only meaningful with an mqtts:// url");
        return new BrokerConfig
        {
            Url = url,
            CaFile = ca is null ? null : ExistingFile(ca, "broker.caFile", baseDir, checkFiles),
            CredentialsFile = credentials is null ? null : ExistingFile(credentials, "broker.credentialsFile", baseDir, checkFiles),
        };
    }

    private static (double? Int8, double? Fp32) ReadPeakGops(JsonElement root)
    {
        if (!root.TryGetProperty("peakGops", out var peaks) || peaks.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (peaks.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException("peakGops", $"expected an object {{ \"int8\": N, \"fp32\": N }}, got {Describe(peaks)}");
        foreach (var property in peaks.EnumerateObject())
            if (property.Name is not ("int8" or "fp32"))
                throw new ConfigurationException($"peakGops.{property.Name}", "unknown field (known: int8, fp32)");
        return (OptionalPositiveNumber(peaks, "int8", "peakGops."), OptionalPositiveNumber(peaks, "fp32", "peakGops."));
    }

    private static LimitsConfig ReadLimits(JsonElement root)
    {
        if (!root.TryGetProperty("limits", out var limits))
            return new LimitsConfig();
        if (limits.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException("limits", $"expected an object, got {Describe(limits)}");
        foreach (var property in limits.EnumerateObject())
            if (property.Name is not ("maxModelBytes" or "maxConcurrentInferences"))
                throw new ConfigurationException($"limits.{property.Name}", "unknown field (known: maxModelBytes, maxConcurrentInferences)");
        var defaults = new LimitsConfig();
        return new LimitsConfig
        {
            MaxModelBytes = OptionalInteger(limits, "maxModelBytes", 1, long.MaxValue, "limits.") ?? defaults.MaxModelBytes,
            MaxConcurrentInferences = (int)(OptionalInteger(limits, "maxConcurrentInferences", 1, 1024, "limits.") ?? defaults.MaxConcurrentInferences),
        };
    }

    private static IReadOnlyList<SeedModel> ReadModels(JsonElement root, string baseDir, bool checkFiles)
    {
        if (!root.TryGetProperty("models", out var models))
            return [];
        if (models.ValueKind != JsonValueKind.Array)
            throw new ConfigurationException("models", $"expected an array, got {Describe(models)}");
        var result = new List<SeedModel>();
        int i = 0;
        foreach (var model in models.EnumerateArray())
        {
            string prefix = $"models[{i++}].";
            if (model.ValueKind != JsonValueKind.Object)
                throw new ConfigurationException(prefix.TrimEnd('.'), $"expected an object, got {Describe(model)}");
            foreach (var property in model.EnumerateObject())
                if (property.Name is not ("name" or "version" or "path"))
                    throw new ConfigurationException(prefix + property.Name, "unknown field (known: name, version, path)");
            string name = RequiredString(model, "name", prefix);
            if (!NamePattern().IsMatch(name))
                throw new ConfigurationException(prefix + "name", $"'{name}' is not a valid model name: use 1–64 letters, digits, '-', '_' or '.'");
            string version = RequiredString(model, "version", prefix);
            if (!ModelVersion.TryParse(version, out _))
                throw new ConfigurationException(prefix + "version", $"'{version}' is not a version (use numbers separated by dots, e.g. 1.2.0)");
            result.Add(new SeedModel(name, version, ExistingFile(RequiredString(model, "path", prefix), prefix + "path", baseDir, checkFiles)));
        }
        return result;
    }

    private static string ExistingFile(string path, string field, string baseDir, bool check)
    {
        string full = Path.GetFullPath(path, baseDir);
        if (check && !File.Exists(full))
            throw new ConfigurationException(field, $"file '{path}' not found (looked at {full})");
        return full;
    }

    private static string RequiredString(JsonElement obj, string name, string prefix = "")
        => OptionalString(obj, name, prefix) ?? throw new ConfigurationException(prefix + name, "required");

    private static string? OptionalString(JsonElement obj, string name, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            throw new ConfigurationException(prefix + name, $"expected a non-empty string, got {Describe(value)}");
        return value.GetString();
    }

    private static List<string> StringArray(JsonElement obj, string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var value))
            return required ? throw new ConfigurationException(name, "required") : [];
        if (value.ValueKind != JsonValueKind.Array)
            throw new ConfigurationException(name, $"expected an array of strings, got {Describe(value)}");
        var result = new List<string>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length == 0)
                throw new ConfigurationException($"{name}[{i}]", $"expected a non-empty string, got {Describe(item)}");
            result.Add(item.GetString()!);
            i++;
        }
        return result;
    }

    private static bool? OptionalBool(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ConfigurationException(name, $"expected true or false, got {Describe(value)}"),
        };
    }

    private static long? OptionalInteger(JsonElement obj, string name, long min, long max, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n))
            throw new ConfigurationException(prefix + name, $"expected an integer, got {Describe(value)}");
        if (n < min || n > max)
            throw new ConfigurationException(prefix + name, max == long.MaxValue ? $"must be at least {min}, got {n}" : $"must be between {min} and {max}, got {n}");
        return n;
    }

    private static double? OptionalPositiveNumber(JsonElement obj, string name, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() <= 0)
            throw new ConfigurationException(prefix + name, $"expected a positive number, got {Describe(value)}");
        return value.GetDouble();
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.GetRawText(),
    };
}
