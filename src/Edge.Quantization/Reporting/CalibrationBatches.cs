using Edge.Runtime.Tensors;

namespace Edge.Quantization.Reporting;

/// <summary>Calibration data in the shape the report takes: batches of named inputs.</summary>
public static class CalibrationBatches
{
    /// <summary>
    /// Splits a stacked tensor (dimension 0 = samples) into batches of at most <paramref name="batchSize"/>
    /// samples for one input, without copying; <paramref name="maxSamples"/> keeps only the first ones.
    /// </summary>
    public static IEnumerable<IReadOnlyDictionary<string, Tensor>> Split(string inputName, Tensor samples, int batchSize, int maxSamples = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (samples.Shape.Rank < 1)
            throw new ArgumentException($"calibration tensor for '{inputName}' is a scalar; need samples along dimension 0");
        int total = Math.Min(samples.Shape[0], maxSamples);
        int sampleBytes = samples.Shape[0] == 0 ? 0 : samples.ByteLength / samples.Shape[0];
        return Batches();

        IEnumerable<IReadOnlyDictionary<string, Tensor>> Batches()
        {
            for (int start = 0; start < total; start += batchSize)
            {
                var dims = samples.Shape.ToArray();
                dims[0] = Math.Min(batchSize, total - start);
                var slice = new Tensor(samples.Type, new TensorShape(dims), samples.Buffer, samples.ByteOffset + start * sampleBytes);
                yield return new Dictionary<string, Tensor>(StringComparer.Ordinal) { [inputName] = slice };
            }
        }
    }
}
