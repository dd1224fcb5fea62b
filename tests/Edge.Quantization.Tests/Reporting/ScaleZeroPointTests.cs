using Edge.Quantization.Reporting;
using Edge.Runtime;

namespace Edge.Quantization.Tests.Reporting;

public sealed class ScaleZeroPointTests
{
    [Fact]
    public void Per_channel_dequantization_follows_the_axis_even_when_negative()
    {
        // Shape [2, 3], one scale and zero point per column (axis -1 = 1).
        var quant = new ScaleZeroPoint([1f, 0.5f, 0.25f], [0, 2, -4], -1);
        var values = quant.Dequantize([4, 4, 4, -4, -4, -4], [2, 3]);
        Assert.Equal([4f, 1f, 2f, -4f, -3f, 0f], values);
        Assert.Throws<ModelException>(() => quant.Dequantize([1, 2, 3, 4], [2, 2]));
    }

    [Fact]
    public void Per_tensor_dequantization_uses_the_one_scale()
    {
        var quant = new ScaleZeroPoint([0.1f], [128], 1);
        Assert.Equal([-12.8f, 0f, 12.7f], quant.Dequantize([0, 128, 255], [3]), (a, b) => Math.Abs(a - b) < 1e-5);
    }
}
