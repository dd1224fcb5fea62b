using Edge.Onnx;
using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// The generated speed models, written once into a cache folder. The file name carries a format
/// version: bump it when a generator changes so stale cached models are rebuilt, never reused.
/// </summary>
internal static class SpeedModels
{
    private const string Version = "v1";

    public const string Gemv = "gemv-4096-dyn-int8";

    public static readonly string[] Names =
        [Gemv, "bert-layer-fp32", "bert-layer-dyn-int8", "resnet-fp32", "resnet-qdq-int8", "resnet-qop-int8"];

    public static string CacheFolder(string repoRoot) =>
        Environment.GetEnvironmentVariable("EDGE_BENCH_MODELS") ?? Path.Combine(repoRoot, "tests", "Edge.Benchmarks", "bin", "models");

    public static string PathOf(string repoRoot, string name) => Path.Combine(CacheFolder(repoRoot), $"{name}.{Version}.onnx");

    /// <summary>Writes the named model unless cached; returns its path. Generated models are checked in ORT first.</summary>
    public static string Ensure(string repoRoot, string name, TextWriter log)
    {
        string path = PathOf(repoRoot, name);
        if (File.Exists(path))
            return path;
        Directory.CreateDirectory(CacheFolder(repoRoot));
        log.WriteLine($"generating {name} -> {path}");
        var model = Build(name);
        string temp = path + ".tmp";
        OnnxModelWriter.WriteModel(model, temp);
        // A model ORT cannot run would only measure our generator's bugs: validate before caching.
        OrtEngine.Validate(temp);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    private static ModelProto Build(string name)
    {
        switch (name)
        {
            case Gemv: return DynamicGemvModel.Build();
            case "bert-layer-fp32": return BertLayerModel.Build(dynamicInt8: false);
            case "bert-layer-dyn-int8": return BertLayerModel.Build(dynamicInt8: true);
            case "resnet-fp32": return ResNetModel.BuildFloat();
        }
        var (floatModel, keys) = ResNetModel.BuildFloatWithKeys();
        var ranges = ActivationCalibrator.Calibrate(floatModel, keys, "input", [1, 3, 224, 224]);
        return name switch
        {
            "resnet-qdq-int8" => ResNetModel.BuildQdq(ranges),
            "resnet-qop-int8" => ResNetModel.BuildQOperator(ranges),
            _ => throw new ArgumentException($"unknown speed model '{name}'"),
        };
    }
}
