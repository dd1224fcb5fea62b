using Edge.Agent.Deployment;
using Edge.Agent.Tests.Deployment;
using Edge.Agent.Tests.Mqtt;
using Edge.Onnx;
using Edge.Onnx.Protos;
using Edge.Quantization.Distillation;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests;
using Google.Protobuf;

namespace Edge.Agent.Tests.Hosting;

/// <summary>
/// The distillation-aware gate on a real deploy: the teacher CNN lives on the device, its int8 student
/// (PyTorch's per-channel PTQ) passes, the same model with one weight scale ×10 is refused and the good one keeps serving.
/// </summary>
public sealed class MosquittoDistillationGateTests : AgentOnMosquitto
{
    private const int Samples = 120;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var teacher = await Client().PushAsync("teacher", "1.0", File.ReadAllBytes(Fixture("teacher_cnn", "model.onnx")), Trusted, false, TimeSpan.FromSeconds(30), default);
        Assert.True(teacher.IsActive, $"{teacher.FinalState.Reason}: {teacher.FinalState.Message}");
    }

    private DeployClient Client() => new(Device.Client, Device.Topics);

    private static string Fixture(string name, string file) => Path.Combine(RepositoryPaths.Fixtures, name, file);

    /// <summary>The first samples of the teacher's test split, with labels; teacher logits only when asked.</summary>
    private string GateSet(bool withTeacherLogits)
    {
        string folder = Keys.File(withTeacherLogits ? "set-logits" : "set");
        Directory.CreateDirectory(folder);
        var inputs = First(TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Fixture("teacher_cnn", "test_split/inputs.pb")), "inputs"));
        var labels = First(TensorProtoConverter.ToTensor(OnnxModelReader.ReadTensor(Fixture("teacher_cnn", "test_split/labels.pb")), "labels"));
        File.WriteAllBytes(Path.Combine(folder, DistillationData.InputsFile), TensorProtoConverter.ToProto(inputs, "input").ToByteArray());
        File.WriteAllBytes(Path.Combine(folder, DistillationData.LabelsFile), TensorProtoConverter.ToProto(labels, "labels").ToByteArray());
        if (withTeacherLogits)
        {
            using var teacher = InferenceSession.Load(Fixture("teacher_cnn", "model.onnx"));
            var logits = teacher.Run(new Dictionary<string, Tensor> { [teacher.Inputs[0].Name] = inputs }).Values.First();
            File.WriteAllBytes(Path.Combine(folder, DistillationData.TeacherLogitsFile), TensorProtoConverter.ToProto(logits, "teacher_logits").ToByteArray());
        }
        return folder;
    }

    private static Tensor First(Tensor all)
    {
        var dims = all.Shape.ToArray();
        dims[0] = Samples;
        var copy = Tensor.Allocate(all.Type, new TensorShape(dims));
        all.Bytes[..copy.Bytes.Length].CopyTo(copy.Bytes);
        return copy;
    }

    /// <summary>ptq_per_channel with the first weight DequantizeLinear's scales ×10: loads fine, computes nonsense.</summary>
    private static byte[] BrokenStudent()
    {
        var model = OnnxModelReader.ReadModel(Fixture("ptq_per_channel", "model.onnx"));
        var constants = model.Graph.Node.Where(n => n.OpType == "Constant").ToDictionary(n => n.Output[0]);
        var weightScale = model.Graph.Node.First(n => n.OpType == "DequantizeLinear" && constants.TryGetValue(n.Input[0], out var w)
            && w.Attribute[0].T.DataType == (int)TensorProto.Types.DataType.Int8).Input[1];
        var attribute = constants[weightScale].Attribute[0];
        var scale = TensorProtoConverter.ToTensor(attribute.T, "scale");
        foreach (ref float s in scale.AsSpan<float>())
            s *= 10;
        attribute.T = TensorProtoConverter.ToProto(scale, attribute.T.Name);
        return model.ToByteArray();
    }

    private static DistillationThresholds Thresholds => new() { Temperature = 4, MinTop1Agreement = 0.95, MinAccuracy = 0.9, MaxKlDivergence = 0.05 };

    [Fact]
    public async Task Int8_student_measured_against_the_teacher_on_the_device_goes_live_with_its_figures()
    {
        var gate = DistillationCheck.Pack(GateSet(withTeacherLogits: false), Thresholds, teacherModel: "teacher");
        var result = await Client().PushAsync("digits", "2.0", File.ReadAllBytes(Fixture("ptq_per_channel", "model.onnx")), Trusted, false, TimeSpan.FromSeconds(30), default, distillation: gate);

        Assert.True(result.IsActive, $"{result.FinalState.Reason}: {result.FinalState.Message}");
        var figures = result.FinalState.Distillation!;
        Assert.Equal(Samples, figures.Samples);
        Assert.InRange(figures.Top1Agreement, 0.95, 1.0);
        Assert.InRange(figures.Accuracy!.Value, 0.9, 1.0);
        Assert.InRange(figures.KlDivergence, 0, 0.05);
        Assert.Equal("2.0", Device.Agent.Models.Get("digits")!.Version.Text);
        // Telemetry repeats the figures for the live version.
        var report = Device.Agent.Telemetry.Snapshot().Models.Single(m => m.Name == "digits");
        Assert.Equal(figures, report.Distillation);
    }

    [Fact]
    public async Task Broken_quantization_is_refused_by_the_gate_and_the_active_model_keeps_serving()
    {
        var gate = DistillationCheck.Pack(GateSet(withTeacherLogits: true), Thresholds);
        var result = await Client().PushAsync("digits", "2.0", BrokenStudent(), Trusted, false, TimeSpan.FromSeconds(30), default, distillation: gate);

        Assert.False(result.IsActive);
        Assert.Equal(DeployRefusal.DistillationGate, result.FinalState.Reason);
        Assert.Contains("top-1 agreement", result.FinalState.Message);
        Assert.Equal("1.0", Device.Agent.Models.Get("digits")!.Version.Text);
        Assert.Equal(["1.0"], Device.Agent.Store.Versions("digits"));
        await Device.AssertServesSampleAsync();
    }

    [Fact]
    public async Task Gate_naming_a_teacher_that_is_not_live_is_refused()
    {
        var gate = DistillationCheck.Pack(GateSet(withTeacherLogits: false), Thresholds, teacherModel: "no-such-teacher");
        var result = await Client().PushAsync("digits", "2.0", File.ReadAllBytes(Fixture("ptq_per_channel", "model.onnx")), Trusted, false, TimeSpan.FromSeconds(30), default, distillation: gate);

        Assert.Equal(DeployRefusal.DistillationGate, result.FinalState.Reason);
        Assert.Contains("'no-such-teacher' is not live", result.FinalState.Message);
        await Device.AssertServesSampleAsync();
    }
}
