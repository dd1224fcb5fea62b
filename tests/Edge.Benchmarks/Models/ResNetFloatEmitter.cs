using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>Writes the ResNet in fp32; every step's output is named by its key (calibration reads them).</summary>
internal sealed class ResNetFloatEmitter : IResNetEmitter, IModelEmitter
{
    private readonly GraphBuilder _g = new();
    private readonly List<string> _keys = [];

    public IReadOnlyList<string> Keys => _keys;

    public ModelProto ToModel(string docString) => _g.ToModel(docString);

    public string Input(string key)
    {
        _g.Input(key, 1, 1, 3, 224, 224);
        _keys.Add(key);
        return key;
    }

    public string Conv(string x, ConvLayer l, bool relu, string key)
    {
        string w = _g.Float(l.Name + "_w", l.Weight, l.Cout, l.Cin, l.Kernel, l.Kernel);
        string b = _g.Float(l.Name + "_b", l.Bias, l.Cout);
        string y = _g.Node("Conv", [x, w, b], relu ? null : Key(key), "", ConvAttributes(l));
        return relu ? _g.Node("Relu", [y], Key(key)) : y;
    }

    public static Onnx.Protos.AttributeProto[] ConvAttributes(ConvLayer l) =>
    [
        GraphBuilder.Attr("kernel_shape", l.Kernel, l.Kernel),
        GraphBuilder.Attr("strides", l.Stride, l.Stride),
        GraphBuilder.Attr("pads", l.Pad, l.Pad, l.Pad, l.Pad),
    ];

    public static Onnx.Protos.AttributeProto[] PoolAttributes() =>
    [
        GraphBuilder.Attr("kernel_shape", 3, 3),
        GraphBuilder.Attr("strides", 2, 2),
        GraphBuilder.Attr("pads", 1, 1, 1, 1),
    ];

    public string MaxPool(string x, string key) => _g.Node("MaxPool", [x], Key(key), "", PoolAttributes());

    public string AddRelu(string a, string b, string key) => _g.Node("Relu", [_g.Node("Add", [a, b])], Key(key));

    public string GlobalAveragePool(string x, string key) => _g.Node("GlobalAveragePool", [x], Key(key));

    public void Classifier(string x, float[] weight, float[] bias, int inFeatures, int classes, string key)
    {
        string flat = _g.Node("Flatten", [x], null, "", GraphBuilder.Attr("axis", 1L));
        _g.Node("Gemm", [flat, _g.Float("fc_w", weight, classes, inFeatures), _g.Float("fc_b", bias, classes)], Key(key), "",
            GraphBuilder.Attr("transB", 1L));
        _g.Output(key, 1, 1, classes);
    }

    private string Key(string key)
    {
        _keys.Add(key);
        return key;
    }
}
