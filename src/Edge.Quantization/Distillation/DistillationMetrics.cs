using System.Globalization;
using System.Text;

namespace Edge.Quantization.Distillation;

/// <summary>
/// How closely a student follows its teacher on a validation set. <see cref="MeanKlDivergence"/> is
/// the mean over samples of KL(softmax(t/T) ‖ softmax(s/T)) in nats, <b>not</b> multiplied by T²
/// (that factor only rescales gradients in a KD loss; unscaled values stay comparable across T).
/// </summary>
/// <param name="Samples">Samples compared.</param>
/// <param name="Classes">Logits per sample.</param>
/// <param name="Temperature">The softmax temperature T of the KL divergence.</param>
/// <param name="Top1Agreement">Share of samples whose student argmax equals the teacher's (first index wins ties).</param>
/// <param name="MeanKlDivergence">Mean KL(teacher ‖ student) at <paramref name="Temperature"/>, nats, not scaled by T².</param>
/// <param name="StudentAccuracy">Student top-1 accuracy on the labels; null without labels.</param>
/// <param name="TeacherAccuracy">Teacher top-1 accuracy on the labels; null without labels.</param>
public sealed record DistillationMetrics(
    int Samples,
    int Classes,
    double Temperature,
    double Top1Agreement,
    double MeanKlDivergence,
    double? StudentAccuracy,
    double? TeacherAccuracy)
{
    /// <summary>
    /// Computes the metrics from row-major logits [samples, classes]; <paramref name="labels"/> may be
    /// empty (no labels). Softmaxes are taken as log-softmax in double precision, so large logits
    /// and small temperatures neither overflow nor lose the tail.
    /// </summary>
    public static DistillationMetrics Compute(ReadOnlySpan<float> studentLogits, ReadOnlySpan<float> teacherLogits, int classes,
        ReadOnlySpan<long> labels, double temperature)
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "need at least one class");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive finite number");
        if (studentLogits.Length != teacherLogits.Length)
            throw new ArgumentException($"student has {studentLogits.Length} logits, teacher {teacherLogits.Length}: they must be the same [samples, classes]");
        if (studentLogits.Length == 0 || studentLogits.Length % classes != 0)
            throw new ArgumentException($"{studentLogits.Length} logits do not form whole rows of {classes} classes");
        int samples = studentLogits.Length / classes;
        if (!labels.IsEmpty && labels.Length != samples)
            throw new ArgumentException($"{labels.Length} labels for {samples} samples");

        var teacherLog = new double[classes];
        var studentLog = new double[classes];
        int agree = 0, studentRight = 0, teacherRight = 0;
        double klSum = 0;
        for (int i = 0; i < samples; i++)
        {
            var s = studentLogits.Slice(i * classes, classes);
            var t = teacherLogits.Slice(i * classes, classes);
            int sTop = ArgMax(s), tTop = ArgMax(t);
            if (sTop == tTop)
                agree++;
            if (!labels.IsEmpty)
            {
                if (sTop == labels[i]) studentRight++;
                if (tTop == labels[i]) teacherRight++;
            }
            LogSoftmax(t, temperature, teacherLog);
            LogSoftmax(s, temperature, studentLog);
            double kl = 0;
            for (int c = 0; c < classes; c++)
            {
                double p = Math.Exp(teacherLog[c]);
                if (p > 0)
                    kl += p * (teacherLog[c] - studentLog[c]);
            }
            // Rounding can leave a tiny negative value for identical distributions; KL is never below 0.
            klSum += Math.Max(0, kl);
        }
        bool labelled = !labels.IsEmpty;
        return new DistillationMetrics(samples, classes, temperature, (double)agree / samples, klSum / samples,
            labelled ? (double)studentRight / samples : null, labelled ? (double)teacherRight / samples : null);
    }

    /// <summary>One figure per line, "name  value", for a terminal (what <c>edge quantize --compare</c> prints).</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"samples              {Samples}");
        text.AppendLine(c, $"classes              {Classes}");
        text.AppendLine(c, $"top-1 agreement      {Top1Agreement:0.0000}");
        text.AppendLine(c, $"student accuracy     {(StudentAccuracy is { } s ? s.ToString("0.0000", c) : "n/a (no labels)")}");
        text.AppendLine(c, $"teacher accuracy     {(TeacherAccuracy is { } t ? t.ToString("0.0000", c) : "n/a (no labels)")}");
        text.AppendLine(c, $"KL(teacher||student) {MeanKlDivergence:0.000000} nats at T={Temperature:0.###} (mean per sample, not scaled by T^2)");
        return text.ToString();
    }

    internal static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
            if (row[c] > row[best])
                best = c;
        return best;
    }

    private static void LogSoftmax(ReadOnlySpan<float> logits, double temperature, double[] result)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < logits.Length; c++)
            max = Math.Max(max, logits[c] / temperature);
        double sum = 0;
        for (int c = 0; c < logits.Length; c++)
            sum += Math.Exp(logits[c] / temperature - max);
        double logSum = max + Math.Log(sum);
        for (int c = 0; c < logits.Length; c++)
            result[c] = logits[c] / temperature - logSum;
    }
}
