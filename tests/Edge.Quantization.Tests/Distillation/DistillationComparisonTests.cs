using Edge.Onnx;
using Edge.Quantization.Distillation;
using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Google.Protobuf;

namespace Edge.Quantization.Tests.Distillation;

public sealed class DistillationComparisonTests
{
    private const double Temperature = 4;

    [Fact]
    public void Kd_student_against_teacher_reproduces_the_fixture_accuracies_and_an_independent_reading()
    {
        var metrics = DistillationComparison.Compare(Fixtures.Model("kd_student"), Fixtures.Model("teacher_cnn"), Fixtures.Split("teacher_cnn"), Temperature);

        Assert.Equal(360, metrics.Samples);
        Assert.Equal(10, metrics.Classes);
        Assert.Equal(Fixtures.TorchAccuracy("kd_student"), metrics.StudentAccuracy!.Value, 0.005);
        Assert.Equal(Fixtures.TorchAccuracy("teacher_cnn"), metrics.TeacherAccuracy!.Value, 0.005);

        // ONNX Runtime's logits, read with a plain softmax: the same agreement and KL.
        var inputs = Fixtures.SplitInputs("teacher_cnn");
        var student = Fixtures.RunOrt(File.ReadAllBytes(Fixtures.Model("kd_student")), inputs);
        var teacher = Fixtures.RunOrt(File.ReadAllBytes(Fixtures.Model("teacher_cnn")), inputs);
        int agree = 0;
        double kl = 0;
        for (int i = 0; i < 360; i++)
        {
            var s = student.AsSpan(i * 10, 10).ToArray();
            var t = teacher.AsSpan(i * 10, 10).ToArray();
            agree += Array.IndexOf(s, s.Max()) == Array.IndexOf(t, t.Max()) ? 1 : 0;
            double sSum = s.Sum(v => Math.Exp(v / Temperature)), tSum = t.Sum(v => Math.Exp(v / Temperature));
            for (int c = 0; c < 10; c++)
            {
                double p = Math.Exp(t[c] / Temperature) / tSum, q = Math.Exp(s[c] / Temperature) / sSum;
                kl += p * Math.Log(p / q);
            }
        }
        Assert.Equal(agree / 360.0, metrics.Top1Agreement, 1e-9);
        Assert.Equal(kl / 360, metrics.MeanKlDivergence, 1e-4);
        // A distilled student agrees with its teacher about as often as it is right, and its
        // softened distribution is close but not equal to the teacher's.
        Assert.InRange(metrics.Top1Agreement, 0.9, 1.0);
        Assert.InRange(metrics.MeanKlDivergence, 1e-4, 0.5);
    }

    [Fact]
    public void Teacher_logits_from_the_data_folder_give_the_same_metrics_as_the_teacher_model()
    {
        string folder = Directory.CreateTempSubdirectory("edge-kd-logits-").FullName;
        try
        {
            var inputs = Fixtures.SplitInputs("teacher_cnn");
            var teacher = Fixtures.RunOrt(File.ReadAllBytes(Fixtures.Model("teacher_cnn")), inputs);
            foreach (string file in new[] { "inputs.pb", "labels.pb" })
                File.Copy(Path.Combine(Fixtures.Split("teacher_cnn"), file), Path.Combine(folder, file));
            OnnxModelWriter.WriteTensor(TensorProtoConverter.ToProto(Tensor.FromArray<float>(new TensorShape(360, 10), teacher), "teacher_logits"),
                Path.Combine(folder, DistillationData.TeacherLogitsFile));

            var fromFile = DistillationComparison.Compare(Fixtures.Model("kd_student"), null, folder, Temperature);
            var fromModel = DistillationComparison.Compare(Fixtures.Model("kd_student"), Fixtures.Model("teacher_cnn"), folder, Temperature);

            Assert.Equal(fromModel.Top1Agreement, fromFile.Top1Agreement);
            Assert.Equal(fromModel.StudentAccuracy, fromFile.StudentAccuracy);
            Assert.Equal(fromModel.TeacherAccuracy!.Value, fromFile.TeacherAccuracy!.Value, 1e-9);
            Assert.Equal(fromModel.MeanKlDivergence, fromFile.MeanKlDivergence, 1e-5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Without_teacher_logits_or_model_the_comparison_says_what_is_missing()
    {
        using var student = InferenceSession.Load(Fixtures.Model("kd_student"));
        var data = DistillationData.Load(Fixtures.Split("teacher_cnn"));
        var e = Assert.Throws<ModelException>(() => new DistillationComparison(student).Run(data));
        Assert.Contains("teacher_logits.pb", e.Message);
    }

    [Fact]
    public void The_gate_accepts_the_good_quantization_and_refuses_one_with_a_weight_scale_times_ten()
    {
        var data = DistillationData.Load(Fixtures.Split("teacher_cnn"));
        var thresholds = new DistillationThresholds { MinTop1Agreement = 0.95, MinAccuracy = 0.95, MaxKlDivergence = 0.05, Temperature = Temperature };
        var gate = new DistillationGate(thresholds);
        using var teacher = InferenceSession.Load(Fixtures.Model("teacher_cnn"));

        var good = Fixtures.ReadModel("ptq_per_channel");
        var goodVerdict = gate.Evaluate(Compare(good, teacher, data));
        Assert.True(goodVerdict.Accepted, goodVerdict.Summary);
        Assert.Equal(Fixtures.TorchAccuracy("ptq_per_channel"), goodVerdict.Metrics.StudentAccuracy!.Value, 0.005);

        var (broken, _) = ModelSurgery.ScaleWeight(good, weightIndex: 1, factor: 10);
        var brokenVerdict = gate.Evaluate(Compare(broken, teacher, data));
        Assert.False(brokenVerdict.Accepted);
        Assert.Contains(brokenVerdict.Failures, f => f.StartsWith("top-1 agreement with the teacher") && f.EndsWith("below the minimum 0.95"));
        Assert.StartsWith("refused: ", brokenVerdict.Summary);

        // Independent check of the broken student's agreement with ONNX Runtime running the same bytes.
        var inputs = Fixtures.SplitInputs("teacher_cnn");
        var ortStudent = Fixtures.RunOrt(broken.ToByteArray(), inputs);
        var ortTeacher = Fixtures.RunOrt(File.ReadAllBytes(Fixtures.Model("teacher_cnn")), inputs);
        int agree = Enumerable.Range(0, 360).Count(i => ArgMax(ortStudent, i) == ArgMax(ortTeacher, i));
        Assert.Equal(agree / 360.0, brokenVerdict.Metrics.Top1Agreement, 0.01);
    }

    private static DistillationMetrics Compare(Onnx.Protos.ModelProto student, InferenceSession teacher, DistillationData data)
    {
        using var session = new InferenceSession(GraphImporter.Import(student));
        return new DistillationComparison(session, teacher) { Temperature = Temperature }.Run(data);
    }

    private static int ArgMax(float[] logits, int sample)
    {
        var row = logits.AsSpan(sample * 10, 10).ToArray();
        return Array.IndexOf(row, row.Max());
    }
}
