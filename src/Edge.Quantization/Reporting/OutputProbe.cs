using Edge.Runtime;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Reporting;

/// <summary>A pair of model outputs compared over the calibration set: SQNR, and top-1 agreement for [batch, classes].</summary>
internal sealed class OutputProbe(string reference, string quantized)
{
    private readonly SignalNoise _sums = new();
    private int _rows, _agree;
    private bool _classification = true;

    public void Accumulate(Dictionary<string, Tensor> referenceResults, Dictionary<string, Tensor> quantizedResults)
    {
        var x = referenceResults[reference];
        var y = quantizedResults[quantized];
        if (x.Type != DataType.Float32 || y.Type != DataType.Float32 || x.ElementCount != y.ElementCount)
            throw new ModelException($"output '{reference}' of the fp32 model is {x}, output '{quantized}' of the quantized model is {y}: cannot compare them");
        _sums.Add(x.AsSpan<float>(), y.AsSpan<float>());
        if (x.Shape.Rank != 2 || x.Shape[1] < 2)
        {
            _classification = false;
            return;
        }
        int classes = x.Shape[1];
        for (int r = 0; r < x.Shape[0]; r++)
        {
            _rows++;
            if (Distillation.DistillationMetrics.ArgMax(x.AsSpan<float>().Slice(r * classes, classes)) ==
                Distillation.DistillationMetrics.ArgMax(y.AsSpan<float>().Slice(r * classes, classes)))
                _agree++;
        }
    }

    public OutputReport ToReport() =>
        new(reference, quantized, _sums.SqnrDb, _classification && _rows > 0 ? (double)_agree / _rows : null);
}
