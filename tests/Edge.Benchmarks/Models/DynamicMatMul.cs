namespace Edge.Benchmarks.Models;

/// <summary>
/// The node pattern ORT's <c>quantize_dynamic</c> emits for a weight MatMul:
/// DynamicQuantizeLinear → MatMulInteger(int8 weights, zp 0) → Cast → Mul(x_scale·w_scale) → Add(bias).
/// </summary>
internal static class DynamicMatMul
{
    /// <summary>Adds the pattern for x[..., k] · W[k, n] + bias; returns the float output's name.</summary>
    public static string Add(GraphBuilder g, string x, float[] weight, int k, int n, float[]? bias)
    {
        var (q, scale) = Weights.QuantizePerTensor(weight);
        string w = g.Int8("w_q", q, k, n);
        string wZero = g.Int8("w_zp", [0]);
        string wScale = g.Scalar("w_scale", scale);
        var dq = g.NodeMulti("DynamicQuantizeLinear", [x], [g.Fresh("x_q"), g.Fresh("x_scale"), g.Fresh("x_zp")]);
        string acc = g.Node("MatMulInteger", [dq[0], w, dq[2], wZero]);
        string accF = g.Node("Cast", [acc], null, "", GraphBuilder.Attr("to", 1L));
        string scaleProduct = g.Node("Mul", [dq[1], wScale]);
        string y = g.Node("Mul", [accF, scaleProduct]);
        return bias is null ? y : g.Node("Add", [y, g.Float("bias", bias, n)]);
    }
}
