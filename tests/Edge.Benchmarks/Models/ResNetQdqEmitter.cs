using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// Writes the ResNet in QDQ form as ORT's static quantiser does: uint8 per-tensor activations,
/// int8 per-channel weights (axis 0), int32 bias as DequantizeLinear with scale x_scale·w_scale and
/// zp 0, DQ→Conv→Relu→Q, residual Add in QDQ, MaxPool/GlobalAveragePool wrapped in DQ/Q.
/// The output is the classifier's uint8 logits, so int8 parity can be checked step for step.
/// </summary>
internal sealed class ResNetQdqEmitter(IReadOnlyDictionary<string, (float Min, float Max)> ranges) : IResNetEmitter, IModelEmitter
{
    private readonly GraphBuilder _g = new();
    private readonly Dictionary<string, QuantParams> _params = new(StringComparer.Ordinal);

    public ModelProto ToModel(string docString) => _g.ToModel(docString);

    public string Input(string key)
    {
        _g.Input(key, 1, 1, 3, 224, 224);
        return Quantize(key, key);
    }

    public string Conv(string x, ConvLayer l, bool relu, string key)
    {
        var p = _params[x];
        var (wq, ws) = Weights.QuantizePerChannel(l.Weight, l.Cout);
        string w = Dequantize(_g.Int8(l.Name + "_wq", wq, l.Cout, l.Cin, l.Kernel, l.Kernel),
            _g.Float(l.Name + "_ws", ws, l.Cout), _g.Int8(l.Name + "_wzp", new sbyte[l.Cout], l.Cout), axis: 0);
        string b = Bias(l.Name, l.Bias, p.Scale, ws);
        string y = _g.Node("Conv", [Dequantize(x), w, b], null, "", ResNetFloatEmitter.ConvAttributes(l));
        if (relu)
            y = _g.Node("Relu", [y]);
        return Quantize(y, key);
    }

    public string MaxPool(string x, string key)
    {
        // MaxPool keeps its input's scale and zero point, as ORT's quantiser writes it.
        string y = _g.Node("MaxPool", [Dequantize(x)], null, "", ResNetFloatEmitter.PoolAttributes());
        return Quantize(y, _params[x]);
    }

    public string AddRelu(string a, string b, string key) =>
        Quantize(_g.Node("Relu", [_g.Node("Add", [Dequantize(a), Dequantize(b)])]), key);

    public string GlobalAveragePool(string x, string key) => Quantize(_g.Node("GlobalAveragePool", [Dequantize(x)]), key);

    public void Classifier(string x, float[] weight, float[] bias, int inFeatures, int classes, string key)
    {
        string flat = _g.Node("Flatten", [x], null, "", GraphBuilder.Attr("axis", 1L));
        _params[flat] = _params[x];
        var (wq, ws) = Weights.QuantizePerChannel(weight, classes);
        string w = Dequantize(_g.Int8("fc_wq", wq, classes, inFeatures), _g.Float("fc_ws", ws, classes),
            _g.Int8("fc_wzp", new sbyte[classes], classes), axis: 0);
        string b = Bias("fc", bias, _params[x].Scale, ws);
        string y = _g.Node("Gemm", [Dequantize(flat), w, b], null, "", GraphBuilder.Attr("transB", 1L));
        var p = Params(key);
        _g.Node("QuantizeLinear", [y, _g.Scalar("y_scale", p.Scale), _g.UInt8("y_zp", [p.ZeroPoint])], "logits_q");
        _g.Output("logits_q", 2, 1, classes);
    }

    private QuantParams Params(string key) => QuantParams.FromRange(ranges[key].Min, ranges[key].Max);

    private string Quantize(string x, string key) => Quantize(x, Params(key));

    private string Quantize(string x, QuantParams p)
    {
        string y = _g.Node("QuantizeLinear", [x, _g.Scalar("scale", p.Scale), _g.UInt8("zp", [p.ZeroPoint])]);
        _params[y] = p;
        return y;
    }

    private string Dequantize(string xq)
    {
        var p = _params[xq];
        return _g.Node("DequantizeLinear", [xq, _g.Scalar("scale", p.Scale), _g.UInt8("zp", [p.ZeroPoint])]);
    }

    private string Dequantize(string q, string scale, string zp, long axis) =>
        _g.Node("DequantizeLinear", [q, scale, zp], null, "", GraphBuilder.Attr("axis", axis));

    private string Bias(string name, float[] bias, float xScale, float[] wScales)
    {
        var scales = wScales.Select(s => xScale * s).ToArray();
        var q = bias.Select((b, i) => (int)MathF.Round(b / scales[i])).ToArray();
        return Dequantize(_g.Int32(name + "_bq", q, q.Length), _g.Float(name + "_bs", scales, q.Length),
            _g.Int32(name + "_bzp", new int[q.Length], q.Length), axis: 0);
    }
}
