using Edge.Quantization.Distillation;

namespace Edge.Quantization.Tests.Distillation;

public sealed class DistillationMetricsTests
{
    [Fact]
    public void Metrics_match_a_direct_softmax_computation()
    {
        var random = new Random(7);
        const int samples = 50, classes = 6;
        const double temperature = 2.5;
        var student = new float[samples * classes];
        var teacher = new float[samples * classes];
        var labels = new long[samples];
        for (int i = 0; i < student.Length; i++)
        {
            teacher[i] = (float)(random.NextDouble() * 8 - 4);
            student[i] = teacher[i] + (float)(random.NextDouble() * 3 - 1.5);
        }
        for (int i = 0; i < samples; i++)
            labels[i] = random.Next(classes);

        var metrics = DistillationMetrics.Compute(student, teacher, classes, labels, temperature);

        // Independent reading: plain softmax probabilities, KL as Σ p·ln(p/q), argmax with LINQ.
        double kl = 0;
        int agree = 0, studentRight = 0, teacherRight = 0;
        for (int i = 0; i < samples; i++)
        {
            var t = teacher.Skip(i * classes).Take(classes).Select(v => (double)v).ToArray();
            var s = student.Skip(i * classes).Take(classes).Select(v => (double)v).ToArray();
            var p = Softmax(t, temperature);
            var q = Softmax(s, temperature);
            kl += p.Zip(q, (a, b) => a * Math.Log(a / b)).Sum();
            int tTop = Array.IndexOf(t, t.Max()), sTop = Array.IndexOf(s, s.Max());
            agree += tTop == sTop ? 1 : 0;
            studentRight += sTop == labels[i] ? 1 : 0;
            teacherRight += tTop == labels[i] ? 1 : 0;
        }
        Assert.Equal(samples, metrics.Samples);
        Assert.Equal(classes, metrics.Classes);
        Assert.Equal(kl / samples, metrics.MeanKlDivergence, 1e-9);
        Assert.Equal((double)agree / samples, metrics.Top1Agreement, 1e-12);
        Assert.Equal((double)studentRight / samples, metrics.StudentAccuracy!.Value, 1e-12);
        Assert.Equal((double)teacherRight / samples, metrics.TeacherAccuracy!.Value, 1e-12);
        Assert.InRange(metrics.Top1Agreement, 0.3, 0.99); // the noise above flips some but not all argmaxes
    }

    [Fact]
    public void A_student_equal_to_its_teacher_has_zero_divergence_and_full_agreement()
    {
        float[] logits = [1, 2, 3, -4, 0.5f, 0.25f];
        var metrics = DistillationMetrics.Compute(logits, logits, 3, ReadOnlySpan<long>.Empty, 4);
        Assert.Equal(1.0, metrics.Top1Agreement);
        Assert.Equal(0.0, metrics.MeanKlDivergence, 1e-12);
        Assert.Null(metrics.StudentAccuracy);
        Assert.Null(metrics.TeacherAccuracy);
    }

    [Fact]
    public void Huge_logits_at_a_small_temperature_stay_finite()
    {
        // exp(3000/0.1) overflows a naive softmax; log-softmax must not.
        float[] teacher = [3000, -3000, 0];
        float[] student = [0, 3000, -3000];
        var metrics = DistillationMetrics.Compute(student, teacher, 3, ReadOnlySpan<long>.Empty, 0.1);
        Assert.True(double.IsFinite(metrics.MeanKlDivergence));
        // p is one-hot on class 0, so KL = -log q0 = (3000 - 0) / 0.1.
        Assert.Equal(30000.0, metrics.MeanKlDivergence, 1e-6);
        Assert.Equal(0.0, metrics.Top1Agreement);
    }

    [Fact]
    public void The_text_form_has_one_line_per_figure()
    {
        var metrics = new DistillationMetrics(360, 10, 4, 0.9639, 0.0123, 0.9528, 0.9861);
        var lines = metrics.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("top-1 agreement") && l.Contains("0.9639"));
        Assert.Contains(lines, l => l.StartsWith("student accuracy") && l.Contains("0.9528"));
        Assert.Contains(lines, l => l.StartsWith("teacher accuracy") && l.Contains("0.9861"));
        Assert.Contains(lines, l => l.StartsWith("KL(teacher||student)") && l.Contains("0.012300") && l.Contains("T=4"));
    }

    [Fact]
    public void Mismatched_logit_counts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DistillationMetrics.Compute(new float[6], new float[9], 3, ReadOnlySpan<long>.Empty, 1));
        Assert.Throws<ArgumentException>(() => DistillationMetrics.Compute(new float[6], new float[6], 4, ReadOnlySpan<long>.Empty, 1));
        Assert.Throws<ArgumentException>(() => DistillationMetrics.Compute(new float[6], new float[6], 3, new long[3], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DistillationMetrics.Compute(new float[6], new float[6], 3, ReadOnlySpan<long>.Empty, 0));
    }

    private static double[] Softmax(double[] logits, double temperature)
    {
        var e = logits.Select(v => Math.Exp(v / temperature)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
