using System.CommandLine;
using Edge.Quantization;
using Edge.Onnx;
using Edge.Quantization.Calibration;
using Edge.Quantization.Distillation;
using Edge.Quantization.Reporting;

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
        var output = new Argument<string?>("output") { Description = "Where to write the quantized model (written atomically); omit with --compare to measure INPUT itself.", Arity = ArgumentArity.ZeroOrOne };
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
        var report = new Option<string?>("--report") { Description = "Write an HTML report (per-layer weight histograms, scales, SQNR on the calibration set, worst layers, sizes); needs --calibration." };
        var compare = new Option<string?>("--compare") { Description = "Teacher model: measure the (quantized) student against it on --data (top-1 agreement, accuracy, KL at --temperature)." };
        var data = new Option<string?>("--data") { Description = "With --compare: folder with inputs.pb and optional labels.pb, teacher_logits.pb." };
        var temperature = new Option<double>("--temperature") { Description = "With --compare: softmax temperature of the KL divergence.", DefaultValueFactory = _ => 1 };
        var command = new Command("quantize", "Quantize an fp32 model to int8 (dynamic or calibrated static); report on it; compare a student with its teacher.")
        {
            input, output, mode, calibration, method, percentile, format, perChannel, reduceRange, activationType, exclude, report, compare, data, temperature,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            bool isStatic = parse.GetValue(mode) == "static";
            string? reportPath = parse.GetValue(report);
            if (!isStatic)
            {
                // Static-only options given for a dynamic run are a mistake worth saying (a report reads calibration data in both modes).
                foreach (var option in new Option[] { calibration, method, format, activationType, percentile })
                    if (parse.GetResult(option) is { Implicit: false } && !(option == calibration && reportPath is not null))
                        throw new CliException($"{option.Name} applies to --mode static only");
            }
            if (reportPath is not null && parse.GetValue(calibration) is null)
                throw new CliException("--report needs --calibration DIR (the report measures each layer on those batches)");
            string? teacher = parse.GetValue(compare);
            if ((teacher is null) != (parse.GetValue(data) is null))
                throw new CliException("--compare TEACHER and --data DIR go together");
            if (parse.GetValue(output) is null)
            {
                if (teacher is null)
                    throw new CliException("give OUTPUT (where the quantized model goes), or --compare TEACHER --data DIR to measure INPUT as it is");
                return Compare(parse.GetValue(input)!, teacher, parse.GetValue(data)!, parse.GetValue(temperature));
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
            int exit = Execute(parse.GetValue(input)!, parse.GetValue(output)!, options);
            if (reportPath is not null)
                WriteReport(parse.GetValue(input)!, parse.GetValue(output)!, options.CalibrationDirectory!, reportPath);
            return teacher is null ? exit : Compare(parse.GetValue(output)!, teacher, parse.GetValue(data)!, parse.GetValue(temperature));
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

    private static void WriteReport(string fp32Path, string quantizedPath, string calibrationFolder, string reportPath)
    {
        var fp32 = OnnxModelReader.ReadModel(fp32Path);
        var quantized = OnnxModelReader.ReadModel(quantizedPath);
        QuantizationReport report;
        try
        {
            var batches = CalibrationData.Load(calibrationFolder, fp32).Batches;
            report = new QuantizationReportBuilder { Fp32Name = Path.GetFileName(fp32Path), QuantizedName = Path.GetFileName(quantizedPath) }.Build(fp32, quantized, batches);
        }
        catch (QuantizationException e)
        {
            throw new CliException(e.Message);
        }
        QuantizationReportHtml.Write(report, reportPath);
        Console.WriteLine($"  report           {reportPath}");
    }

    private static int Compare(string student, string teacher, string dataFolder, double temperature)
    {
        foreach (var (path, what) in new[] { (student, "student"), (teacher, "--compare") })
            if (!File.Exists(path))
                throw new CliException($"{what}: {path}: no such model file");
        var metrics = DistillationComparison.Compare(student, teacher, dataFolder, temperature);
        Console.WriteLine($"{Path.GetFileName(student)} against teacher {Path.GetFileName(teacher)} on {dataFolder}:");
        Console.Write(metrics.ToText());
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
