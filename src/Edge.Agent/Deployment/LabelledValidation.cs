using System.Globalization;
using Edge.Onnx.Protos;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;

namespace Edge.Agent.Deployment;

/// <summary>
/// Labelled validation: a batch of inputs (first dimension = samples) for the model's one input and
/// their int64 class labels; the model's first output, argmax per sample, must reach
/// <see cref="MinAccuracy"/> before the new version goes live.
/// </summary>
public sealed record LabelledValidation(TensorProto Inputs, TensorProto Labels, double MinAccuracy)
{
    /// <summary>Samples per run when the model's batch dimension is symbolic: few plans, small arenas.</summary>
    private const int SliceSamples = 16;

    /// <summary>Checks the shapes and the threshold; throws <see cref="InvalidOperationException"/> saying what is wrong.</summary>
    internal void CheckWellFormed()
    {
        if (!(MinAccuracy is >= 0 and <= 1))
            throw new InvalidOperationException($"minAccuracy must be between 0 and 1, got {MinAccuracy.ToString(CultureInfo.InvariantCulture)}");
        if (Labels.DataType != (int)TensorProto.Types.DataType.Int64 || Labels.Dims.Count != 1)
            throw new InvalidOperationException($"labels must be a 1-D int64 tensor, got data type {Labels.DataType} with {Labels.Dims.Count} dimensions");
        if (Inputs.Dims.Count < 1 || Inputs.Dims[0] != Labels.Dims[0] || Labels.Dims[0] == 0)
            throw new InvalidOperationException($"inputs have {(Inputs.Dims.Count == 0 ? "no batch dimension" : $"{Inputs.Dims[0]} samples")}, labels {Labels.Dims[0]}: they must match and not be empty");
    }

    /// <summary>The share of samples whose argmax of the first output equals the label, with the counts.</summary>
    public (double Accuracy, int Correct, int Total) Measure(InferenceSession session)
    {
        if (session.Inputs.Count != 1 || session.Outputs.Count < 1)
            throw Failed($"labelled validation needs a model with one input; this one takes {session.Inputs.Count}");
        var input = session.Inputs[0];
        var batch = TensorProtoConverter.ToTensor(Inputs, "labelled validation inputs");
        long[] labels = TensorProtoConverter.ToTensor(Labels, "labelled validation labels").ToInt64Array();
        int total = labels.Length, sampleBytes = batch.ByteLength / total;
        int slice = input.Dims is { Length: > 0 } dims && dims[0] is { } fixedBatch ? fixedBatch : SliceSamples;
        int correct = 0;
        for (int start = 0; start < total; start += slice)
        {
            int count = Math.Min(slice, total - start);
            var dimsOfSlice = batch.Shape.ToArray();
            dimsOfSlice[0] = count;
            var part = new Tensor(batch.Type, new TensorShape(dimsOfSlice), batch.Buffer, batch.ByteOffset + start * sampleBytes);
            Tensor output;
            try
            {
                output = session.Run(new Dictionary<string, Tensor> { [input.Name] = part })[session.Outputs[0].Name];
            }
            catch (Runtime.ModelException e)
            {
                throw Failed($"labelled validation samples {start}..{start + count - 1} do not run: {e.Message}");
            }
            double[] scores = output.ToDoubleArray();
            if (output.Shape.Rank < 1 || output.Shape[0] != count || scores.Length % count != 0)
                throw Failed($"output '{session.Outputs[0].Name}' has shape {output.Shape}; labelled validation needs one row of class scores per sample ({count})");
            int classes = scores.Length / count;
            for (int i = 0; i < count; i++)
                if (ArgMax(scores.AsSpan(i * classes, classes)) == labels[start + i])
                    correct++;
        }
        return ((double)correct / total, correct, total);
    }

    /// <summary>Throws <see cref="DeployRefusedException"/> (validation-failed) with the measured and required accuracy when below the threshold.</summary>
    public void Check(InferenceSession session)
    {
        var (accuracy, correct, total) = Measure(session);
        if (accuracy < MinAccuracy)
            throw Failed(string.Create(CultureInfo.InvariantCulture,
                $"accuracy {accuracy:0.####} ({correct} of {total} labelled samples) is below the required minAccuracy {MinAccuracy}"));
    }

    private static int ArgMax(ReadOnlySpan<double> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best])
                best = i;
        return best;
    }

    private static DeployRefusedException Failed(string message) => new(DeployRefusal.ValidationFailed, message);
}
