using Edge.Onnx;
using Edge.Onnx.Protos;

namespace Edge.Quantization.Tests.Preprocessing;

public sealed class ConstantLifterTests
{
    [Fact]
    public void WeightWrittenAsConstantNodeIsQuantized()
    {
        var data = FixtureData.Get("mlp_fp32");
        var model = OnnxModelReader.ReadModel(data.ModelPath);
        // Move fc1.weight from the initializers into a Constant node, as some exporters write it.
        var weight = model.Graph.Initializer.Single(i => i.Name == "fc1.weight");
        model.Graph.Initializer.Remove(weight);
        var constant = new NodeProto { OpType = "Constant", Name = "fc1_weight_constant" };
        constant.Output.Add("fc1.weight");
        constant.Attribute.Add(new AttributeProto { Name = "value", T = weight, Type = AttributeProto.Types.AttributeType.Tensor });
        model.Graph.Node.Insert(0, constant);

        var result = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Dynamic });

        Assert.Equal(3, result.Model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.DoesNotContain(result.Model.Graph.Node, n => n.OpType == "Constant");
        var edge = ModelRunner.RunEdge(result.Model, data.InputName, data.TestInputs);
        var ort = ModelRunner.RunOrt(result.Model, data.InputName, data.TestInputs);
        Assert.Equal(ort.Select(BitConverter.SingleToInt32Bits), edge.Select(BitConverter.SingleToInt32Bits));
    }
}
