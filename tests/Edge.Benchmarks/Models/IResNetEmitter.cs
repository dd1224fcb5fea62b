namespace Edge.Benchmarks.Models;

/// <summary>
/// Writes the ResNet topology in one format (fp32, QDQ, QOperator). <c>key</c> names the float tensor
/// the step produces in the fp32 model, so quantised emitters can look up its calibrated range.
/// </summary>
internal interface IResNetEmitter
{
    string Input(string key);

    string Conv(string x, ConvLayer layer, bool relu, string key);

    string MaxPool(string x, string key);

    string AddRelu(string a, string b, string key);

    string GlobalAveragePool(string x, string key);

    void Classifier(string x, float[] weight, float[] bias, int inFeatures, int classes, string key);
}
