using Edge.Quantization.Reporting;

namespace Edge.Quantization.Tests.Reporting;

public sealed class LayerAlignerTests
{
    [Fact]
    public void A_layer_missing_from_one_model_does_not_shift_the_pairs_after_it()
    {
        var pairs = LayerAligner.Align(["[16,1,3,3]", "[32,16,3,3]", "[64,128]", "[10,64]"], ["[16,1,3,3]", "[64,128]", "[10,64]"]);
        Assert.Equal([(0, 0), (2, 1), (3, 2)], pairs);
    }

    [Fact]
    public void Repeated_shapes_pair_in_order()
    {
        var pairs = LayerAligner.Align(["[8,8]", "[8,8]", "[8,8]"], ["[8,8]", "[8,8]", "[8,8]"]);
        Assert.Equal([(0, 0), (1, 1), (2, 2)], pairs);
    }
}
