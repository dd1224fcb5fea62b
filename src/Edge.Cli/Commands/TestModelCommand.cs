using System.CommandLine;
using Edge.Runtime.Sessions;
using Edge.Runtime.Validation;

namespace Edge.Cli.Commands;

/// <summary><c>edge test-model DIR</c>: runs an ONNX backend-test folder and compares every output.</summary>
public static class TestModelCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Folder with model.onnx and test_data_set_N/{input,output}_K.pb." };
        var backend = CommonOptions.Backend();
        var threads = CommonOptions.Threads();
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance for float outputs.", DefaultValueFactory = _ => Tolerance.OnnxDefault.Absolute };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance for float outputs.", DefaultValueFactory = _ => Tolerance.OnnxDefault.Relative };
        var command = new Command("test-model", "Check a model against expected outputs (exit 0 all match, 1 mismatch, 2 error).") { dir, backend, threads, atol, rtol };
        command.SetAction(parse => CommandGuard.Run(() => Execute(
            parse.GetValue(dir)!, parse.GetValue(backend)!, parse.GetValue(threads), new Tolerance(parse.GetValue(rtol), parse.GetValue(atol)))));
        return command;
    }

    private static int Execute(string dir, string backend, int threads, Tolerance tolerance)
    {
        string model = Path.Combine(dir, "model.onnx");
        if (!File.Exists(model))
            throw new CliException($"{dir}: no model.onnx");
        if (ModelTestRunner.DataSets(dir).Count == 0)
            throw new CliException($"{dir}: no test_data_set_N folders");
        var session = InferenceSession.Load(model, CommonOptions.SessionOptions(backend, threads));
        var results = ModelTestRunner.Run(session, dir, tolerance);
        bool anyError = false, anyMismatch = false;
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                anyError = true;
                Console.WriteLine($"{result.Name}: ERROR {result.Error}");
                continue;
            }
            if (result.Outputs.Count == 0)
            {
                anyError = true;
                Console.WriteLine($"{result.Name}: ERROR no output_K.pb to compare with");
                continue;
            }
            anyMismatch |= !result.Passed;
            string detail = string.Join("; ", result.Outputs.Where(o => !o.Matches).Select(o => $"{o.Name}: {o.Problem}"));
            Console.WriteLine($"{result.Name}: {(result.Passed ? "ok" : "MISMATCH")} max abs err {result.MaxAbsoluteError:G4}, max rel err {result.MaxRelativeError:G4}{(detail.Length > 0 ? " — " + detail : "")}");
        }
        return anyError ? ExitCodes.Error : anyMismatch ? ExitCodes.Mismatch : ExitCodes.Success;
    }
}
