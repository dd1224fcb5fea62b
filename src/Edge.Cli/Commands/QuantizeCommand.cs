using System.CommandLine;
using Edge.Quantization;
using Edge.Quantization.Calibration;

namespace Edge.Cli.Commands;

/// <summary>
/// <c>edge quantize IN OUT</c>: dynamic (int8 MatMul/Gemm weights) or static (calibrated int8
/// activations, QDQ or QOperator) quantization of an fp32 model; prints what was quantized, what
/// stayed float and why, and the size before and after.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "fp32 ONNX model." };
        var output = new Argument<string>("output") { Description = "Where to write the quantized model (written atomically)." };
        var mode = new Option<string>("--mode") { Description = "dynamic: int8 weights, activations quantized per run; static: calibrated int8 activations.", DefaultValueFactory = _ => "dynamic" };
        mode.AcceptOnlyFromAmong("dynamic", "static");
        var calibration = new Option<string?>("--calibration") { Description = "Static: folder of TensorProto .pb batches (one per file; <input>_K.pb for several inputs)." };
        var method = new Option<string>("--method") { Description = "Static: how activation ranges are chosen.", DefaultValueFactory = _ => "minmax" };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var percentile = new Option<double>("--percentile") { Description = "Percentile calibrator: share of values (in %) inside the range.", DefaultValueFactory = _ => 99.99 };
        var format = new Option<string>("--format") { Description = "Static: qdq (QuantizeLinear/DequantizeLinear pairs) or qoperator (QLinearConv, QLinearMatMul, QGemm).", DefaultValueFactory = _ => "qdq" };
        format.AcceptOnlyFromAmong("qdq", "qoperator");
        var perChannel = new Option<bool>("--per-channel") { Description = "Weights per output channel/column instead of per tensor." };
        var reduceRange = new Option<bool>("--reduce-range") { Description = "7-bit weights ([-63, 63])." };
        var activationType = new Option<string>("--activation-type") { Description = "Static: type of quantized activations.", DefaultValueFactory = _ => "uint8" };
        activationType.AcceptOnlyFromAmong("uint8", "int8");
        var exclude = new Option<string[]>("--exclude") { Description = "Node names that stay float.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("quantize", "Quantize an fp32 model to int8 (dynamic or calibrated static).")
        {
            input, output, mode, calibration, method, percentile, format, perChannel, reduceRange, activationType, exclude,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            bool isStatic = parse.GetValue(mode) == "static";
            if (!isStatic)
            {
                // Static-only options given for a dynamic run are a mistake worth saying.
                foreach (var option in new Option[] { calibration, method, format, activationType, percentile })
                    if (parse.GetResult(option) is { Implicit: false })
                        throw new CliException($"{option.Name} applies to --mode static only");
            }
            var options = new QuantizationOptions
            {
                Mode = isStatic ? QuantizationMode.Static : QuantizationMode.Dynamic,
                CalibrationDirectory = parse.GetValue(calibration),
                CalibrationMethod = parse.GetValue(method) switch { "percentile" => CalibrationMethod.Percentile, "entropy" => CalibrationMethod.Entropy, _ => CalibrationMethod.MinMax },
                Percentile = parse.GetValue(percentile),
                Format = parse.GetValue(format) == "qoperator" ? QuantizationFormat.QOperator : QuantizationFormat.Qdq,
                PerChannel = parse.GetValue(perChannel),
                ReduceRange = parse.GetValue(reduceRange),
                ActivationType = parse.GetValue(activationType) == "int8" ? ActivationType.Int8 : ActivationType.UInt8,
                ExcludedNodes = parse.GetValue(exclude) ?? [],
            };
            if (isStatic && options.CalibrationDirectory is null)
                throw new CliException("--mode static needs --calibration DIR (TensorProto .pb batches)");
            return Execute(parse.GetValue(input)!, parse.GetValue(output)!, options);
        }));
        return command;
    }

    private static int Execute(string input, string output, QuantizationOptions options)
    {
        if (!File.Exists(input))
            throw new CliException($"{input}: no such model file");
        QuantizationResult result;
        try
        {
            result = ModelQuantizer.QuantizeFile(input, output, options);
        }
        catch (QuantizationException e)
        {
            throw new CliException(e.Message);
        }
        Console.WriteLine($"quantized {input} → {output} ({Describe(options)})");
        Console.WriteLine($"  nodes quantized  {result.QuantizedCount} of {result.Decisions.Count}");
        Console.WriteLine($"  left float       {result.FloatCount}");
        foreach (var group in result.Decisions.Where(d => !d.Quantized).GroupBy(d => d.Reason))
        {
            var names = group.Select(d => $"{d.Node} ({d.OpType})").ToList();
            string shown = string.Join(", ", names.Take(4)) + (names.Count > 4 ? $", … {names.Count - 4} more" : "");
            Console.WriteLine($"    {group.Key}: {shown}");
        }
        Console.WriteLine($"  size             {result.SizeBefore / 1024.0:F1} KiB → {result.SizeAfter / 1024.0:F1} KiB ({(double)result.SizeAfter / result.SizeBefore:P0})");
        return ExitCodes.Success;
    }

    private static string Describe(QuantizationOptions o)
    {
        string weights = (o.PerChannel ? "per-channel" : "per-tensor") + (o.ReduceRange ? " 7-bit" : "") + " weights";
        return o.Mode == QuantizationMode.Dynamic
            ? $"dynamic, {weights}"
            : $"static {(o.Format == QuantizationFormat.Qdq ? "QDQ" : "QOperator")}, {o.CalibrationMethod.ToString().ToLowerInvariant()} calibration, {weights}, {o.ActivationType.ToString().ToLowerInvariant()} activations";
    }
}
