using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Onnx;
using Edge.Quantization;
using Edge.Quantization.Calibration;

namespace Edge.Agent.Deployment;

/// <summary>
/// The manifest's optional <c>quantize</c> object: the device quantizes the received fp32 model (a
/// distilled student, typically) before it validates and serves it — dynamic, or static with the
/// calibration batches carried in the manifest. PROTOCOL.md has the JSON.
/// </summary>
public sealed record QuantizeOnArrival(QuantizationOptions Options, IReadOnlyList<byte[]> Calibration)
{
    /// <summary>Builds the manifest object; <paramref name="calibrationFolder"/> (TensorProto .pb batches) is required for static.</summary>
    public static JsonObject Pack(QuantizationMode mode, string? calibrationFolder, bool perChannel = false,
        QuantizationFormat format = QuantizationFormat.Qdq, CalibrationMethod method = CalibrationMethod.MinMax, ActivationType activations = ActivationType.UInt8)
    {
        var packed = new JsonObject
        {
            ["mode"] = mode == QuantizationMode.Dynamic ? "dynamic" : "static",
            ["perChannel"] = perChannel,
        };
        if (mode == QuantizationMode.Static)
        {
            if (calibrationFolder is null || !Directory.Exists(calibrationFolder))
                throw new ArgumentException($"static quantization on the device needs a calibration folder of TensorProto .pb batches (got '{calibrationFolder}')");
            var files = Directory.GetFiles(calibrationFolder, "*.pb").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new ArgumentException($"calibration folder '{calibrationFolder}' holds no .pb files");
            packed["format"] = format == QuantizationFormat.Qdq ? "qdq" : "qoperator";
            packed["method"] = method.ToString().ToLowerInvariant();
            packed["activations"] = activations == ActivationType.UInt8 ? "uint8" : "int8";
            packed["calibration"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(Convert.ToBase64String(File.ReadAllBytes(f)))).ToArray());
        }
        return packed;
    }

    /// <summary>Reads the manifest field; null when absent. Throws invalid-manifest naming the field.</summary>
    public static QuantizeOnArrival? From(JsonNode? node)
    {
        if (node is null)
            return null;
        if (node is not JsonObject obj)
            throw Invalid("quantize", "expected an object { mode, perChannel, format, method, activations, calibration }");
        var options = new QuantizationOptions
        {
            Mode = Text(obj, "mode", "dynamic") switch
            {
                "dynamic" => QuantizationMode.Dynamic,
                "static" => QuantizationMode.Static,
                var other => throw Invalid("quantize.mode", $"'{other}' is not dynamic or static"),
            },
            PerChannel = obj["perChannel"] is { } perChannel && perChannel.GetValueKind() == JsonValueKind.True,
            Format = Text(obj, "format", "qdq") switch
            {
                "qdq" => QuantizationFormat.Qdq,
                "qoperator" => QuantizationFormat.QOperator,
                var other => throw Invalid("quantize.format", $"'{other}' is not qdq or qoperator"),
            },
            CalibrationMethod = Text(obj, "method", "minmax") switch
            {
                "minmax" => CalibrationMethod.MinMax,
                "percentile" => CalibrationMethod.Percentile,
                "entropy" => CalibrationMethod.Entropy,
                var other => throw Invalid("quantize.method", $"'{other}' is not minmax, percentile or entropy"),
            },
            ActivationType = Text(obj, "activations", "uint8") switch
            {
                "uint8" => ActivationType.UInt8,
                "int8" => ActivationType.Int8,
                var other => throw Invalid("quantize.activations", $"'{other}' is not uint8 or int8"),
            },
        };
        var calibration = new List<byte[]>();
        if (obj["calibration"] is JsonArray batches)
        {
            for (int i = 0; i < batches.Count; i++)
            {
                try
                {
                    calibration.Add(Convert.FromBase64String(batches[i]?.GetValue<string>() ?? throw new FormatException("null")));
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException)
                {
                    throw Invalid($"quantize.calibration[{i}]", "expected a base64 TensorProto");
                }
            }
        }
        else if (obj["calibration"] is not null)
        {
            throw Invalid("quantize.calibration", "expected an array of base64 TensorProto batches");
        }
        if (options.Mode == QuantizationMode.Static && calibration.Count == 0)
            throw Invalid("quantize.calibration", "static quantization needs at least one calibration batch");
        return new QuantizeOnArrival(options, calibration);
    }

    /// <summary>Quantizes <paramref name="modelPath"/>; refused as invalid-model when the quantizer cannot.</summary>
    /// <param name="scratch">A private folder for the calibration batches (removed afterwards).</param>
    public (byte[] Model, QuantizationResult Result) Apply(string modelPath, string scratch)
    {
        // The quantizer reads calibration from a folder (the workstation layout), so the batches go into one.
        Directory.CreateDirectory(scratch);
        try
        {
            for (int i = 0; i < Calibration.Count; i++)
                File.WriteAllBytes(Path.Combine(scratch, $"batch_{i:D4}.pb"), Calibration[i]);
            var options = Options with { CalibrationDirectory = Calibration.Count > 0 ? scratch : null };
            var result = ModelQuantizer.Quantize(OnnxModelReader.ReadModel(modelPath), options);
            return (Google.Protobuf.MessageExtensions.ToByteArray(result.Model), result);
        }
        catch (Exception e) when (e is QuantizationException or OnnxFormatException or Runtime.ModelException)
        {
            throw new DeployRefusedException(DeployRefusal.InvalidModel, $"quantizing on arrival ({Describe()}) failed: {e.Message}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>e.g. "static qdq per-channel, entropy, 4 calibration batches".</summary>
    public string Describe() => Options.Mode == QuantizationMode.Dynamic
        ? $"dynamic{(Options.PerChannel ? " per-channel" : "")}"
        : $"static {Options.Format.ToString().ToLowerInvariant()}{(Options.PerChannel ? " per-channel" : "")}, {Options.CalibrationMethod.ToString().ToLowerInvariant()}, {Calibration.Count} calibration batches";

    private static string Text(JsonObject obj, string name, string fallback)
    {
        var node = obj[name];
        if (node is null)
            return fallback;
        if (node.GetValueKind() != JsonValueKind.String)
            throw Invalid($"quantize.{name}", "expected a string");
        return node.GetValue<string>();
    }

    private static DeployRefusedException Invalid(string field, string problem) => DeployRefusedException.InvalidManifest(field, problem);
}
