using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// Writes the ResNet in QOperator form: QLinearConv (ReLU fused by an output zero point of 0),
/// uint8 MaxPool, com.microsoft QLinearAdd / QLinearGlobalAveragePool / QGemm. Same weights and
/// calibration as the QDQ model, so both should give the same uint8 logits.
/// </summary>
internal sealed class ResNetQOperatorEmitter(IReadOnlyDictionary<string, (float Min, float Max)> ranges) : IResNetEmitter, IModelEmitter
{
    private const string Ms = "com.microsoft";
    private readonly GraphBuilder _g = new();
    private readonly Dictionary<string, QuantParams> _params = new(StringComparer.Ordinal);

    public ModelProto ToModel(string docString) => _g.ToModel(docString);

    public string Input(string key)
    {
        _g.Input(key, 1, 1, 3, 224, 224);
        var p = Params(key);
        string y = _g.Node("QuantizeLinear", [key, _g.Scalar("scale", p.Scale), _g.UInt8("zp", [p.ZeroPoint])]);
        _params[y] = p;
        return y;
    }

    public string Conv(string x, ConvLayer l, bool relu, string key)
    {
        var (sx, zx) = Scalars(x);
        var (wq, ws) = Weights.QuantizePerChannel(l.Weight, l.Cout);
        var p = Params(key);
        string y = _g.Node("QLinearConv",
        [
            x, sx, zx,
            _g.Int8(l.Name + "_wq", wq, l.Cout, l.Cin, l.Kernel, l.Kernel), _g.Float(l.Name + "_ws", ws, l.Cout), _g.Int8(l.Name + "_wzp", new sbyte[l.Cout], l.Cout),
            _g.Scalar("y_scale", p.Scale), _g.UInt8("y_zp", [p.ZeroPoint]),
            Bias(l.Name, l.Bias, _params[x].Scale, ws),
        ], null, "", ResNetFloatEmitter.ConvAttributes(l));
        _params[y] = p;
        return y;
    }

    public string MaxPool(string x, string key)
    {
        string y = _g.Node("MaxPool", [x], null, "", ResNetFloatEmitter.PoolAttributes());
        _params[y] = _params[x];
        return y;
    }

    public string AddRelu(string a, string b, string key)
    {
        var (sa, za) = Scalars(a);
        var (sb, zb) = Scalars(b);
        var p = Params(key);
        string y = _g.Node("QLinearAdd", [a, sa, za, b, sb, zb, _g.Scalar("y_scale", p.Scale), _g.UInt8("y_zp", [p.ZeroPoint])], null, Ms);
        _params[y] = p;
        return y;
    }

    public string GlobalAveragePool(string x, string key)
    {
        var (sx, zx) = Scalars(x);
        var p = Params(key);
        string y = _g.Node("QLinearGlobalAveragePool", [x, sx, zx, _g.Scalar("y_scale", p.Scale), _g.UInt8("y_zp", [p.ZeroPoint])], null, Ms,
            GraphBuilder.Attr("channels_last", 0L));
        _params[y] = p;
        return y;
    }

    public void Classifier(string x, float[] weight, float[] bias, int inFeatures, int classes, string key)
    {
        string flat = _g.Node("Flatten", [x], null, "", GraphBuilder.Attr("axis", 1L));
        var (sx, zx) = Scalars(x);
        var (wq, ws) = Weights.QuantizePerChannel(weight, classes);
        var p = Params(key);
        _g.Node("QGemm",
        [
            flat, sx, zx,
            _g.Int8("fc_wq", wq, classes, inFeatures), _g.Float("fc_ws", ws, classes), _g.Int8("fc_wzp", new sbyte[classes], classes),
            Bias("fc", bias, _params[x].Scale, ws),
            _g.Scalar("y_scale", p.Scale), _g.UInt8("y_zp", [p.ZeroPoint]),
        ], "logits_q", Ms, GraphBuilder.Attr("transB", 1L));
        _g.Output("logits_q", 2, 1, classes);
    }

    private QuantParams Params(string key) => QuantParams.FromRange(ranges[key].Min, ranges[key].Max);

    private (string Scale, string ZeroPoint) Scalars(string x) =>
        (_g.Scalar("scale", _params[x].Scale), _g.UInt8("zp", [_params[x].ZeroPoint]));

    private string Bias(string name, float[] bias, float xScale, float[] wScales) =>
        _g.Int32(name + "_bq", bias.Select((b, i) => (int)MathF.Round(b / (xScale * wScales[i]))).ToArray(), bias.Length);
}
