using Edge.Onnx.Protos;

namespace Edge.Benchmarks.Models;

/// <summary>
/// One BERT-base encoder layer (seq 128, hidden 768, 12 heads, FFN 3072, GELU via Erf,
/// LayerNormalization from opset 17), fp32 or with every weight MatMul dynamically quantised to int8.
/// Both variants use the same float weights, so their outputs are comparable.
/// </summary>
internal static class BertLayerModel
{
    public const int Seq = 128, Hidden = 768, Heads = 12, HeadDim = 64, Ffn = 3072;

    public static ModelProto Build(bool dynamicInt8)
    {
        var rng = new Random(768);
        var g = new GraphBuilder();
        g.Input("x", 1, 1, Seq, Hidden);

        string Linear(string x, int k, int n)
        {
            var w = Weights.Uniform(rng, k * n, MathF.Sqrt(3f / k));
            var b = Weights.Uniform(rng, n, 0.02f);
            if (dynamicInt8)
                return DynamicMatMul.Add(g, x, w, k, n, b);
            string y = g.Node("MatMul", [x, g.Float("w", w, k, n)]);
            return g.Node("Add", [y, g.Float("b", b, n)]);
        }

        string headShape = g.Int64("head_shape", [1, Seq, Heads, HeadDim], 4);
        string Heads4(string x, long[] perm) =>
            g.Node("Transpose", [g.Node("Reshape", [x, headShape])], null, "", GraphBuilder.Attr("perm", perm));

        string q = Heads4(Linear("x", Hidden, Hidden), [0, 2, 1, 3]);
        string k = Heads4(Linear("x", Hidden, Hidden), [0, 2, 3, 1]);
        string v = Heads4(Linear("x", Hidden, Hidden), [0, 2, 1, 3]);
        string scores = g.Node("Mul", [g.Node("MatMul", [q, k]), g.Scalar("inv_sqrt_d", 1f / MathF.Sqrt(HeadDim))]);
        string probs = g.Node("Softmax", [scores], null, "", GraphBuilder.Attr("axis", -1L));
        string context = g.Node("Transpose", [g.Node("MatMul", [probs, v])], null, "", GraphBuilder.Attr("perm", 0, 2, 1, 3));
        string merged = g.Node("Reshape", [context, g.Int64("hidden_shape", [1, Seq, Hidden], 3)]);
        string attention = Linear(merged, Hidden, Hidden);
        string norm1 = LayerNorm(g, rng, g.Node("Add", [attention, "x"]));

        string h = Linear(norm1, Hidden, Ffn);
        // GELU exactly as BERT exports it: x * 0.5 * (1 + erf(x / sqrt(2))).
        string erf = g.Node("Erf", [g.Node("Div", [h, g.Scalar("sqrt2", MathF.Sqrt(2f))])]);
        string gelu = g.Node("Mul", [g.Node("Mul", [h, g.Node("Add", [erf, g.Scalar("one", 1f)])]), g.Scalar("half", 0.5f)]);
        string ffnOut = Linear(gelu, Ffn, Hidden);
        string norm2 = LayerNorm(g, rng, g.Node("Add", [ffnOut, norm1]));
        g.Node("Identity", [norm2], "y");
        g.Output("y", 1, 1, Seq, Hidden);
        return g.ToModel(dynamicInt8 ? "BERT-base layer, dynamic int8" : "BERT-base layer, fp32");
    }

    private static string LayerNorm(GraphBuilder g, Random rng, string x)
    {
        var gamma = Weights.Uniform(rng, Hidden, 0.1f).Select(v => 1 + v).ToArray();
        var beta = Weights.Uniform(rng, Hidden, 0.1f);
        return g.Node("LayerNormalization", [x, g.Float("gamma", gamma, Hidden), g.Float("beta", beta, Hidden)], null, "",
            GraphBuilder.Attr("axis", -1L), GraphBuilder.Attr("epsilon", 1e-12f));
    }
}
