using Edge.Onnx;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests.Fixtures;

namespace Edge.Runtime.Tests.Sessions;

/// <summary>
/// Corrupted real models (flipped bytes, truncation) either load and run, or fail with one of the
/// two documented errors — never another exception type, never a hang.
/// </summary>
public sealed class CorruptModelFuzzTests
{
    [Theory]
    [InlineData("kd_student", 1)]
    [InlineData("ptq_per_channel", 2)]
    [InlineData("dynamic_transformer", 3)]
    [InlineData("lstm", 4)]
    public async Task CorruptedModelsFailOnlyWithModelOrFormatErrors(string fixtureName, int seed)
    {
        var fixture = FixtureModel.Load(Path.Combine(RepositoryPaths.Fixtures, fixtureName));
        var original = File.ReadAllBytes(fixture.ModelPath);
        var input = fixture.TestInputs();
        var one = Tensor.FromArray<float>(new TensorShape([1, .. input.Shape.Dims[1..]]), input.AsSpan<float>()[..(input.ElementCount / input.Shape[0])]);
        var random = new Random(seed);
        var unexpected = new List<string>();
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            if (trial % 5 == 0)
            {
                bytes = bytes[..random.Next(1, bytes.Length)];
            }
            else
            {
                int flips = random.Next(1, 8);
                for (int f = 0; f < flips; f++)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }
            var task = Task.Run(() =>
            {
                var model = OnnxModelReader.ReadModel(bytes, $"trial{trial}.onnx", null);
                using var session = new InferenceSession(Graphs.GraphImporter.Import(model));
                if (session.Inputs.Count == 1 && session.Inputs[0].Type == DataType.Float32)
                    session.Run(new Dictionary<string, Tensor> { [session.Inputs[0].Name] = one });
            });
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                unexpected.Add($"trial {trial}: did not finish in 20 s");
            }
            catch (Exception e) when (e is ModelException or OnnxFormatException)
            {
            }
            catch (Exception e)
            {
                unexpected.Add($"trial {trial}: {e.GetType().Name}: {e.Message.Split('\n')[0]} at {e.StackTrace?.Split('\n')[0]}");
            }
        }
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(10)));
    }
}
